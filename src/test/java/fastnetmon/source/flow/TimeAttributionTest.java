package fastnetmon.source.flow;

import fastnetmon.counters.TestShards;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeAttributionTest {
    private static final long NS = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L;

    private final CounterShard shard = TestShards.shard("flows", TestPackets.networks("10.0.0.0/8"), 12);
    private final List<long[]> perSecond = new ArrayList<>(); // {second, incoming packets counted for it}
    private final java.util.Map<Long, Long> perTick = new java.util.TreeMap<>(); // clock second -> packets counted at it
    private long countedBefore;

    private TimeAttribution attribution(int capacity, int maxLag) {
        TimeAttribution a = new TimeAttribution(shard, capacity, maxLag);
        a.onReleased((s, at) -> {
            long now = incoming();
            perSecond.add(new long[]{s, now - countedBefore});
            perTick.merge(at, now - countedBefore, Long::sum);
            countedBefore = now;
        });
        return a;
    }

    private long incoming() {
        long[] t = new long[CounterShard.TOTALS];
        shard.readTotals(t);
        return t[CounterShard.totalIndex(Direction.INCOMING, 4, 0)];
    }

    private static PacketRecord rec(int dstLast, long packets, long endNanos) {
        PacketRecord r = new PacketRecord();
        r.reset();
        r.setIpv4(0xC0000201, 0x0A000000 | dstLast);
        r.protocol = PacketRecord.UDP;
        r.srcPort = 53;
        r.dstPort = 4444;
        r.packets = packets;
        r.bytes = packets * 100;
        r.length = 100;
        r.timestampNanos = endNanos;
        return r;
    }

    private long countedFor(long second) {
        return perSecond.stream().filter(p -> p[0] == second).mapToLong(p -> p[1]).sum();
    }

    @Test
    void aRecordIsSpreadOverTheSecondsItCoversAndTotalsAreExact() {
        TimeAttribution a = attribution(16, 3);
        a.onSecond(T0 + 3);
        a.arrival((T0 + 3) * NS + 100);
        // the first record arrives 3 s after it ended: the lag starts at 3, T0 is the next second counted
        a.record(null, rec(1, 1, T0 * NS), T0 * NS, T0 * NS);
        assertEquals(3, a.lagSeconds());
        // covers T0..T0+2: 3 seconds, 100 packets
        a.record(null, rec(1, 100, (T0 + 2) * NS + 5), T0 * NS, (T0 + 2) * NS + 5);
        for (long s = T0 + 4; s <= T0 + 7; s++) {
            a.onSecond(s);
        }
        assertEquals(0, a.movedForward());
        assertEquals(1 + 33, countedFor(T0));
        assertEquals(33, countedFor(T0 + 1));
        assertEquals(34, countedFor(T0 + 2));
        assertEquals(101, incoming());
        assertEquals(0, a.buffered());
    }

    @Test
    void aLongRecordArrivingAfterItsSecondsKeepsItsRateInsteadOfASpike() {
        TimeAttribution a = attribution(16, 0);
        a.onSecond(T0 + 60);
        a.arrival((T0 + 60) * NS + 1);
        // a 60 s flow of 6000 packets exported at its end: 100 packets a second, never 6000 in one second
        a.record(null, rec(2, 6000, (T0 + 59) * NS), T0 * NS, (T0 + 59) * NS);
        a.flush();
        assertEquals(1, a.movedForward());
        for (long s = T0 + 61; s <= T0 + 125; s++) {
            a.onSecond(s);
        }
        for (long s = T0 + 60; s < T0 + 120; s++) {
            assertEquals(100, countedFor(s), "second " + s);
        }
        assertEquals(6000, incoming());
    }

    @Test
    void shortRecordsOfTheNextSecondToCountGoStraightToTheShard() {
        TimeAttribution a = attribution(1, 0);
        a.onSecond(T0);
        a.arrival(T0 * NS + 500);
        for (int i = 0; i < 1000; i++) {
            a.record(null, rec(i, 1, T0 * NS + i), T0 * NS + i, T0 * NS + i);
        }
        a.flush();
        assertEquals(1000, incoming(), "counted at once, no buffer needed");
        assertEquals(0, a.buffered());
        a.onSecond(T0 + 1);
        assertEquals(1000, countedFor(T0));
    }

    @Test
    void underSteadyTrafficEveryEvaluatedSecondHoldsOneSecondOfRecords() {
        TimeAttribution a = attribution(1 << 12, 3);
        a.onSecond(T0);
        // records arrive 2 s after the second they end in (softflowd with 1 s timeouts), 50 per second
        for (long s = T0; s < T0 + 20; s++) {
            a.arrival(s * NS + 300_000_000L);
            for (int i = 0; i < 50; i++) {
                a.record(null, rec(i, 1, (s - 2) * NS + i), (s - 2) * NS + i, (s - 2) * NS + i);
            }
            a.onSecond(s + 1);
        }
        assertEquals(2, a.lagSeconds());
        // once the lag has settled every evaluated second holds exactly that second's 50 packets
        for (long s = T0 + 4; s < T0 + 17; s++) {
            assertEquals(50, countedFor(s), "second " + s);
        }
        long released = perSecond.stream().filter(p -> p[1] > 50).count();
        assertEquals(0, released, "no evaluated second holds more than one second of traffic");
    }

    @Test
    void aFullBufferCountsAtOnceWithoutLosingPackets() {
        TimeAttribution a = attribution(2, 0);
        a.onSecond(T0);
        a.arrival(T0 * NS);
        for (int i = 0; i < 5; i++) {
            a.record(null, rec(i, 10, (T0 + 2) * NS), (T0 + 1) * NS, (T0 + 2) * NS);
        }
        a.flush();
        assertEquals(3, a.countedEarly());
        a.drain();
        assertEquals(50, incoming());
        assertTrue(a.buffered() == 0);
    }

    @Test
    void aRecordEndingAfterItArrivedEndsOnArrival() {
        TimeAttribution a = attribution(16, 0);
        a.onSecond(T0);
        a.arrival(T0 * NS + 1);
        // an exporter whose uptime runs ahead: the record claims T0+100..T0+101
        a.record(null, rec(3, 20, (T0 + 101) * NS), (T0 + 100) * NS, (T0 + 101) * NS);
        a.flush();
        assertEquals(1, a.clockAhead());
        a.onSecond(T0 + 1);
        a.onSecond(T0 + 2);
        assertEquals(10, countedFor(T0), "its two seconds become the arrival second and the next");
        assertEquals(10, countedFor(T0 + 1));
    }

    @Test
    void theLagGrowsUnderTrafficWithoutAnEmptyOrADoubleSecondAndShrinksWhenQuiet() {
        TimeAttribution a = attribution(1 << 12, 3);
        a.onSecond(T0);
        // sFlow-like: delay 0, the lag starts at 0
        a.arrival(T0 * NS + 1);
        a.record(null, rec(1, 10, T0 * NS), T0 * NS, T0 * NS);
        a.onSecond(T0 + 1);
        assertEquals(0, a.lagSeconds());
        // then, under steady traffic, records 2 s late: the lag grows to 2, one second at a time
        for (long s = T0 + 1; s < T0 + 12; s++) {
            a.arrival(s * NS + 1);
            for (int i = 0; i < 10; i++) {
                a.record(null, rec(i, 1, (s - 2) * NS), (s - 2) * NS, (s - 2) * NS);
            }
            a.onSecond(s + 1);
        }
        assertEquals(2, a.lagSeconds());
        // every evaluation (one a clock second) counted one second of traffic: never 0, never 20
        for (long t = T0 + 1; t <= T0 + 12; t++) {
            assertEquals(10, perTick.getOrDefault(t, 0L), "counted at " + t + ": " + perTick);
        }
        // quiet: once the records of the window no longer need it, the lag shrinks a second at a time
        for (long s = T0 + 13; s < T0 + 40; s++) {
            a.onSecond(s);
        }
        assertEquals(0, a.lagSeconds());
        assertEquals(10 + 11 * 10, incoming());
    }
}
