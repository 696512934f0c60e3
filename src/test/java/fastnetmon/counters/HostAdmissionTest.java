package fastnetmon.counters;

import fastnetmon.config.TrafficClass;

import org.junit.jupiter.api.Test;

import static fastnetmon.counters.TestPackets.addr;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What happens when a full shard meets a heavy new host, and how memory is given back after a flood. */
class HostAdmissionTest {
    private static final int TOTAL_PACKETS = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0);

    private static CounterShard shard(int maxHosts, int idleSeconds, long promotePackets) {
        CounterShard s = TestShards.shard("t", MonitoredNetworks.of(TestPackets.cidrs("10.0.0.0/8")), 12,
                new TrackingLimits(maxHosts, idleSeconds, promotePackets, 0));
        s.onSecond(1_000);
        return s;
    }

    private static String host(int n) {
        return "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    private static int slot(CounterShard s, String ip) {
        long[] a = addr(ip);
        return s.slotOf(a[0], a[1]);
    }

    private static long packetsIn(CounterShard s, String ip) {
        long[] c = new long[CounterShard.COUNTERS];
        s.readCounters(slot(s, ip), c, 0);
        return c[TOTAL_PACKETS];
    }

    /** A read as the evaluator makes it, its changes dropped. */
    private static void pass(CounterShard s) {
        s.read(1_000, TestShards.NO_CHANGES);
    }

    private static void send(CounterShard s, int n, String dst) {
        for (int i = 0; i < n; i++) {
            s.count(udp("192.0.2.1", 1000, dst, 53));
        }
    }

    @Test
    void aHeavyNewHostGetsASlotInAFullTableAndIsCountedFromTheNextPass() {
        CounterShard s = shard(100, 120, 500);
        for (int i = 0; i < 100; i++) {
            send(s, i == 42 ? 1 : 5, host(i));   // host 42 is the lightest
        }
        s.onSecond(1_001);
        for (int i = 0; i < 100; i++) {
            if (i != 42) {
                send(s, 1, host(i));             // all busy but 42
            }
        }
        pass(s);                                 // the evaluator's read of second 1000
        send(s, 800, "10.9.9.9");                // new, heavy, no room
        assertEquals(-1, slot(s, "10.9.9.9"));
        assertEquals(800, s.untrackedPackets());
        int victim = slot(s, host(42));
        long generation = s.generation(victim);

        pass(s);                                 // the next read: the heavy host is taken in after it
        s.onSecond(1_002);
        assertTrue(slot(s, "10.9.9.9") >= 0, "a heavy new host gets counted");
        assertEquals(1, s.promotedHosts());
        assertEquals(100, s.acquireSlotCount(), "the table stays at max_tracked_hosts");
        send(s, 1234, "10.9.9.9");
        assertEquals(1234, packetsIn(s, "10.9.9.9"), "counted whole from the pass after it was found");
        // Chosen among a random sample, the one to go is light; with 99 of 100 busier, it is 42 or it is
        // one whose generation moved on, never a slot a reader could take for the same host.
        int taken = slot(s, "10.9.9.9");
        assertNotEquals(s.generation(taken) & 1, 1L);
        if (taken == victim) {
            assertEquals(-1, slot(s, host(42)));
            assertTrue(s.generation(victim) >= generation + 2, "the slot's generation moved on");
        }
        assertEquals(1, s.evictedHosts());
    }

    @Test
    void aHeavyHostIsTakenInOnlyAfterAWholeRead() {
        CounterShard s = shard(10, 120, 100);
        for (int i = 0; i < 10; i++) {
            send(s, 1, host(i));
        }
        send(s, 1000, "10.9.9.9");
        s.onSecond(1_001);
        s.acquireSlotCount();                    // a read begins: not yet
        s.publish();
        assertEquals(-1, slot(s, "10.9.9.9"));
        pass(s);
        s.publish();
        assertTrue(slot(s, "10.9.9.9") >= 0);
    }

    @Test
    void whenTheHighestHostsLeaveTheSlotCountComesDown() {
        CounterShard s = shard(50_000, 5, 0);
        for (int i = 0; i < 10_000; i++) {
            send(s, 1, host(i));
        }
        assertEquals(10_000, s.acquireSlotCount());
        for (int sec = 1_001; sec < 1_060; sec++) {
            s.onSecond(sec);
            send(s, 1, host(0));                  // the first host stays busy
        }
        assertEquals(1, s.acquireSlotCount(), "readers size their arrays by what is left");
        send(s, 1, "10.200.0.1");
        assertEquals(1, slot(s, "10.200.0.1"));
        assertEquals(2, s.acquireSlotCount());
    }

    @Test
    void afterAFloodOfManyHostsTheirMemoryIsGivenBackAndSlotsStartLowAgain() {
        CounterShard s = shard(50_000, 5, 0);
        for (int i = 0; i < 20_000; i++) {
            send(s, 1, host(i));
        }
        s.onSecond(1_001);
        send(s, 3, host(19_999));                 // one host stays busy, in the last chunk
        for (int sec = 1_002; sec < 1_060; sec++) {
            s.onSecond(sec);
            send(s, 1, host(19_999));
        }
        assertEquals(19_999, s.evictedHosts());
        int chunks = (20_000 + CounterShard.CHUNK_SLOTS - 1) / CounterShard.CHUNK_SLOTS;
        assertEquals(chunks - 1, s.freedChunks(), "all chunks but the busy host's were given back");
        for (int slot = 0; slot < CounterShard.CHUNK_SLOTS; slot++) {
            assertEquals(1, s.generation(slot) & 1, "a freed slot reads as free");
        }
        long before = s.generation(0);
        send(s, 2, "10.200.0.1");                 // a new host takes the lowest slot, in a new chunk
        assertEquals(0, slot(s, "10.200.0.1"));
        assertTrue(s.generation(0) > before, "above every generation the slot had: " + s.generation(0));
        assertEquals(2, packetsIn(s, "10.200.0.1"));
    }
}
