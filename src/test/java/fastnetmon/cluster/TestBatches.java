package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Counter batches for tests: one with every field set, and a comparison of every field. As a program,
 * writes the fuzz target's seed corpus:
 * {@code java -cp target/test-classes:target/classes:... fastnetmon.cluster.TestBatches DIR}.
 */
public final class TestBatches {
    private static final int C = CounterShard.COUNTERS;

    private TestBatches() {
    }

    /** A batch with IPv4 and IPv6 hosts, totals, networks, removed hosts and samples; {@code seed} varies the values. */
    public static CounterBatch full(int seed) {
        CounterBatch b = new CounterBatch();
        b.sensor = "sensor-" + seed + "-é";
        b.partition = 3;
        b.sequence = 1000L + seed;
        b.endNanos = 1_767_225_600_123_000_000L + seed;
        b.coveredNanos = 100_000_000L;
        b.countedUpToNanos = 1_767_225_600_100_000_000L;
        b.wholeSeconds = seed % 2 == 1;
        long[] totals = new long[CounterShard.TOTALS];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = i * 1000L + seed;
        }
        long[] networks = {1, 2, 3, 4, 5_000_000_000L, 6, 7, 8};
        b.setTotals(totals, 17 + seed, 3, networks, 2);
        long[] counts = new long[C];
        for (int i = 0; i < C; i += 1 + seed % 3) {
            counts[i] = (i + 1L) * (seed + 1) * 977;
        }
        counts[C - 1] = Long.MAX_VALUE;
        long[] v4 = TestPackets.addr("10.0.0." + (1 + seed)), v6 = TestPackets.addr("2001:db8::" + (seed + 1));
        b.addHost(v4[0], v4[1], counts, 0);
        b.addHost(v6[0], v6[1], new long[C], 0);
        counts[0] = 1;
        b.addHost(v6[0], v6[1] + 1, counts, 0);
        b.addRemoved(v4[0], v4[1] + 7);
        b.addRemoved(v6[0], v6[1] + 7);
        b.addSample(1_767_225_600_050_000_000L, 0, TestPackets.addr("198.51.100.1")[1], v4[0], v4[1], 40000, 53, 17, 0,
                64, false, 1, 1500, Direction.INCOMING, 1500, 0);
        b.addSample(1_767_225_600_060_000_000L, v6[0], v6[1], v6[0] + 1, 9, 65535, 65535, 6, 0x12, 255, true, 1000,
                60, Direction.OUTGOING, 60_000, 5);
        return b;
    }

    /** Every field of the two batches is the same. */
    public static void assertSame(CounterBatch expected, CounterBatch actual) {
        assertEquals(expected.sensor, actual.sensor);
        assertEquals(expected.partition, actual.partition);
        assertEquals(expected.sequence, actual.sequence);
        assertEquals(expected.endNanos, actual.endNanos);
        assertEquals(expected.coveredNanos, actual.coveredNanos);
        assertEquals(expected.countedUpToNanos, actual.countedUpToNanos);
        assertEquals(expected.wholeSeconds, actual.wholeSeconds);
        assertEquals(expected.hasTotals, actual.hasTotals);
        if (expected.hasTotals) {
            assertArrayEquals(expected.totals, actual.totals);
            assertEquals(expected.untrackedPackets, actual.untrackedPackets);
            assertEquals(expected.promotedHosts, actual.promotedHosts);
            assertEquals(expected.networks, actual.networks);
            for (int i = 0; i < 4 * expected.networks; i++) {
                assertEquals(expected.networkTotals[i], actual.networkTotals[i], "network value " + i);
            }
        }
        assertEquals(expected.hosts, actual.hosts);
        for (int h = 0; h < expected.hosts; h++) {
            assertEquals(expected.hostHi[h], actual.hostHi[h], "host " + h);
            assertEquals(expected.hostLo[h], actual.hostLo[h], "host " + h);
            for (int i = 0; i < C; i++) {
                assertEquals(expected.counts[h * C + i], actual.counts[h * C + i], "host " + h + " counter " + i);
            }
        }
        assertEquals(expected.removed, actual.removed);
        for (int r = 0; r < expected.removed; r++) {
            assertEquals(expected.removedHi[r], actual.removedHi[r]);
            assertEquals(expected.removedLo[r], actual.removedLo[r]);
        }
        assertEquals(expected.samples, actual.samples);
        for (int s = 0; s < expected.samples; s++) {
            String at = "sample " + s;
            assertEquals(expected.sampleTime[s], actual.sampleTime[s], at);
            assertEquals(expected.srcHi[s], actual.srcHi[s], at);
            assertEquals(expected.srcLo[s], actual.srcLo[s], at);
            assertEquals(expected.dstHi[s], actual.dstHi[s], at);
            assertEquals(expected.dstLo[s], actual.dstLo[s], at);
            assertEquals(expected.ports[s], actual.ports[s], at);
            assertEquals(expected.meta[s], actual.meta[s], at);
            assertEquals(expected.samplePackets[s], actual.samplePackets[s], at);
            assertEquals(expected.sampleBytes[s], actual.sampleBytes[s], at);
            assertEquals(expected.sampleLength[s], actual.sampleLength[s], at);
            assertEquals(expected.sampleDirection[s], actual.sampleDirection[s], at);
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        BatchBytes out = new BatchBytes();
        for (int seed = 0; seed < 3; seed++) {
            Files.write(dir.resolve("full-" + seed), full(seed).encode(out).toArray());
        }
        CounterBatch heartbeat = new CounterBatch();
        heartbeat.sensor = "s";
        heartbeat.setTotals(new long[CounterShard.TOTALS], 0, 0, new long[4], 0);
        Files.write(dir.resolve("heartbeat"), heartbeat.encode(out).toArray());
    }
}
