package fastnetmon.counters;

import fastnetmon.networks.PrefixMatcher;

import java.util.List;

/** Counter shards for tests, in the shapes tests need; the detector makes its own through {@code Detector}. */
public final class TestShards {
    /** A reader that gives every host id 0 and keeps nothing: for reads whose only effect is the shard's. */
    public static final HostCounters.Changes NO_CHANGES = new HostCounters.Changes() {
        @Override
        public int added(long hi, long lo) {
            return 0;
        }

        @Override
        public void counted(int id, long[] counts) {
        }

        @Override
        public void removed(int id) {
        }
    };

    private TestShards() {
    }

    public static CounterShard shard(String name, PrefixMatcher monitored, int flowTableLog2) {
        return shard(name, monitored, flowTableLog2, CounterShard.MAX_HOSTS);
    }

    /** @param maxHosts hosts the shard tracks at most; packets of further hosts count in the totals only */
    public static CounterShard shard(String name, PrefixMatcher monitored, int flowTableLog2, int maxHosts) {
        return shard(name, monitored, flowTableLog2, maxHosts, CounterShard.IDLE_SECONDS);
    }

    /** @param idleSeconds a host not counted for this long gives its slot back */
    public static CounterShard shard(String name, PrefixMatcher monitored, int flowTableLog2, int maxHosts, int idleSeconds) {
        return shard(name, new MonitoredNetworks(List.of(), monitored), flowTableLog2, new TrackingLimits(maxHosts, idleSeconds, 0, 0));
    }

    public static CounterShard shard(String name, MonitoredNetworks networks, int flowTableLog2, TrackingLimits limits) {
        return new CounterShard(name, networks, flowTableLog2, limits, false);
    }
}
