package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.HostCounters;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The sensor's totals as deltas: what the cumulative totals of every counters instance (traffic totals,
 * untracked packets, promoted hosts, monitored networks' totals) grew by since the previous read,
 * summed over the instances; an instance read for the first time counts from zero.
 *
 * <p>Threading: one thread (the publisher's).
 */
final class SensorTotals {
    /** An instance's cumulative values at the previous read. */
    private static final class Previous {
        final long[] totals = new long[CounterShard.TOTALS];
        long untracked, promoted;
        long[] networks = new long[4];
    }

    private final Map<HostCounters, Previous> previous = new IdentityHashMap<>();
    private final long[] one = new long[CounterShard.TOTALS];
    private final long[] totals = new long[CounterShard.TOTALS];
    private long[] networkOne = new long[4], networkDeltas = new long[4];

    /** Reads every instance's totals and sets their deltas on {@code batch}. */
    void read(Iterable<? extends HostCounters> counters, CounterBatch batch) {
        int networks = 0;
        for (HostCounters c : counters) {
            networks = Math.max(networks, c.networks().size());
        }
        if (networkDeltas.length < 4 * networks) {
            networkDeltas = new long[4 * networks];
            networkOne = new long[4 * networks];
        }
        Arrays.fill(totals, 0);
        Arrays.fill(networkDeltas, 0);
        long untracked = 0, promoted = 0;
        for (HostCounters c : counters) {
            Previous p = previous.computeIfAbsent(c, k -> new Previous());
            c.readTotals(one);
            for (int i = 0; i < one.length; i++) {
                long d = delta(one[i], p.totals[i]);
                totals[i] += d;
                p.totals[i] += d;
            }
            long u = delta(c.untrackedPackets(), p.untracked), h = delta(c.promotedHosts(), p.promoted);
            untracked += u;
            promoted += h;
            p.untracked += u;
            p.promoted += h;
            int n = 4 * c.networks().size();
            if (n > 0) {
                if (p.networks.length < n) {
                    p.networks = Arrays.copyOf(p.networks, n);
                }
                c.readNetworkTotals(networkOne);
                for (int i = 0; i < n; i++) {
                    long d = delta(networkOne[i], p.networks[i]);
                    networkDeltas[i] += d;
                    p.networks[i] += d;
                }
            }
        }
        batch.setTotals(totals, untracked, promoted, networkDeltas, networks);
    }

    /** Counters only grow: a value below the previous one (never expected) adds nothing, and is not counted twice later. */
    private static long delta(long now, long before) {
        return Math.max(0, now - before);
    }
}
