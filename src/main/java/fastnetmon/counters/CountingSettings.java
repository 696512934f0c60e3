package fastnetmon.counters;

import fastnetmon.config.Configuration;

/**
 * What counting takes from the configuration, typed and read in one place ({@link #from}). Immutable.
 *
 * @param maxTrackedHosts        {@code max_tracked_hosts}: hosts counted one by one per shard (0: as many as
 *                               a share of the heap holds, resolved by whoever builds the shards)
 * @param trackedHostIdleSeconds {@code tracked_host_idle_time}
 */
public record CountingSettings(int maxTrackedHosts, int trackedHostIdleSeconds) {

    public static CountingSettings from(Configuration c) {
        return new CountingSettings(c.getInt("max_tracked_hosts"), c.getInt("tracked_host_idle_time"));
    }
}
