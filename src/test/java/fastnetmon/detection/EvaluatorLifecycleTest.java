package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Harness.Settings;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.tcp;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What happens after a ban: attack details from sample packets, unban after ban_time, re-bans. */
class EvaluatorLifecycleTest {
    private static final String ATTACKER = "198.51.100.7";
    private static final String HOST = "10.0.0.1";

    private static Harness banned(Settings s) {
        Harness h = new Harness(s.build());
        h.send(30_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        assertEquals(List.of("ban " + HOST), h.events.subList(0, 1));
        return h;
    }

    private static PacketRecord attackPacket(int srcPort) {
        PacketRecord r = tcp(ATTACKER, srcPort, HOST, 80, PacketRecord.TCP_SYN);
        r.ttl = 50 + srcPort;
        return r;
    }

    private static int samplesInRing(CounterShard s) {
        int[] n = {0};
        s.samples().drain((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, pk, len, dir) -> n[0]++);
        return n[0];
    }

    @Test
    void attackDetailsFireOnceWhenEnoughSamplesOfTheAttackDirectionAreIn() {
        Harness h = banned(new Settings()); // 5 detail records
        Attack a = h.ban(HOST);
        assertTrue(a.samples.isEmpty(), "packets before the ban are not sampled");

        for (int p = 1; p <= 3; p++) {
            h.send(1, attackPacket(p));
        }
        h.send(10, udp(HOST, 53, ATTACKER, 4000));            // the host's outgoing traffic: other direction
        h.send(10, udp(ATTACKER, 4000, "10.0.0.2", 53));      // another host
        h.tick();
        assertEquals(List.of("ban " + HOST), h.events);
        assertEquals(3, h.current(HOST).samples.size());
        assertTrue(a.samples.isEmpty(), "the ban event's snapshot does not change");

        h.send(10, udp(HOST, 53, ATTACKER, 4000));
        long ts = h.second * 1_000_000_000L;
        for (int p = 4; p <= 9; p++) {
            h.send(1, attackPacket(p));
        }
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 5"), h.events);
        Attack d = h.details.get(0);
        assertEquals(a, d);
        List<Integer> ports = new ArrayList<>();
        for (SamplePacket s : d.samples) {
            assertEquals(ATTACKER, s.srcIp());
            assertEquals(HOST, s.dstIp());
            assertEquals(80, s.dstPort());
            assertEquals(PacketRecord.TCP, s.protocol());
            assertEquals(PacketRecord.TCP_SYN, s.tcpFlags());
            assertEquals(50 + s.srcPort(), s.ttl());
            assertEquals(100, s.length());
            assertEquals(1, s.packets());
            assertFalse(s.fragmented());
            ports.add(s.srcPort());
        }
        assertEquals(List.of(1, 2, 3, 4, 5), ports);
        assertEquals(ts, d.samples.get(3).timestampNanos());

        // Sampling stops: nothing more reaches the ring, the samples stay as sent, no second details.
        h.send(20, attackPacket(10));
        assertEquals(0, samplesInRing(h.shards.get(0)));
        h.ticks(3);
        assertEquals(2, h.events.size());
        assertEquals(5, h.current(HOST).samples.size());
        assertEquals(5, d.samples.size());
    }

    @Test
    void outgoingAttackCollectsOutgoingSamples() {
        Harness h = new Harness(new Settings().build());
        h.send(30_000, udp(HOST, 53, ATTACKER, 4000));
        h.tick();
        h.send(10, udp(ATTACKER, 1, HOST, 2));               // incoming: not the attack direction
        h.send(5, udp(HOST, 53, "203.0.113.9", 4001));
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 5"), h.events);
        Attack a = h.details.get(0);
        assertEquals(5, a.samples.size());
        for (SamplePacket s : a.samples) {
            assertEquals(HOST, s.srcIp());
            assertEquals("203.0.113.9", s.dstIp());
            assertEquals(53, s.srcPort());
            assertEquals(4001, s.dstPort());
        }
    }

    @Test
    void samplesComeFromEveryShardIncludingOneThatSeesTheHostLater() {
        Harness h = new Harness(new Settings().build(), 2);
        h.send(0, 30_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        // Shard 1 first sees the host after the ban: its slot gets the sample flag at the next tick.
        h.send(1, 3, attackPacket(1));
        h.tick();
        assertEquals(0, h.current(HOST).samples.size());
        h.send(1, 2, attackPacket(2));
        h.send(0, 1, attackPacket(3));
        h.send(1, 1, attackPacket(4));
        h.send(0, 1, attackPacket(5));
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 5"), h.events);
        assertEquals(List.of(2, 2, 4, 3, 5).stream().sorted().toList(),
                h.details.get(0).samples.stream().map(SamplePacket::srcPort).sorted().toList());
    }

    @Test
    void flushDetailsSendsPartialSamplesOnce() {
        Harness h = banned(new Settings());
        h.send(1, attackPacket(1));
        h.send(1, attackPacket(2));
        h.tick();
        h.evaluator.flushDetails();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 2"), h.events);
        h.evaluator.flushDetails();
        h.send(5, attackPacket(3));
        h.tick();
        assertEquals(2, h.events.size());
        assertEquals(2, h.current(HOST).samples.size());
    }

    @Test
    void aShardSeeingTheHostAfterDetailsWereSentDoesNotSampleIt() {
        Harness h = new Harness(new Settings().build(), 2);
        h.send(0, 30_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        h.evaluator.flushDetails(); // details sent with 0 of 5 samples
        h.send(1, 10, attackPacket(1)); // shard 1 sees the host for the first time
        h.tick();
        h.send(1, 10, attackPacket(2));
        h.send(0, 10, attackPacket(3));
        assertEquals(0, samplesInRing(h.shards.get(1)), "a sample flag set after the details were sent");
        assertEquals(0, samplesInRing(h.shards.get(0)));
    }

    @Test
    void zeroDetailRecordsSendsDetailsAtTheBan() {
        Settings s = new Settings();
        s.detailsCount = 0;
        Harness h = new Harness(s.build());
        h.send(30_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 0"), h.events);
        h.send(100, attackPacket(1));
        assertEquals(0, samplesInRing(h.shards.get(0)));
    }

    @Test
    void aRestoredBanIsNotBannedAgainAndIsUnbannedWhenItsOriginalBanTimeIsOver() {
        Settings s = new Settings();
        s.banTime = 10;
        Harness h = new Harness(s.build());
        long[] addr = fastnetmon.counters.TestPackets.addr(HOST);
        HostTraffic initial = new HostTraffic();
        initial.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TOTAL)] = 50_000;
        // Banned 7 s before this run's first tick.
        Attack old = new Attack(HOST, addr[0], addr[1], fastnetmon.counters.Direction.INCOMING, "syn_flood", "tcp",
                initial, "pps 50000 > 20000", "global", h.tickNanos() - 7_000_000_000L);
        assertTrue(h.evaluator.restoreBan(old));
        assertFalse(h.evaluator.restoreBan(old), "one ban per host");
        h.send(25_000, udp("198.51.100.1", 1000, HOST, 53)); // still above the threshold: no new ban
        h.tick();
        h.ticks(2);
        assertEquals(List.of("restored " + HOST), h.events, "a restored ban collects no details");
        assertEquals(List.of(old), List.copyOf(h.evaluator.activeBans()));
        h.tick(); // 10 s after the original ban
        assertEquals(List.of("restored " + HOST, "unban " + HOST), h.events);
        assertEquals(old, h.unbans.get(0));
        assertEquals(0, samplesInRing(h.shards.get(0)), "no samples were asked for");
        assertTrue(h.evaluator.banHistory().isEmpty(), "no ban was made in this run");
    }

    @Test
    void unbanAfterBanTimeInTickTime() {
        Settings s = new Settings();
        s.banTime = 10;
        Harness h = banned(s);
        Attack a = h.ban(HOST);
        h.ticks(9); // quiet seconds: 9 s after the ban
        assertEquals(List.of("ban " + HOST), h.events);
        assertEquals(1, h.evaluator.activeBans().size());
        h.tick(); // 10 s after the ban
        assertEquals(a.bannedAtNanos + 10_000_000_000L, (h.second) * 1_000_000_000L);
        // Details (without samples, none came) go out before the unban.
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 0", "unban " + HOST), h.events);
        assertEquals(a, h.unbans.get(0));
        assertTrue(h.evaluator.activeBans().isEmpty());
        assertEquals(List.of(a), h.evaluator.banHistory());
        h.ticks(20);
        assertEquals(3, h.events.size());
    }

    @Test
    void unbanWhileTheFloodGoesOnWithoutUnbanOnlyIfFinished() {
        Settings s = new Settings();
        s.banTime = 3;
        s.detailsCount = 0;
        Harness h = banned(s);
        for (int i = 0; i < 3; i++) {
            h.send(30_000, syn(ATTACKER, 999, HOST, 80));
            h.tick();
        }
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 0", "unban " + HOST), h.events);
        assertFalse(h.unbans.get(0).unbanPostponed);
    }

    @Test
    void unbanOnlyIfAttackFinishedWaitsForTheFloodToStop() {
        Settings s = new Settings();
        s.banTime = 3;
        s.unbanOnlyIfAttackFinished = true;
        Harness h = banned(s);
        Attack a = h.ban(HOST);
        for (int i = 0; i < 10; i++) {
            h.send(i == 5 ? 40_000 : 30_000, syn(ATTACKER, 999, HOST, 80));
            h.tick();
        }
        assertTrue(h.current(HOST).unbanPostponed);
        assertEquals(40_000, h.current(HOST).peakPps);
        assertFalse(a.unbanPostponed, "the ban event's snapshot does not change");
        assertTrue(h.unbans.isEmpty(), h.events.toString());
        // Still traffic, but under the threshold (and a flood the other way does not count): unban now.
        h.send(19_000, syn(ATTACKER, 999, HOST, 80));
        h.send(30_000, udp(HOST, 53, ATTACKER, 4000));
        h.tick();
        assertEquals(List.of(a), h.unbans);
        assertTrue(h.unbans.get(0).unbanPostponed);
        assertEquals(40_000, h.unbans.get(0).peakPps);
        assertEquals("unban " + HOST, h.events.get(h.events.size() - 1));
        // The outgoing flood of that second was not evaluated as a new attack (the host was banned then)...
        assertEquals(1, h.bans.size());
        // ...but the next second's is.
        h.send(30_000, udp(HOST, 53, ATTACKER, 4000));
        h.tick();
        assertEquals(2, h.bans.size());
        assertEquals(fastnetmon.counters.Direction.OUTGOING, h.bans.get(1).direction);
    }

    @Test
    void unbanOnlyIfAttackFinishedUnbansAQuietHost() {
        Settings s = new Settings();
        s.banTime = 3;
        s.unbanOnlyIfAttackFinished = true;
        Harness h = banned(s);
        h.ticks(3);
        assertEquals(1, h.unbans.size());
        assertFalse(h.unbans.get(0).unbanPostponed);
    }

    @Test
    void banTimeZeroNeverUnbans() {
        Settings s = new Settings();
        s.banTime = 0;
        Harness h = banned(s);
        h.ticks(5000);
        assertTrue(h.unbans.isEmpty());
        assertEquals(1, h.evaluator.activeBans().size());
    }

    @Test
    void hostCanBeBannedAgainAfterUnban() {
        Settings s = new Settings();
        s.banTime = 2;
        Harness h = banned(s);
        Attack first = h.ban(HOST);
        h.ticks(2);
        assertEquals(1, h.unbans.size());
        h.send(25_000, udp(ATTACKER, 1, HOST, 2));
        h.tick();
        assertEquals(2, h.bans.size());
        Attack second = h.bans.get(1);
        assertEquals(25_000, second.initialPps());
        assertEquals("udp_flood", second.attackType);
        // The new attack collects its own samples.
        h.send(5, udp(ATTACKER, 7, HOST, 8));
        h.tick();
        assertEquals(List.of(first, second), h.details);
        assertEquals(0, h.details.get(0).samples.size());
        assertEquals(5, h.details.get(1).samples.size());
        assertEquals(List.of(first, second), h.evaluator.banHistory());
    }
}
