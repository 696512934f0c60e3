package fastnetmon.sensor;

import fastnetmon.config.Configuration;

import java.time.Duration;

/**
 * Whether the threats' attacked hosts are named by reverse DNS ({@code sensor_reverse_dns}) and how long a
 * threat waits for the names ({@code sensor_reverse_dns_timeout}). Immutable.
 */
public record ReverseDnsSettings(boolean enabled, Duration timeout) {
    public static ReverseDnsSettings from(Configuration c) {
        return new ReverseDnsSettings(c.getBoolean("sensor_reverse_dns"), Duration.ofMillis(c.getInt("sensor_reverse_dns_timeout")));
    }
}
