package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.counters.TestPackets;
import fastnetmon.config.TrafficClass;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.Direction.INCOMING;
import static fastnetmon.counters.Direction.OUTGOING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Learned baselines on synthetic seconds of traffic: learning, decay, warm-up, k x baseline against the floor. */
class BaselinesTest {
    static final long T0 = 1_700_000_000L;
    static final int PPS = BaselineRows.PPS, MBPS = BaselineRows.MBPS, FLOWS = BaselineRows.FLOWS;

    final HostTable hosts = new HostTable(List.of(), List.of());
    /** Learned baselines with {@link #settings()}, and the host most tests teach them. */
    final Baselines b = new Baselines(settings(), hosts);
    final int h = host("10.0.0.1");

    /** k = 4, floors 20 pps, 1 mbps, 20 flows, learning time 600 s, warm-up 300 s, no state file. */
    static BaselineSettings settings() {
        return new BaselineSettings(true, 4, 20, 1, 20, 600, 300, 600, null);
    }

    int host(String ip) {
        long[] a = TestPackets.addr(ip);
        return hosts.findOrAdd(a[0], a[1]);
    }

    /** One second of traffic in a direction: pps, bytes per packet, flows. */
    static HostTraffic second(Direction dir, double pps, double bytesPerPacket, double flows) {
        HostTraffic t = new HostTraffic();
        t.packets[HostTraffic.index(dir, TrafficClass.TOTAL)] = pps;
        t.bytes[HostTraffic.index(dir, TrafficClass.TOTAL)] = pps * bytesPerPacket;
        t.flows[HostTraffic.index(dir, TrafficClass.TOTAL)] = flows;
        return t;
    }

    /** Learns the same second from {@code from} for {@code seconds} seconds; returns the next second. */
    static long learn(Baselines b, int host, HostTraffic t, long from, int seconds) {
        for (int s = 0; s < seconds; s++) {
            b.learn(host, t, false, from + s);
        }
        return from + seconds;
    }

    @Test
    void steadyTrafficIsLearnedAsItsMeanFromTheFirstSecondsOn() {
        long next = learn(b, h, second(INCOMING, 100, 500, 10), T0, 5);
        assertEquals(100, b.baseline(h, INCOMING, PPS), 1e-9); // not pulled towards 0 while the smoothing fills
        learn(b, h, second(INCOMING, 100, 500, 10), next, 3000);
        assertEquals(100, b.baseline(h, INCOMING, PPS), 1e-9);
        assertEquals(0.4, b.baseline(h, INCOMING, MBPS), 1e-9);
        assertEquals(10, b.baseline(h, INCOMING, FLOWS), 1e-9);
        assertEquals(0, b.baseline(h, OUTGOING, PPS), 1e-9); // each direction its own
    }

    @Test
    void aChangeWeighsByTheLearningTime() {
        long next = learn(b, h, second(INCOMING, 100, 500, 10), T0, 6000); // fully learned at 100
        learn(b, h, second(INCOMING, 200, 500, 10), next, 600); // one learning time at 200
        assertEquals(200 - 100 * Math.exp(-1), b.baseline(h, INCOMING, PPS), 0.01);
    }

    @Test
    void quietSecondsDecayTheBaselineLazilyByTheGap() {
        long next = learn(b, h, second(INCOMING, 100, 500, 10), T0, 6000);
        // 600 s without traffic (no learn call), then a second is checked: the quiet seconds count as zeros
        long now = next + 600;
        assertNull(b.exceeded(h, second(INCOMING, 10, 500, 1), INCOMING, now));
        assertEquals(100 * Math.exp(-1), b.baseline(h, INCOMING, PPS), 0.01);
    }

    @Test
    void noBaselineBanBeforeTheWarmUp() {
        long next = learn(b, h, second(INCOMING, 10, 100, 1), T0, 299);
        assertNull(b.exceeded(h, second(INCOMING, 10_000, 100, 1), INCOMING, next)); // 299 s learned
        next = learn(b, h, second(INCOMING, 10, 100, 1), next, 1);
        assertEquals("pps 10000 > 4 x baseline 10", b.exceeded(h, second(INCOMING, 10_000, 100, 1), INCOMING, next));
    }

    @Test
    void bannedAboveKTimesTheBaselineAndNotAtIt() {
        long next = learn(b, h, second(INCOMING, 100, 100, 1), T0, 3600);
        assertNull(b.exceeded(h, second(INCOMING, 399, 100, 1), INCOMING, next));
        assertEquals("pps 401 > 4 x baseline 100", b.exceeded(h, second(INCOMING, 401, 100, 1), INCOMING, next));
        // Outgoing was learned too, as nothing: its limit is the floor
        assertNull(b.exceeded(h, second(OUTGOING, 20, 100, 1), OUTGOING, next));
        assertEquals("pps 21 > baseline floor 20", b.exceeded(h, second(OUTGOING, 21, 100, 1), OUTGOING, next));
    }

    @Test
    void theFloorKeepsATinyBaselineFromBanningForTrifles() {
        long next = learn(b, h, second(INCOMING, 2, 100, 1), T0, 3600); // 4 x 2 = 8 pps, below the floor of 20
        assertNull(b.exceeded(h, second(INCOMING, 20, 100, 1), INCOMING, next));
        assertEquals("pps 21 > baseline floor 20", b.exceeded(h, second(INCOMING, 21, 100, 1), INCOMING, next));
    }

    @Test
    void mbpsAndFlowsHaveTheirOwnLimits() {
        long next = learn(b, h, second(INCOMING, 1000, 1000, 30), T0, 3600); // 8 mbps, 30 flows
        assertEquals("mbps 40.00 > 4 x baseline 8.00", b.exceeded(h, second(INCOMING, 1000, 5000, 30), INCOMING, next));
        assertEquals("flows 121 > 4 x baseline 30", b.exceeded(h, second(INCOMING, 1000, 1000, 121), INCOMING, next));
        assertNull(b.exceeded(h, second(INCOMING, 3990, 1000, 119), INCOMING, next));
    }

    @Test
    void anAttackIsNotLearned() {
        long next = learn(b, h, second(INCOMING, 100, 100, 1), T0, 3600);
        next = learn(b, h, second(INCOMING, 1000, 100, 1), next, 600); // over 4 x 100: not learned
        assertEquals(100, b.baseline(h, INCOMING, PPS), 1e-9);
        for (int s = 0; s < 600; s++) { // under the limit, but banned: not learned either
            b.learn(h, second(INCOMING, 300, 100, 1), true, next++);
        }
        assertEquals(100, b.baseline(h, INCOMING, PPS), 1e-9);
        b.learn(h, second(INCOMING, 300, 100, 1), false, next);
        assertTrue(b.baseline(h, INCOMING, PPS) > 100);
    }

    @Test
    void aSecondIsLearnedOnce() {
        long next = learn(b, h, second(INCOMING, 100, 100, 1), T0, 3600);
        double before = b.baseline(h, INCOMING, PPS);
        b.learn(h, second(INCOMING, 300, 100, 1), false, next - 1); // the last second again (sub-second ticks)
        assertEquals(before, b.baseline(h, INCOMING, PPS), 1e-12);
    }

    @Test
    void offLearnsNothingAndBansNothing() {
        Baselines b = new Baselines(BaselineSettings.OFF, hosts);
        int h = host("10.0.0.1");
        long next = learn(b, h, second(INCOMING, 1, 100, 1), T0, 7200);
        assertEquals(0, b.baseline(h, INCOMING, PPS));
        assertNull(b.exceeded(h, second(INCOMING, 1_000_000, 100, 1), INCOMING, next));
    }

    @Test
    void aForgottenHostsBaselineWaitsByAddressAndIsTakenBack() {
        long next = learn(b, h, second(INCOMING, 100, 100, 1), T0, 3600);
        b.forget(h);
        hosts.remove(h);
        int other = host("10.0.0.2"); // the id goes to another host, which starts from nothing
        assertEquals(h, other);
        assertEquals(0, b.baseline(other, INCOMING, PPS));
        learn(b, other, second(INCOMING, 5, 100, 1), next, 10);
        b.forget(other);
        hosts.remove(other);

        int back = host("10.0.0.1");
        b.learn(back, second(INCOMING, 100, 100, 1), false, next + 60); // 59 quiet seconds decayed it a little
        assertEquals(100 * Math.exp(-0.1), b.baseline(back, INCOMING, PPS), 0.1); // not the other host's 5 pps
        assertEquals("pps 500 > 4 x baseline 90", b.exceeded(back, second(INCOMING, 500, 100, 1), INCOMING, next + 61));
    }

    @Test
    void aHostSeenForAMomentLeavesNothingBehind() {
        learn(b, h, second(INCOMING, 100, 100, 1), T0, 120); // warm-up 300 s: not worth keeping yet
        b.forget(h);
        hosts.remove(h);
        int back = host("10.0.0.1");
        b.learn(back, second(INCOMING, 7, 100, 1), false, T0 + 500);
        assertEquals(7, b.baseline(back, INCOMING, PPS), 1e-9); // learned again from nothing
        assertFalse(b.warm(back, INCOMING, T0 + 501));
        assertEquals(0, b.snapshot().size()); // nothing shelved, and a host learned for a second is not written
    }

    @Test
    void aHostBackAfterAWhileIsCheckedAgainstItsBaselineInItsFirstSecond() {
        long next = learn(b, h, second(INCOMING, 100, 100, 1), T0, 3600);
        b.forget(h);
        hosts.remove(h);
        int back = host("10.0.0.1");
        assertEquals("pps 1000 > 4 x baseline 90", b.exceeded(back, second(INCOMING, 1000, 100, 1), INCOMING, next + 60));
    }

    @Test
    void trimDropsTheRowsOfIdsNoLongerKnown() {
        learn(b, h, second(INCOMING, 100, 100, 1), T0, 10);
        b.trim(0);
        assertEquals(0, b.baseline(h, INCOMING, PPS));
        assertFalse(b.warm(h, INCOMING, T0 + 10_000));
    }
}
