package fastnetmon.api;

/**
 * What the API reports about the daemon besides the detector's state: its version, the console's sort
 * order (sort_parameter) and how many hosts the console lists per direction (max_ips_in_list); and
 * whether a ban by hand may name an address outside the monitored networks (api_ban_outside_networks).
 */
public record ApiInfo(String version, String sortDefault, int maxIpsInList, boolean banOutsideNetworks) {
    /** Bans by hand only inside the monitored networks. */
    public ApiInfo(String version, String sortDefault, int maxIpsInList) {
        this(version, sortDefault, maxIpsInList, false);
    }
}
