package fastnetmon.export;

import fastnetmon.config.Configuration;

import java.time.Duration;

/**
 * What the InfluxDB export takes from the configuration (FastNetMon CE's keys), read in one place
 * ({@link #from}). Immutable.
 *
 * @param enabled    {@code influxdb}
 * @param host       {@code influxdb_host}
 * @param port       {@code influxdb_port}
 * @param database   {@code influxdb_database}
 * @param auth       {@code influxdb_auth}: send {@code user} and {@code password} (HTTP basic authentication)
 * @param user       {@code influxdb_user}
 * @param password   {@code influxdb_password}
 * @param pushPeriod {@code influxdb_push_period}
 * @param timeout    how long connecting, and then waiting for the reply, may each take (not a key)
 */
public record InfluxDbSettings(boolean enabled, String host, int port, String database, boolean auth, String user,
                               String password, Duration pushPeriod, Duration timeout) {
    /** Connect and reply timeout of every call: well under a minute, so that a hanging server costs few pushes. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    public static InfluxDbSettings from(Configuration c) {
        return new InfluxDbSettings(c.getBoolean("influxdb"), c.getString("influxdb_host"), c.getInt("influxdb_port"),
                c.getString("influxdb_database"), c.getBoolean("influxdb_auth"), c.getString("influxdb_user"),
                c.getString("influxdb_password"), Duration.ofSeconds(c.getInt("influxdb_push_period")), TIMEOUT);
    }

    /** The server's base address, e.g. {@code http://127.0.0.1:8086} (IPv6 literals in brackets). */
    String baseUrl() {
        return "http://" + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "InfluxDbSettings[" + baseUrl() + ", database " + database + (auth ? ", user " + user : "") + "]";
    }
}
