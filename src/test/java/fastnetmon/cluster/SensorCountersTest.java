package fastnetmon.cluster;

import fastnetmon.cluster.SensorBatches.Recording;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.TestPackets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static fastnetmon.cluster.SensorBatches.batch;
import static fastnetmon.cluster.SensorBatches.bytes;
import static fastnetmon.cluster.SensorBatches.host;
import static fastnetmon.cluster.SensorBatches.removed;
import static fastnetmon.cluster.SensorBatches.totals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One sensor's counters as the evaluator reads them, fed batch by batch on the test's thread (no Redis). */
class SensorCountersTest {
    private static final long SECOND = 1_767_225_600L;
    private static final long NANOS = 1_000_000_000L;
    /** The aggregator's clock, set by the tests. */
    private long now = SECOND * NANOS;
    private final WantedSamples requests = new WantedSamples();

    private SensorCounters counters(int maxHosts) {
        return new SensorCounters("s1", false, maxHosts, requests, MonitoredNetworks.NONE, Duration.ofSeconds(5), () -> now);
    }

    private static void offer(SensorCounters c, CounterBatch b) {
        assertTrue(c.offer(bytes(b), b.endNanos));
    }

    @Test
    void hostsAreAddedOnFirstSightCountedWithTheDeltasAndRemovedWhenTheSensorGivesThemUp() {
        SensorCounters c = counters(1000);
        assertEquals("s1", c.name());
        assertEquals("s1", c.sensorName());
        assertFalse(c.countsWholeSeconds());
        CounterBatch b1 = batch("s1", 0, 1, now);
        host(b1, "10.0.0.1", 100, 6400);
        host(b1, "2001:db8::1", 7, 700);
        offer(c, b1);
        CounterBatch b2 = batch("s1", 0, 2, now);
        host(b2, "10.0.0.1", 50, 3200);
        removed(b2, "2001:db8::1");
        removed(b2, "10.0.0.99"); // never seen: nothing to do
        offer(c, b2);
        Recording r = new Recording();
        c.read(SECOND, r);
        assertEquals(List.of("added 10.0.0.1", "added 2001:db8::1", "removed 2001:db8::1"), r.events);
        assertEquals(150, r.packets("10.0.0.1"));
        assertEquals(9600, r.sums.get("10.0.0.1")[SensorBatches.IN_BYTES]);
        assertEquals(7, r.packets("2001:db8::1"));
        assertEquals(1, c.hosts());
        CounterBatch b3 = batch("s1", 0, 3, now);
        host(b3, "2001:db8::1", 1, 100); // back again: added again
        offer(c, b3);
        c.read(SECOND, r);
        assertEquals("added 2001:db8::1", r.events.get(3));
        assertEquals(8, r.packets("2001:db8::1"));
    }

    @Test
    void aHostNoBatchNamesForTheIdleTimeIsRemovedSoALostRemovalCannotLeak() {
        SensorCounters c = counters(1000);
        Recording r = new Recording();
        CounterBatch b = batch("s1", 0, 1, now);
        host(b, "10.0.0.1", 1, 64);
        host(b, "10.0.0.2", 1, 64);
        offer(c, b);
        c.read(SECOND, r);
        for (long s = SECOND + 1; s <= SECOND + CounterShard.IDLE_SECONDS; s++) {
            now = s * NANOS;
            CounterBatch k = batch("s1", 0, s, now);
            host(k, "10.0.0.2", 1, 64);
            offer(c, k);
            c.read(s, r);
        }
        assertEquals(List.of("added 10.0.0.1", "added 10.0.0.2"), r.events, "120 s: not yet");
        c.read(SECOND + CounterShard.IDLE_SECONDS + 1, r);
        assertEquals(List.of("added 10.0.0.1", "added 10.0.0.2", "removed 10.0.0.1"), r.events);
        assertEquals(java.util.Set.of("10.0.0.2"), r.held());
    }

    @Test
    void aBatchEndingMoreThanTheMaximumLagAgoIsDroppedAndCountedOneWithinItCounts() {
        SensorCounters c = counters(1000);
        CounterBatch old = batch("s1", 0, 1, now - 6 * NANOS);
        host(old, "10.0.0.1", 1000, 64000);
        assertFalse(c.offer(bytes(old), old.endNanos));
        CounterBatch lateButIn = batch("s1", 0, 2, now - 4 * NANOS);
        host(lateButIn, "10.0.0.1", 10, 640);
        offer(c, lateButIn);
        Recording r = new Recording();
        c.read(SECOND, r);
        assertEquals(1, c.late());
        assertEquals(10, r.packets("10.0.0.1"));
    }

    @Test
    void malformedBatchesAreCountedAndSkippedNeverThrown() {
        SensorCounters c = counters(1000);
        byte[] good = bytes(withHost(batch("s1", 0, 1, now), "10.0.0.1", 5));
        assertTrue(c.offer(java.util.Arrays.copyOf(good, good.length - 3), now));
        assertTrue(c.offer(new byte[] {1, 2, 3}, now));
        assertTrue(c.offer(good, now));
        Recording r = new Recording();
        c.read(SECOND, r);
        assertEquals(2, c.malformed());
        assertEquals(5, r.packets("10.0.0.1"));
    }

    @Test
    void beyondMaxHostsTheCountsGoToUntracked() {
        SensorCounters c = counters(2);
        CounterBatch b = batch("s1", 0, 1, now);
        host(b, "10.0.0.1", 1, 64);
        host(b, "10.0.0.2", 2, 64);
        host(b, "10.0.0.3", 30, 64);
        host(b, "10.0.0.4", 400, 64);
        offer(c, b);
        Recording r = new Recording();
        c.read(SECOND, r);
        assertEquals(java.util.Set.of("10.0.0.1", "10.0.0.2"), r.held());
        assertEquals(430, c.untrackedPackets());
        assertEquals(2, c.untrackedHosts());
    }

    @Test
    void totalsAreTheSumsOfTheDeltasAndSamplesAreHandedOver() {
        now = SECOND * NANOS;
        MonitoredNetworks nets = MonitoredNetworks.of(TestPackets.cidrs("10.0.0.0/8"));
        SensorCounters c = new SensorCounters("s1", true, 100, requests, nets, Duration.ofSeconds(5), () -> now);
        assertEquals("s1 (flows)", c.name());
        assertTrue(c.countsWholeSeconds());
        for (int i = 1; i <= 3; i++) {
            CounterBatch b = batch("s1", 0, i, now);
            b.wholeSeconds = true;
            totals(b, 10 * i, 1000 * i, i, 100 * i);
            b.setTotals(b.totals, 2, 1, new long[] {10 * i, 1000 * i, i, 100 * i}, 1);
            long[] src = TestPackets.addr("198.51.100.7"), dst = TestPackets.addr("10.0.0.1");
            b.addSample(i, src[0], src[1], dst[0], dst[1], 1000 + i, 53, 17, 0, 64, false, 1, 100, Direction.INCOMING, 100, 2);
            assertTrue(c.offer(bytes(b), b.endNanos));
        }
        c.read(SECOND, new Recording());
        long[] t = new long[CounterShard.TOTALS];
        c.readTotals(t);
        assertEquals(60, t[CounterShard.totalIndex(Direction.INCOMING, 4, 0)]);
        assertEquals(600, t[CounterShard.totalIndex(Direction.OUTGOING, 4, 1)]);
        assertEquals(6, c.untrackedPackets());
        assertEquals(3, c.promotedHosts());
        long[] n = new long[4];
        c.readNetworkTotals(n);
        assertArrayEquals(new long[] {60, 6000, 6, 600}, n);
        assertEquals(SECOND * NANOS, c.countedUpToNanos());
        List<String> seen = new ArrayList<>();
        c.drainSamples((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, packets, length, dir) ->
                seen.add(ts + " " + sp + ">" + dp + " " + proto + " " + ttl + " " + dir));
        assertEquals(List.of("1 1001>53 17 64 INCOMING", "2 1002>53 17 64 INCOMING", "3 1003>53 17 64 INCOMING"), seen);
        seen.clear();
        c.drainSamples((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, packets, length, dir) -> seen.add("again"));
        assertEquals(List.of(), seen, "drained once");
    }

    @Test
    void sampleRequestsOfEverySensorAreOneWishStoppedByNull() {
        SensorCounters a = counters(10), b = new SensorCounters("s2", false, 10, requests, MonitoredNetworks.NONE,
                Duration.ofSeconds(5), () -> now);
        long[] h = TestPackets.addr("10.0.0.1");
        a.requestSamples(h[0], h[1], Direction.OUTGOING);
        b.requestSamples(h[0], h[1], Direction.OUTGOING);
        assertEquals(Map.of("10.0.0.1", 2), requests.wanted());
        a.requestSamplesBothWays(h[0], h[1]);
        assertEquals(Map.of("10.0.0.1", 3), requests.wanted());
        b.requestSamples(h[0], h[1], null);
        assertEquals(Map.of(), requests.wanted());
    }

    private static CounterBatch withHost(CounterBatch b, String ip, long packets) {
        host(b, ip, packets, packets * 64);
        return b;
    }
}
