package fastnetmon.cluster;

import fastnetmon.config.Configuration;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.RedisUris;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The cluster's settings, read from the {@code cluster_*} keys in one place ({@link #from}), and the
 * names of its Redis keys. Immutable.
 *
 * @param role              {@code cluster_role}
 * @param redis             {@code cluster_redis_uri} with {@code cluster_key_prefix} (and ban_time, for the ban list)
 * @param sensorName        {@code cluster_sensor_name}, or the host name
 * @param partitions        {@code cluster_partitions}
 * @param streamRetention   {@code cluster_stream_retention}
 * @param maxLag            {@code cluster_max_lag}
 * @param sensorTimeout     {@code cluster_sensor_timeout}
 * @param backlogBytes      {@code cluster_sensor_backlog} in bytes
 * @param leaseTime         {@code cluster_lease_time}
 */
public record ClusterSettings(Role role, RedisSettings redis, String sensorName, int partitions, Duration streamRetention,
                              Duration maxLag, Duration sensorTimeout, long backlogBytes, Duration leaseTime) {
    public enum Role {
        STANDALONE, SENSOR, AGGREGATOR;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static ClusterSettings from(Configuration c) {
        String name = c.getString("cluster_sensor_name").trim();
        return new ClusterSettings(Role.valueOf(c.getString("cluster_role").trim().toUpperCase(Locale.ROOT)),
                RedisSettings.ofUri(c.getString("cluster_redis_uri"), c.getString("cluster_key_prefix").trim(), c.getLong("ban_time")),
                name.isEmpty() ? hostName() : name, c.getInt("cluster_partitions"), Duration.ofSeconds(c.getInt("cluster_stream_retention")),
                Duration.ofSeconds(c.getInt("cluster_max_lag")), Duration.ofSeconds(c.getInt("cluster_sensor_timeout")),
                c.getInt("cluster_sensor_backlog") * 1024L * 1024L, Duration.ofSeconds(c.getInt("cluster_lease_time")));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "sensor";
        }
    }

    /** What keeps these settings from working, in one line naming the key; empty when usable or standalone. */
    public Optional<String> problem() {
        if (role == Role.STANDALONE) {
            return Optional.empty();
        }
        try {
            RedisUris.parse(redis.uri());
        } catch (IllegalArgumentException e) {
            return Optional.of("cluster_redis_uri: " + e.getMessage());
        }
        if (sensorName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            return Optional.of("cluster_sensor_name is longer than 255 bytes");
        }
        return Optional.empty();
    }

    /** The stream of counter batches of partition {@code p}; its hash tag spreads partitions over a Redis Cluster's slots. */
    public String streamKey(int p) {
        return redis.key("counters_{" + p + "}");
    }

    /** The hash of hosts whose sample packets the aggregator wants: field the address, value the direction flags. */
    public String sampleRequestsKey() {
        return redis.key("samples_wanted");
    }

    /** The active aggregator's lease. */
    public String leaseKey() {
        return redis.key("lease");
    }

    /**
     * The partition of a host: its /24 (IPv4) or /48 (IPv6) hashed, so that a network's hosts stay together
     * and a Redis Cluster spreads the partitions' streams over its masters.
     */
    public static int partition(long hi, long lo, int partitions) {
        long prefix = hi == 0 ? lo >>> 8 : hi >>> 16;
        long h = prefix * 0x9E3779B97F4A7C15L;
        return (int) ((h >>> 33) % partitions);
    }
}
