package fastnetmon.api;

/**
 * What the API reports about the daemon besides the detector's state: its version, the console's sort
 * order (sort_parameter) and how many hosts the console lists per direction (max_ips_in_list).
 */
public record ApiInfo(String version, String sortDefault, int maxIpsInList) {
}
