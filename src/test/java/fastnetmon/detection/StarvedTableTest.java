package fastnetmon.detection;

import fastnetmon.counters.TestShards;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.NetworkRates;
import fastnetmon.counters.TestPackets;
import fastnetmon.counters.TrackingLimits;
import fastnetmon.config.TrafficClass;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flood to random addresses fills the host table; a host flooded at the same time is still found by
 * its rate, taken in, and banned with its true rate (issue 13, finding 1).
 */
class StarvedTableTest {
    private static final int MAX_HOSTS = 200;

    private static Harness harness() {
        Harness.Settings s = new Harness.Settings();
        s.global = Harness.Limits.none().pps(TrafficClass.TOTAL, 20_000).build();
        CounterShard shard = TestShards.shard("starved", MonitoredNetworks.of(TestPackets.cidrs("10.20.0.0/16", "10.30.0.0/16")),
                16, new TrackingLimits(MAX_HOSTS, 120, 5_000, 0));
        return new Harness(s.build(), List.of(shard));
    }

    /** Second by second, 1000 packets to as many new random hosts of 10.20.0.0/16, and the target's flood. */
    private static void floodSecond(Harness h, int second, int targetPackets) {
        for (int i = 0; i < 1000; i++) {
            int n = (second * 1000 + i) * 7919 & 0xffff;
            h.send(1, syn("198.51.100.1", 1000 + i, "10.20." + (n >> 8) + "." + (n & 0xff), 80));
        }
        h.send(targetPackets, syn("198.51.100.2", 4000, "10.20.0.9", 80));
        h.tick();
    }

    @Test
    void aHeavyHostIsBannedWithItsTrueRateWhileRandomHostsFillTheTable() {
        Harness h = harness();
        CounterShard shard = h.shards.get(0);
        floodSecond(h, 0, 0); // the random hosts alone fill the table
        assertEquals(MAX_HOSTS, shard.acquireSlotCount());
        assertTrue(shard.untrackedPackets() > 0);
        for (int second = 1; second <= 4 && !h.banned("10.20.0.9"); second++) {
            floodSecond(h, second, 30_000);
        }
        Attack a = h.ban("10.20.0.9");
        assertEquals(30_000, a.initialPps(), "the rate of a whole second, not of a part after it was taken in");
        assertEquals(1, h.bans.size(), "no random host is banned: " + h.events);
        assertTrue(shard.promotedHosts() >= 1);
        long[] t = TestPackets.addr("10.20.0.9");
        assertTrue(shard.slotOf(t[0], t[1]) >= 0);
    }

    @Test
    void theNetworkOfARandomFloodShowsItsRate() {
        Harness h = harness();
        floodSecond(h, 0, 0);
        floodSecond(h, 1, 2_000);
        NetworkRates rates = h.evaluator.networkRates();
        assertEquals("10.20.0.0/16", rates.networks().get(0).toString());
        assertEquals(3_000, rates.packetsIn(0));
        assertEquals(0, rates.packetsIn(1));
        assertEquals(0, rates.busiestIncoming());
        h.send(5, udp("10.30.0.1", 53, "192.0.2.1", 53)).tick();
        assertEquals(5, rates.packetsOut(1));
        assertEquals(0, rates.packetsIn(0));
        assertFalse(h.banned("10.20.0.9"));
    }
}
