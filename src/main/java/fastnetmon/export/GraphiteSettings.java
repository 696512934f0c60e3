package fastnetmon.export;

import fastnetmon.config.Configuration;

import java.time.Duration;

/**
 * What the Graphite export takes from the configuration (FastNetMon CE's keys), read in one place
 * ({@link #from}). Immutable.
 *
 * @param enabled       {@code graphite}
 * @param host          {@code graphite_host}
 * @param port          {@code graphite_port}: carbon's plaintext (line) receiver
 * @param prefix        {@code graphite_prefix}: the first part of every metric path (empty: none)
 * @param pushPeriod    {@code graphite_push_period}
 * @param timeout       how long connecting, and then handing one push to the socket, may each take (not a key)
 * @param firstBackoff  the wait before connecting again after a failed connect, doubled at each failure (not a key)
 * @param maxBackoff    the longest of those waits (not a key)
 */
public record GraphiteSettings(boolean enabled, String host, int port, String prefix, Duration pushPeriod,
                               Duration timeout, Duration firstBackoff, Duration maxBackoff) {

    public static GraphiteSettings from(Configuration c) {
        return new GraphiteSettings(c.getBoolean("graphite"), c.getString("graphite_host"), c.getInt("graphite_port"),
                c.getString("graphite_prefix"), Duration.ofSeconds(c.getInt("graphite_push_period")),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** {@code host:port} for messages. */
    String where() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
