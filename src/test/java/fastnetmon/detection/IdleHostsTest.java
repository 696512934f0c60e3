package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Memory follows the active hosts: idle hosts give their slots back, and the evaluator follows. */
class IdleHostsTest {
    private static final int IDLE = 5;

    private static Harness harness(int shards) {
        Harness.Settings s = new Harness.Settings();
        s.averageSeconds = 1e-9; // the view shows the last second
        return new Harness(s.build(), shards, IDLE);
    }

    private static long pps(Harness h, String ip) {
        return h.evaluator.view().top(Direction.INCOMING, SortKey.PACKETS).stream().filter(r -> r.ip().equals(ip))
                .mapToLong(r -> Math.round(r.pps())).findFirst().orElse(0);
    }

    @Test
    void anIdleHostIsForgottenAndItsSlotServesTheNextHostWithItsOwnCounts() {
        Harness h = harness(1);
        CounterShard shard = h.shards.get(0);
        h.send(100, udp("203.0.113.1", 1000, "10.10.0.1", 53));
        h.tick();
        assertEquals(100, pps(h, "10.10.0.1"));
        long[] a = TestPackets.addr("10.10.0.1");
        h.ticks(IDLE + 3); // quiet past the idle time: the slot is given back, the evaluator lets go
        assertEquals(-1, shard.slotOf(a[0], a[1]));
        assertEquals(1, shard.evictedHosts());
        assertNull(h.evaluator.averageOf(a[0], a[1]));

        h.send(50, udp("203.0.113.1", 1000, "10.10.0.2", 53));
        h.tick();
        assertEquals(1, shard.acquireSlotCount(), "the freed slot was reused");
        assertEquals(50, pps(h, "10.10.0.2"));
        assertEquals(0, pps(h, "10.10.0.1"));

        h.send(70, udp("203.0.113.1", 1000, "10.10.0.1", 53)); // it comes back: counted afresh, exactly
        h.tick();
        assertEquals(70, pps(h, "10.10.0.1"));
        assertEquals(0, pps(h, "10.10.0.2"));
    }

    @Test
    void slotsStayBoundedWhileNewHostsKeepComing() {
        Harness h = harness(2);
        for (int second = 0; second < 100; second++) {
            for (int i = 0; i < 100; i++) {
                int n = second * 100 + i;
                h.send(n % 2, 1, udp("203.0.113.1", 1000, "10.20." + (n >> 8) + "." + (n & 0xff), 53));
            }
            h.tick();
        }
        for (CounterShard s : h.shards) {
            assertTrue(s.acquireSlotCount() < 60 * (IDLE + 3), "slots: " + s.acquireSlotCount());
            assertTrue(s.evictedHosts() > 4000, "evicted: " + s.evictedHosts());
        }
    }

    @Test
    void aBannedHostStaysBannedWhileQuietAndIsUnbannedOnTime() {
        Harness.Settings s = new Harness.Settings();
        s.banTime = 20;
        Harness h = new Harness(s.build(), 1, IDLE);
        h.send(25_000, udp("203.0.113.1", 1000, "10.10.0.5", 53));
        h.tick();
        Attack a = h.ban("10.10.0.5");
        h.send(10, udp("203.0.113.1", 1000, "10.10.0.5", 53)); // its sample packets: details go out
        h.tick();
        assertEquals(List.of(a), h.details);
        h.ticks(IDLE + 5); // its slot is given back while it is banned (a host being sampled keeps it)
        long[] addr = TestPackets.addr("10.10.0.5");
        assertEquals(-1, h.shards.get(0).slotOf(addr[0], addr[1]));
        assertNotNull(h.evaluator.banOf(addr[0], addr[1]));
        h.send(25_000, udp("203.0.113.1", 1000, "10.10.0.5", 53)); // back, still banned: no second ban
        h.tick();
        assertEquals(List.of(a), h.bans);
        h.ticks(20);
        assertEquals(List.of(a), h.unbans);
    }
}
