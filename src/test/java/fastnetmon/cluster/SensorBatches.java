package fastnetmon.cluster;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.TestPackets;
import fastnetmon.networks.IpAddresses;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counter batches as a sensor would publish them, built in a line ({@link #batch}), and a recording
 * {@link HostCounters.Changes} that checks the reader-id contract. For the cluster's tests and benchmark.
 */
public final class SensorBatches {
    public static final int C = CounterShard.COUNTERS;
    public static final int IN_PACKETS = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0);
    public static final int IN_BYTES = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 1);
    public static final int OUT_PACKETS = CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 0);

    private SensorBatches() {
    }

    /** A batch of one sensor: {@link #host} and {@link #removed} add to it, {@link #bytes} encodes it. */
    public static CounterBatch batch(String sensor, int partition, long sequence, long endNanos) {
        CounterBatch b = new CounterBatch();
        b.sensor = sensor;
        b.partition = partition;
        b.sequence = sequence;
        b.endNanos = endNanos;
        b.coveredNanos = 100_000_000L;
        b.countedUpToNanos = endNanos;
        return b;
    }

    /** Adds a host's incoming packets and bytes (UDP: the total and the UDP class). */
    public static void host(CounterBatch b, String ip, long packets, long bytes) {
        long[] a = TestPackets.addr(ip);
        long[] c = new long[C];
        c[IN_PACKETS] = packets;
        c[IN_BYTES] = bytes;
        c[CounterShard.counter(Direction.INCOMING, TrafficClass.UDP, 0)] = packets;
        c[CounterShard.counter(Direction.INCOMING, TrafficClass.UDP, 1)] = bytes;
        b.addHost(a[0], a[1], c, 0);
    }

    public static void removed(CounterBatch b, String ip) {
        long[] a = TestPackets.addr(ip);
        b.addRemoved(a[0], a[1]);
    }

    /** Sets totals: incoming IPv4 packets and bytes, outgoing IPv4 packets and bytes. */
    public static void totals(CounterBatch b, long inPackets, long inBytes, long outPackets, long outBytes) {
        long[] t = new long[CounterShard.TOTALS];
        t[CounterShard.totalIndex(Direction.INCOMING, 4, 0)] = inPackets;
        t[CounterShard.totalIndex(Direction.INCOMING, 4, 1)] = inBytes;
        t[CounterShard.totalIndex(Direction.OUTGOING, 4, 0)] = outPackets;
        t[CounterShard.totalIndex(Direction.OUTGOING, 4, 1)] = outBytes;
        b.setTotals(t, 0, 0, new long[0], 0);
    }

    public static byte[] bytes(CounterBatch b) {
        return b.encode(new BatchBytes()).toArray();
    }

    /**
     * What a reader saw: per host (address text) the summed counters, the hosts held now, and "added IP" /
     * "removed IP" in order. Fails on a broken contract: an id counted or removed that is not held, a host
     * added twice by the same counters while held.
     */
    public static final class Recording implements HostCounters.Changes {
        public final Map<String, long[]> sums = new HashMap<>();
        public final List<String> events = new ArrayList<>();
        private final List<String> byId = new ArrayList<>();
        private final Set<String> held = new HashSet<>();

        @Override
        public int added(long hi, long lo) {
            String ip = IpAddresses.format(hi, lo);
            if (!held.add(ip)) {
                throw new AssertionError(ip + " added twice");
            }
            events.add("added " + ip);
            byId.add(ip);
            return byId.size() - 1;
        }

        @Override
        public void counted(int id, long[] counts) {
            String ip = live(id);
            long[] s = sums.computeIfAbsent(ip, k -> new long[C]);
            for (int i = 0; i < C; i++) {
                s[i] += counts[i];
            }
        }

        @Override
        public void removed(int id) {
            String ip = live(id);
            held.remove(ip);
            byId.set(id, null);
            events.add("removed " + ip);
        }

        private String live(int id) {
            String ip = id >= 0 && id < byId.size() ? byId.get(id) : null;
            if (ip == null) {
                throw new AssertionError("id " + id + " is not held");
            }
            return ip;
        }

        /** Incoming packets summed for the host (0 when never counted). */
        public long packets(String ip) {
            long[] s = sums.get(ip);
            return s == null ? 0 : s[IN_PACKETS];
        }

        public Set<String> held() {
            return Set.copyOf(held);
        }
    }
}
