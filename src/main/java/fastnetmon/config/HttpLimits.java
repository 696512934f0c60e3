package fastnetmon.config;

/**
 * The bounds every HTTP surface (API, metrics) enforces, per server: open connections in total and per
 * client address, the time a client has to send a whole request (also the idle timeout), and the largest
 * request head and body. Immutable.
 */
public record HttpLimits(int maxConnections, int maxConnectionsPerClient, int requestTimeoutSeconds,
                         int maxHeaderBytes, int maxBodyBytes) {
    /** Request line and headers: 8 KiB, as most servers. */
    public static final int HEADER_BYTES = 8 * 1024;
    /** Request body: the API takes its parameters in the query, so a small bound. */
    public static final int BODY_BYTES = 16 * 1024;

    public HttpLimits {
        if (maxConnections < 1 || maxConnectionsPerClient < 1 || requestTimeoutSeconds < 1 || maxHeaderBytes < 512 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("bad HTTP limits");
        }
    }

    /** The built-in defaults (the configuration keys' defaults). */
    public static HttpLimits defaults() {
        return PresentationSettings.from(Configuration.defaults()).http();
    }
}
