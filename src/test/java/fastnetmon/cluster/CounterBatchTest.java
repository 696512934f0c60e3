package fastnetmon.cluster;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class CounterBatchTest {
    private static final int C = CounterShard.COUNTERS;

    private static CounterBatch roundTrip(CounterBatch b) throws CounterBatch.Malformed {
        CounterBatch back = new CounterBatch();
        back.decode(b.encode(new BatchBytes()).toArray());
        return back;
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        for (int seed = 0; seed < 3; seed++) {
            CounterBatch b = TestBatches.full(seed);
            CounterBatch back = roundTrip(b);
            TestBatches.assertSame(b, back);
            assertEquals(3, back.hosts);
            assertEquals(2, back.removed);
            assertEquals(2, back.samples);
            assertEquals(2, back.networks);
        }
    }

    @Test
    void anEmptyBatchAndAnUnknownPacketTimeSurvive() throws Exception {
        CounterBatch b = new CounterBatch();
        b.sensor = "";
        assertTrue(b.isEmpty());
        CounterBatch back = roundTrip(b);
        TestBatches.assertSame(b, back);
        assertEquals(Long.MIN_VALUE, back.countedUpToNanos);
    }

    /** A decoder reused for a smaller batch keeps nothing of the bigger one. */
    @Test
    void aReusedBatchDecodesTheNextOneAlone() throws Exception {
        CounterBatch reused = new CounterBatch();
        reused.decode(TestBatches.full(1).encode(new BatchBytes()).toArray());
        CounterBatch small = new CounterBatch();
        small.sensor = "x";
        reused.decode(small.encode(new BatchBytes()).toArray());
        TestBatches.assertSame(small, reused);
    }

    @Test
    void everyTruncationIsMalformed() {
        byte[] data = TestBatches.full(0).encode(new BatchBytes()).toArray();
        CounterBatch b = new CounterBatch();
        for (int n = 0; n < data.length; n++) {
            byte[] cut = Arrays.copyOf(data, n);
            assertThrows(CounterBatch.Malformed.class, () -> b.decode(cut), "cut at " + n);
        }
    }

    @Test
    void corruptionsThrowOnlyMalformed() {
        Random rnd = new Random(42);
        CounterBatch b = new CounterBatch();
        List<byte[]> valid = Stream.of(0, 1, 2).map(s -> TestBatches.full(s).encode(new BatchBytes()).toArray()).toList();
        int malformed = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] data = valid.get(i % valid.size()).clone();
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(data.length);
                switch (rnd.nextInt(3)) {
                    case 0 -> data[at] = (byte) rnd.nextInt(256);
                    case 1 -> data[at] ^= (byte) (1 << rnd.nextInt(8));
                    default -> data = cutOrGrow(data, at, rnd);
                }
            }
            try {
                b.decode(data);
            } catch (CounterBatch.Malformed expected) {
                malformed++;
            } catch (RuntimeException e) {
                fail("decode threw " + e + " for " + Arrays.toString(data));
            }
        }
        assertTrue(malformed > 10_000, "the corruptions were caught: " + malformed);
    }

    private static byte[] cutOrGrow(byte[] data, int at, Random rnd) {
        if (rnd.nextBoolean()) {
            byte[] d = new byte[data.length - 1];
            System.arraycopy(data, 0, d, 0, at);
            System.arraycopy(data, at + 1, d, at, data.length - at - 1);
            return d.length == 0 ? data : d;
        }
        byte[] d = new byte[data.length + 1];
        System.arraycopy(data, 0, d, 0, at);
        d[at] = (byte) rnd.nextInt(256);
        System.arraycopy(data, at, d, at + 1, data.length - at);
        return d;
    }

    /** Counts past what the bytes left can hold are refused before anything is allocated for them. */
    @Test
    void hugeCountsAreMalformed() throws Exception {
        CounterBatch b = new CounterBatch();
        b.sensor = "s";
        byte[] empty = b.encode(new BatchBytes()).toArray();
        // The last three bytes are the host, removal and sample counts (0 each).
        for (int field = 3; field >= 1; field--) {
            byte[] d = empty.clone();
            d[d.length - field] = 1;
            CounterBatch into = new CounterBatch();
            assertThrows(CounterBatch.Malformed.class, () -> into.decode(d), "count " + field);
        }
        byte[] notUtf8 = empty.clone();
        notUtf8[7] = (byte) 0xff; // the name's one byte
        assertThrows(CounterBatch.Malformed.class, () -> new CounterBatch().decode(notUtf8));
    }

    /** A light host (a few packets each way in a second) costs under 30 bytes, IPv4. */
    @Test
    void aLightHostCostsFewBytes() throws Exception {
        int n = 10_000;
        CounterBatch b = new CounterBatch();
        b.sensor = "sensor-1";
        long[] counts = new long[C];
        counts[CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0)] = 12;
        counts[CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 1)] = 9_000;
        counts[CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 2)] = 1;
        counts[CounterShard.counter(Direction.INCOMING, TrafficClass.TCP, 0)] = 12;
        counts[CounterShard.counter(Direction.INCOMING, TrafficClass.TCP, 1)] = 9_000;
        counts[CounterShard.counter(Direction.INCOMING, TrafficClass.TCP, 2)] = 1;
        counts[CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 0)] = 10;
        counts[CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 1)] = 800;
        counts[CounterShard.counter(Direction.OUTGOING, TrafficClass.TCP, 0)] = 10;
        counts[CounterShard.counter(Direction.OUTGOING, TrafficClass.TCP, 1)] = 800;
        for (int h = 0; h < n; h++) {
            long[] a = TestPackets.addr("10." + (h >> 16) + "." + ((h >> 8) & 0xff) + "." + (h & 0xff));
            b.addHost(a[0], a[1], counts, 0);
        }
        int size = b.encode(new BatchBytes()).size();
        assertTrue(size < 30 * n, size / (double) n + " bytes per light host");
        assertEquals(n, roundTrip(b).hosts);
    }

    /** The fuzz target's seeds are valid batches (TestBatches writes them). */
    @Test
    void theFuzzSeedsAreValidBatches() throws IOException, CounterBatch.Malformed {
        Path dir = Path.of("src/test/resources/fastnetmon/cluster/CounterBatchFuzzTestInputs/decode");
        List<Path> seeds;
        try (Stream<Path> s = Files.list(dir)) {
            seeds = s.toList();
        }
        assertTrue(seeds.size() >= 3, "seeds in " + dir);
        for (Path p : seeds) {
            new CounterBatch().decode(Files.readAllBytes(p));
        }
    }
}
