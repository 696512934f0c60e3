package fastnetmon.cluster;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;
import fastnetmon.counters.TestShards;
import fastnetmon.counters.TrackingLimits;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingCountsTest {
    private static final int C = CounterShard.COUNTERS;
    private static final long TICK = 100_000_000L;
    private static final int IN_PACKETS = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0);
    private static final int OUT_BYTES = CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 1);

    /** What a tick handed over: per host the summed deltas, and the removed hosts in order. */
    private static final class Recorder implements PendingCounts.Sink {
        final Map<String, long[]> hosts = new HashMap<>();
        final List<String> events = new ArrayList<>();

        @Override
        public void host(long hi, long lo, long[] counts, int offset) {
            String k = hi + "/" + lo;
            long[] sum = hosts.computeIfAbsent(k, x -> new long[C]);
            for (int i = 0; i < C; i++) {
                sum[i] += counts[offset + i];
            }
            events.add("host " + k);
        }

        @Override
        public void removed(long hi, long lo) {
            events.add("removed " + hi + "/" + lo);
        }

        long get(String addr, int counter) {
            long[] a = TestPackets.addr(addr);
            long[] c = hosts.get(a[0] + "/" + a[1]);
            return c == null ? 0 : c[counter];
        }

        boolean has(String addr) {
            long[] a = TestPackets.addr(addr);
            return hosts.containsKey(a[0] + "/" + a[1]);
        }
    }

    private static long[] counts(int counter, long value) {
        long[] c = new long[C];
        c[counter] = value;
        return c;
    }

    /** Promotion at 1000 pps or 1 MB/s: the fast level of a 100 ms tick is 100 packets or 100 kB. */
    @Test
    void fastHostsGoAtTheTickLightOnesAtTheSecond() {
        PendingCounts p = new PendingCounts(new TrackingLimits(1000, 120, 1000, 1_000_000), TICK);
        assertEquals(100, p.fastPackets());
        assertEquals(100_000, p.fastBytes());
        long[] fast = TestPackets.addr("10.0.0.1"), bytesFast = TestPackets.addr("10.0.0.2"), light = TestPackets.addr("10.0.0.3");
        int f = p.added(fast[0], fast[1]), b = p.added(bytesFast[0], bytesFast[1]), l = p.added(light[0], light[1]);
        p.counted(f, counts(IN_PACKETS, 60));
        p.counted(b, counts(OUT_BYTES, 100_000));
        p.counted(l, counts(IN_PACKETS, 99));
        Recorder r = new Recorder();
        assertEquals(1, p.tick(false, r));
        assertTrue(r.has("10.0.0.2"), "bytes out reach the level");
        p.counted(f, counts(IN_PACKETS, 40)); // 100 pending now: the level
        assertEquals(1, p.tick(false, r));
        assertEquals(100, r.get("10.0.0.1", IN_PACKETS));
        assertTrue(!r.has("10.0.0.3"), "light host waits for the second");
        assertEquals(1, p.pendingHosts());
        assertEquals(1, p.tick(true, r));
        assertEquals(99, r.get("10.0.0.3", IN_PACKETS));
        assertEquals(0, p.pendingHosts());
        assertEquals(0, p.tick(true, r), "nothing counted since");
    }

    @Test
    void withoutLevelsEveryHostGoesEveryTick() {
        PendingCounts p = new PendingCounts(new TrackingLimits(1000, 120, 0, 0), TICK);
        long[] a = TestPackets.addr("2001:db8::1");
        int id = p.added(a[0], a[1]);
        p.counted(id, counts(IN_PACKETS, 1));
        Recorder r = new Recorder();
        assertEquals(1, p.tick(false, r));
        PendingCounts packetsOnly = new PendingCounts(new TrackingLimits(1000, 120, 0, 5_000), TICK);
        assertEquals(Long.MAX_VALUE, packetsOnly.fastPackets(), "a level of 0 is never reached");
        assertEquals(500, packetsOnly.fastBytes());
    }

    /**
     * A host is removed once no instance holds it, after its last deltas, at the second; one taken up
     * again within the second is not removed.
     */
    @Test
    void removedHostsAreReportedAfterTheirCounts() {
        PendingCounts p = new PendingCounts(new TrackingLimits(1000, 120, 1000, 0), TICK);
        long[] a = TestPackets.addr("10.0.0.1"), b = TestPackets.addr("10.0.0.2");
        int inShard1 = p.added(a[0], a[1]);
        int inShard2 = p.added(a[0], a[1]);
        assertEquals(inShard1, inShard2, "one host, whoever holds it");
        int other = p.added(b[0], b[1]);
        p.counted(inShard1, counts(IN_PACKETS, 5));
        p.removed(inShard1);
        Recorder r = new Recorder();
        p.tick(true, r);
        assertEquals(List.of("host " + a[0] + "/" + a[1]), r.events, "still held by the second instance");
        p.removed(inShard2);
        p.removed(other);
        p.added(b[0], b[1]); // back within the second
        p.counted(inShard2, counts(IN_PACKETS, 2)); // (a counted just before its removal)
        p.tick(false, r);
        assertEquals(1, r.events.size(), "removals wait for the second");
        p.tick(true, r);
        assertEquals(List.of("host " + a[0] + "/" + a[1], "host " + a[0] + "/" + a[1], "removed " + a[0] + "/" + a[1]), r.events);
        assertEquals(7, r.get("10.0.0.1", IN_PACKETS));
        assertEquals(1, p.hosts());
        int again = p.added(a[0], a[1]);
        p.counted(again, counts(IN_PACKETS, 1));
        Recorder r2 = new Recorder();
        p.tick(true, r2);
        assertEquals(1, r2.get("10.0.0.1", IN_PACKETS), "a host taken up again starts from zero");
    }

    /** Real shards read tick by tick: what was handed over sums to exactly what the shards counted. */
    @Test
    void sumsAreExactOverManyTicks() {
        CounterShard s1 = TestShards.shard("a", TestPackets.networks("10.0.0.0/8", "2001:db8::/32"), 12);
        CounterShard s2 = TestShards.shard("b", TestPackets.networks("10.0.0.0/8", "2001:db8::/32"), 12);
        PendingCounts p = new PendingCounts(new TrackingLimits(1000, 120, 200, 0), TICK);
        Recorder r = new Recorder();
        Random rnd = new Random(3);
        List<String> hosts = new ArrayList<>();
        for (int h = 0; h < 300; h++) {
            hosts.add(h % 3 == 0 ? "2001:db8::" + Integer.toHexString(h + 1) : "10.1." + (h / 200) + "." + (h % 200));
        }
        long second = 1_767_225_600L;
        int handedAtTicks = 0;
        for (int tick = 0; tick < 50; tick++) {
            if (tick % 10 == 0) {
                second++;
                s1.onSecond(second);
                s2.onSecond(second);
            }
            for (int i = 0; i < 400; i++) {
                String h = hosts.get(rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(hosts.size())); // host 0 is heavy
                boolean v6 = h.indexOf(':') >= 0;
                PacketRecord pkt = rnd.nextBoolean()
                        ? TestPackets.udp(v6 ? "2a00::1" : "198.51.100.1", 1000 + i, h, 53)
                        : TestPackets.syn(h, 2000 + i, v6 ? "2a00::2" : "203.0.113.9", 80);
                TestPackets.sized(pkt, 60 + rnd.nextInt(1400));
                (rnd.nextBoolean() ? s1 : s2).count(pkt);
            }
            s1.publish();
            s2.publish();
            s1.read(second, p);
            s2.read(second, p);
            int handed = p.tick(tick % 10 == 9, r);
            if (tick % 10 != 9) {
                handedAtTicks += handed;
            }
        }
        assertTrue(handedAtTicks > 0 && handedAtTicks < 5 * 45, "the heavy host went at ticks, the others not: " + handedAtTicks);
        for (String h : hosts) {
            long[] expected = new long[C], one = new long[C];
            long[] a = TestPackets.addr(h);
            for (CounterShard s : List.of(s1, s2)) {
                int slot = s.slotOf(a[0], a[1]);
                if (slot >= 0) {
                    s.readCounters(slot, one, 0);
                    for (int i = 0; i < C; i++) {
                        expected[i] += one[i];
                    }
                }
            }
            long[] got = r.hosts.getOrDefault(a[0] + "/" + a[1], new long[C]);
            assertArrayEquals(expected, got, h);
        }
    }
}
