package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;
import fastnetmon.detection.Harness.Settings;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** enable_connection_tracking: the ban is held one tick while the host's flows are added up from its samples. */
class ConnectionTrackingBanTest {
    private static final String ATTACKER = "198.51.100.7";
    private static final String HOST = "10.0.0.1";

    private static Harness bannedWithTracking(int detailsCount) {
        Settings s = new Settings();
        s.detailsCount = detailsCount;
        s.connectionTracking = true;
        Harness h = new Harness(s.build());
        h.send(30_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        assertEquals(List.of(), h.events, "the ban waits for its flows");
        assertNotNull(h.current(HOST), "but the host is banned at once");
        return h;
    }

    private static int samplesInRing(CounterShard s) {
        int[] n = {0};
        s.samples().drain((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, pk, len, dir) -> n[0]++);
        return n[0];
    }

    @Test
    void banGoesOutAtTheNextTickWithTheFlowsOfThatSecond() {
        Harness h = bannedWithTracking(2);
        for (int port = 1; port <= 3; port++) {
            h.send(2, syn(ATTACKER, port, HOST, 80));
        }
        h.send(4, udp(ATTACKER, 5353, HOST, 53));
        h.send(7, udp(HOST, 53, ATTACKER, 4000)); // the host's answers: listed as outgoing flows, not in the details
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 2"), h.events);
        assertTrue(h.details.get(0).samples.stream().allMatch(p -> p.dstIp().equals(HOST)));
        AttackFlows flows = h.bans.get(0).flows;
        assertEquals(3, flows.groups().size());
        AttackFlows.Group tcp = flows.groups().get(0), udp = flows.groups().get(1), out = flows.groups().get(2);
        assertEquals(Direction.INCOMING, tcp.direction());
        assertEquals(Direction.INCOMING, udp.direction());
        assertEquals(Direction.OUTGOING, out.direction());
        assertEquals(List.of(new AttackFlows.Flow(53, ATTACKER, 4000, 7 * udpBytes(), 7)), out.shown());
        assertEquals(6, tcp.protocol());
        assertEquals(3, tcp.total());
        assertEquals(List.of(new AttackFlows.Flow(80, ATTACKER, 1, 2 * tcpBytes(), 2),
                new AttackFlows.Flow(80, ATTACKER, 2, 2 * tcpBytes(), 2),
                new AttackFlows.Flow(80, ATTACKER, 3, 2 * tcpBytes(), 2)), tcp.shown());
        assertEquals(17, udp.protocol());
        assertEquals(1, udp.total());
        assertEquals(4, udp.shown().get(0).packets());
        // details and flows are done: sampling stops, both ways
        h.send(20, syn(ATTACKER, 9, HOST, 80)).send(20, udp(HOST, 53, ATTACKER, 4000));
        assertEquals(0, samplesInRing(h.shards.get(0)));
        h.ticks(2);
        assertEquals(2, h.events.size());
        assertEquals(flows, h.current(HOST).flows);
    }

    private static long udpBytes() {
        return udp(HOST, 53, ATTACKER, 4000).bytes;
    }

    private static long tcpBytes() {
        return syn(ATTACKER, 1, HOST, 80).bytes;
    }

    @Test
    void afterTheHeldTickOnlyTheAttackDirectionIsSampledForTheDetails() {
        Harness h = bannedWithTracking(3);
        h.send(1, syn(ATTACKER, 1, HOST, 80));
        h.tick();
        assertEquals(List.of("ban " + HOST), h.events);
        h.send(5, udp(HOST, 53, ATTACKER, 4000));
        assertEquals(0, samplesInRing(h.shards.get(0)), "the host's outgoing packets are no longer copied");
        h.send(1, syn(ATTACKER, 2, HOST, 80)).send(1, syn(ATTACKER, 3, HOST, 80));
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 3"), h.events);
    }

    @Test
    void zeroDetailRecordsShowOneFlowAndSendDetailsAfterTheBan() {
        Harness h = bannedWithTracking(0);
        h.send(1, syn(ATTACKER, 1, HOST, 80)).send(1, syn(ATTACKER, 2, HOST, 80));
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 0"), h.events);
        AttackFlows.Group g = h.bans.get(0).flows.groups().get(0);
        assertEquals(1, g.shown().size(), "FastNetMon prints count + 1");
        assertTrue(g.cropped());
        h.send(10, syn(ATTACKER, 3, HOST, 80));
        assertEquals(0, samplesInRing(h.shards.get(0)));
    }

    @Test
    void anUnbanOrAStopBeforeTheNextTickSendsTheBanFirst() {
        Harness h = bannedWithTracking(5);
        h.send(1, syn(ATTACKER, 1, HOST, 80));
        long[] a = TestPackets.addr(HOST);
        h.evaluator.manualUnban(a[0], a[1]);
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 0", "unban " + HOST), h.events);
        assertTrue(h.bans.get(0).flows.groups().isEmpty(), "its packets were not drained yet");

        Harness stop = bannedWithTracking(5);
        stop.evaluator.flushDetails();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 0"), stop.events);
    }

    @Test
    void aBanByHandIsNotHeldAndHasNoFlows() {
        Settings s = new Settings();
        s.connectionTracking = true;
        Harness h = new Harness(s.build());
        long[] a = TestPackets.addr(HOST);
        h.evaluator.manualBan(a[0], a[1], Direction.INCOMING, h.tickNanos(), 5);
        assertEquals(List.of("ban " + HOST), h.events);
        assertNull(h.bans.get(0).flows);
    }

    @Test
    void withoutTrackingTheBanIsAtOnceAndHasNoFlows() {
        Harness h = new Harness(new Settings().build());
        h.send(30_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        assertEquals(List.of("ban " + HOST), h.events);
        assertNull(h.bans.get(0).flows);
        assertEquals(PacketRecord.ORIGIN_CAPTURE, syn(ATTACKER, 1, HOST, 80).origin);
    }
}
