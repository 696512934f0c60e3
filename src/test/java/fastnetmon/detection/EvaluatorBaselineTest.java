package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Harness.Limits;
import fastnetmon.detection.Harness.Settings;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Learned baselines in the evaluator, on real shards: a host banned above k x its baseline and not at it,
 * the thresholds first, the whitelist, enable_ban and the directions processed respected, and a
 * baseline ban kept while the traffic stays over the limit (unban_only_if_attack_finished).
 */
class EvaluatorBaselineTest {
    private static final String PEER = "198.51.100.7";
    /** k = 4, floors 20 pps, 1 mbps, 20 flows, learning time 600 s, warm-up 300 s. */
    private static final BaselineSettings BASELINES = new BaselineSettings(true, 4, 20, 1, 20, 600, 300, 600, null);

    private static Harness harness(Settings s) {
        return new Harness(s.build(), BASELINES, 1, CounterShard.IDLE_SECONDS);
    }

    /** {@code seconds} seconds in which each host gets {@code pps} packets from the peer. */
    private static void seconds(Harness h, int seconds, int pps, String... hosts) {
        for (int s = 0; s < seconds; s++) {
            for (String host : hosts) {
                h.send(pps, packet(host));
            }
            h.tick();
        }
    }

    private static PacketRecord packet(String host) {
        return udp(PEER, 5000, host, 53);
    }

    @Test
    void aHostIsBannedAboveKTimesItsBaselineAndNotBelow() {
        Harness h = harness(new Settings());
        seconds(h, 400, 10, "10.0.0.1", "10.0.0.2");
        seconds(h, 5, 39, "10.0.0.1"); // under 4 x 10
        assertEquals(List.of(), h.events);
        seconds(h, 1, 45, "10.0.0.1");
        assertEquals(List.of("ban 10.0.0.1"), h.events);
        Attack a = h.ban("10.0.0.1");
        assertEquals("pps 45 > 4 x baseline 10", a.reason);
        assertEquals(45, a.initialPps());
        assertEquals("udp_flood", a.attackType);
        // 10.0.0.2's normal is the same, but 10.0.0.1's ban taught it nothing
        seconds(h, 1, 41, "10.0.0.2");
        assertEquals(List.of("ban 10.0.0.1", "ban 10.0.0.2"), h.events);
    }

    @Test
    void theThresholdsComeFirst() {
        Harness h = harness(new Settings().global(Limits.none().pps(TrafficClass.TOTAL, 100)));
        seconds(h, 400, 10, "10.0.0.1");
        seconds(h, 1, 101, "10.0.0.1");
        assertEquals("pps 101 > 100", h.ban("10.0.0.1").reason);
    }

    @Test
    void noBaselineBanBeforeTheWarmUp() {
        Harness h = harness(new Settings());
        seconds(h, 200, 10, "10.0.0.1");
        seconds(h, 1, 1000, "10.0.0.1");
        assertEquals(List.of(), h.events);
    }

    @Test
    void whitelistBanSwitchesAndDirectionsAreRespected() {
        Settings s = new Settings().whitelist("10.0.0.2/32").group("quiet", Limits.none().banOff(), "10.0.1.0/24");
        s.processOutgoing = false;
        Harness h = harness(s);
        for (int i = 0; i < 400; i++) {
            for (String host : new String[]{"10.0.0.1", "10.0.0.2", "10.0.1.1"}) {
                h.send(10, packet(host));
            }
            h.send(10, udp("10.0.0.3", 5000, PEER, 53)); // outgoing
            h.tick();
        }
        for (String host : new String[]{"10.0.0.1", "10.0.0.2", "10.0.1.1"}) {
            h.send(100, packet(host));
        }
        h.send(100, udp("10.0.0.3", 5000, PEER, 53));
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events); // not whitelisted, ban on, incoming processed
    }

    @Test
    void aHostForgottenWhileQuietKeepsItsBaselineByAddress() {
        Harness h = new Harness(new Settings().build(), BASELINES, 1, 5); // tracked_host_idle_time 5 s
        seconds(h, 400, 10, "10.0.0.1");
        seconds(h, 30, 10, "10.0.0.2"); // 10.0.0.1 quiet: forgotten, its id free for another host
        long[] a = fastnetmon.counters.TestPackets.addr("10.0.0.1");
        assertNull(h.evaluator.averageOf(a[0], a[1])); // the evaluator knows it no more
        seconds(h, 1, 100, "10.0.0.1");
        assertEquals(List.of("ban 10.0.0.1"), h.events); // in its first second back
        assertEquals("pps 100 > 4 x baseline 9", h.ban("10.0.0.1").reason); // 31 quiet seconds decayed it
    }

    @Test
    void aBaselineBanLastsWhileTheTrafficStaysOverTheLimit() {
        Settings s = new Settings();
        s.banTime = 5;
        s.unbanOnlyIfAttackFinished = true;
        Harness h = harness(s);
        seconds(h, 400, 10, "10.0.0.1");
        seconds(h, 10, 100, "10.0.0.1");
        assertEquals(List.of("ban 10.0.0.1", "details 10.0.0.1 5"), h.events);
        seconds(h, 3, 10, "10.0.0.1");
        assertTrue(h.events.contains("unban 10.0.0.1"), h.events.toString());
    }
}
