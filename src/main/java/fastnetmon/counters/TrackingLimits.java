package fastnetmon.counters;

/**
 * How a shard tracks hosts one by one: at most {@code maxHosts}; a host not counted for
 * {@code idleSeconds} gives its slot back; when the table is full, an untracked host whose traffic in
 * one second reaches {@code promotePackets} packets or {@code promoteBytes} bytes (0: never by that
 * measure) takes the slot of a lighter tracked host (see {@link HeavyHitters}).
 */
public record TrackingLimits(int maxHosts, int idleSeconds, long promotePackets, long promoteBytes) {
    /** No limit but the shard's own, the default idle time, promotion off. */
    public static TrackingLimits unbounded() {
        return new TrackingLimits(CounterShard.MAX_HOSTS, CounterShard.IDLE_SECONDS, 0, 0);
    }
}
