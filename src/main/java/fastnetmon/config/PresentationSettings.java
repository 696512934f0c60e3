package fastnetmon.config;

import java.nio.file.Path;

/**
 * What the presentation stages (API, metrics endpoint, console, client) take from the configuration,
 * typed and read in one place ({@link #from}) so that none of them looks keys up by name. Immutable.
 *
 * @param api     the HTTP API: on when both {@code api} and {@code enable_api} are on; {@code api_host}, {@code api_port}
 * @param metrics the Prometheus endpoint: {@code prometheus}, {@code prometheus_host}, {@code prometheus_port}
 * @param http    the bounds of both HTTP servers
 * @param screen  the console: {@code check_period}, {@code sort_parameter}, {@code max_ips_in_list}
 * @param grpc    FastNetMon's gRPC API: on when both {@code enable_api} and {@code grpc_api} are on;
 *                {@code grpc_api_host}, {@code grpc_api_port}
 * @param screenFile the screen file for {@code fastnetmon_client}: {@code cli_stats_file_path} (null: none)
 * @param apiBanOutsideNetworks a ban by hand through the HTTP API may name any address: {@code api_ban_outside_networks}
 */
public record PresentationSettings(Endpoint api, Endpoint metrics, HttpLimits http, Screen screen, Endpoint grpc,
                                   Path screenFile, boolean apiBanOutsideNetworks) {

    /** Where an HTTP surface listens, and whether it is served at all. */
    public record Endpoint(boolean enabled, String host, int port) {
        /** "127.0.0.1:9209", "[::1]:10007". */
        public String where() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * How the console looks. {@code sortParameter} is packets, bytes or flows (validated at load).
     */
    public record Screen(int checkPeriodSeconds, String sortParameter, int maxIpsInList) {
    }

    public static PresentationSettings from(Configuration c) {
        return new PresentationSettings(
                new Endpoint(c.getBoolean("api") && c.getBoolean("enable_api"), c.getString("api_host"), c.getInt("api_port")),
                new Endpoint(c.getBoolean("prometheus"), c.getString("prometheus_host"), c.getInt("prometheus_port")),
                new HttpLimits(c.getInt("http_max_connections"), c.getInt("http_max_connections_per_client"),
                        c.getInt("http_request_timeout"), HttpLimits.HEADER_BYTES, HttpLimits.BODY_BYTES),
                new Screen(c.getInt("check_period"), c.getString("sort_parameter"), c.getInt("max_ips_in_list")),
                new Endpoint(c.getBoolean("enable_api") && c.getBoolean("grpc_api"), c.getString("grpc_api_host"), c.getInt("grpc_api_port")),
                c.getPath("cli_stats_file_path"),
                c.getBoolean("api_ban_outside_networks"));
    }
}
