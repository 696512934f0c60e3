package fastnetmon.cluster;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TrackingLimits;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a sensor publishes per second with many light hosts (each counted every second, below the fast
 * level: one record per host per second), measured by encoding the real batches the publisher makes
 * ({@link PendingCounts} into {@link PartitionBatches}, 4 partitions, 100 ms ticks), without Redis. A
 * light host's second: 1 to 20 packets each way of 64 to 1500 bytes, TCP (a SYN now and then) or UDP, a
 * new flow now and then. Prints, per host count, the bytes per second, per host, the batches per second
 * and the CPU time of the batching per second.
 *
 * <pre>mvn -q test-compile &amp;&amp; java -Xmx3g -cp target/test-classes:target/classes fastnetmon.cluster.SensorBandwidth [HOSTS...]</pre>
 */
public final class SensorBandwidth {
    private static final int C = CounterShard.COUNTERS;
    private static final long TICK = 100_000_000L;
    private static final int SECONDS = 5;

    private SensorBandwidth() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[]{10_000, 100_000, 1_000_000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("%10s %14s %10s %14s %16s%n", "hosts", "bytes/s", "B/host", "batches/s", "batching ms/s");
        for (int n : sizes) {
            measure(n);
        }
    }

    private static void measure(int n) {
        // Promotion at a quarter of 20 kpps and 1 Gbit/s: a fast level of 500 packets or 3.1 MB per tick.
        PendingCounts pending = new PendingCounts(new TrackingLimits(n, 120, 5_000, 31_250_000), TICK);
        PartitionBatches batches = new PartitionBatches("sensor-1", 4, false);
        SensorTotals totals = new SensorTotals();
        int[] ids = new int[n];
        for (int h = 0; h < n; h++) {
            ids[h] = pending.added(0, 0xffff_0000_0000L | 0x0a00_0000L | h); // 10.0.0.0/8
        }
        SplittableRandom rnd = new SplittableRandom(1);
        long[] counts = new long[C];
        List<PartitionBatches.Encoded> out = new ArrayList<>();
        long bytes = 0, published = 0, nanos = 0;
        long now = 1_767_225_600_000_000_000L;
        for (int s = -1; s < SECONDS; s++) { // the first second warms up
            for (int h = 0; h < n; h++) {
                lightSecond(rnd, counts);
                pending.counted(ids[h], counts);
            }
            for (int t = 1; t <= 10; t++) {
                out.clear();
                long started = System.nanoTime();
                batches.start(now + t * TICK, TICK, now + t * TICK, out);
                pending.tick(t == 10, batches);
                if (t == 10) {
                    totals.read(List.of(), batches.first());
                }
                batches.finish(t == 10);
                long took = System.nanoTime() - started;
                if (s >= 0) {
                    nanos += took;
                    published += out.size();
                    for (PartitionBatches.Encoded e : out) {
                        bytes += e.data().length;
                    }
                }
            }
            now += 1_000_000_000L;
        }
        System.out.printf("%10d %14d %10.1f %14d %16.1f%n", n, bytes / SECONDS, bytes / (double) SECONDS / n,
                published / SECONDS, nanos / 1e6 / SECONDS);
    }

    /** One light host's second of traffic, as {@link CounterShard#counter} lays it out. */
    private static void lightSecond(SplittableRandom rnd, long[] c) {
        java.util.Arrays.fill(c, 0);
        for (Direction d : Direction.PER_HOST) {
            long packets = 1 + rnd.nextInt(20);
            long bytes = packets * (64 + rnd.nextInt(1437));
            long flows = rnd.nextInt(4) == 0 ? 1 : 0;
            int cls = rnd.nextInt(4) == 0 ? TrafficClass.UDP : TrafficClass.TCP;
            for (int k : new int[]{TrafficClass.TOTAL, cls}) {
                c[CounterShard.counter(d, k, 0)] = packets;
                c[CounterShard.counter(d, k, 1)] = bytes;
                c[CounterShard.counter(d, k, 2)] = flows;
            }
            if (cls == TrafficClass.TCP && rnd.nextInt(8) == 0) {
                c[CounterShard.counter(d, TrafficClass.TCP_SYN, 0)] = 1;
                c[CounterShard.counter(d, TrafficClass.TCP_SYN, 1)] = 64;
            }
        }
    }
}
