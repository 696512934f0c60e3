package fastnetmon.detection;

import fastnetmon.counters.TestShards;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.counters.TestPackets;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Harness.Settings;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The events the evaluator hands the actions: one per step, each with its own immutable snapshot. */
class BanEventsTest {
    private static final String ATTACKER = "198.51.100.7";
    private static final String HOST = "10.0.0.1";

    private static List<BanEvent.Kind> kinds(Harness h) {
        return h.all.stream().map(BanEvent::kind).toList();
    }

    @Test
    void aBanEventsAttackDoesNotChangeWhenThePeakAndSamplesDoLater() {
        Settings s = new Settings();
        s.banTime = 5;
        Harness h = new Harness(s.build());
        h.send(30_000, syn(ATTACKER, 999, HOST, 80));
        long banAt = h.tickNanos();
        h.tick();
        BanEvent ban = h.all.get(0);
        assertEquals(BanEvent.Kind.BAN, ban.kind());
        assertEquals(banAt, ban.atNanos());
        Attack atBan = ban.attack();

        h.send(45_000, syn(ATTACKER, 1000, HOST, 80)); // a higher peak, and its first samples
        h.tick();
        assertEquals(45_000, h.current(HOST).peakPps);
        assertEquals(5, h.current(HOST).samples.size());
        assertEquals(30_000, atBan.peakPps);
        assertEquals(30_000 * 100 * 8 / 1e6, atBan.peakMbps, 1e-9);
        assertTrue(atBan.samples.isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> atBan.samples.add(null));

        Attack details = h.details.get(0);
        assertEquals(5, details.samples.size());
        assertEquals(45_000, details.peakPps);
        assertThrows(UnsupportedOperationException.class, () -> details.samples.clear());
        h.send(60_000, syn(ATTACKER, 1001, HOST, 80));
        h.tick();
        assertEquals(45_000, details.peakPps, "the details event's snapshot keeps its peak");
        assertEquals(60_000, h.current(HOST).peakPps);

        h.ticks(3); // 5 s after the ban
        assertEquals(List.of(BanEvent.Kind.BAN, BanEvent.Kind.ATTACK_DETAILS, BanEvent.Kind.UNBAN), kinds(h));
        Attack unban = h.unbans.get(0);
        assertEquals(60_000, unban.peakPps);
        assertEquals(5, unban.samples.size());
        assertEquals(atBan, unban, "snapshots of one ban are equal");
        assertEquals(atBan.hashCode(), unban.hashCode());
        assertNotSame(atBan, unban);
        assertEquals(banAt + 5_000_000_000L, h.all.get(2).atNanos());
        assertEquals(List.of(unban), h.evaluator.banHistory());
        assertEquals(60_000, h.evaluator.banHistory().get(0).peakPps, "the history shows each ban as it stands");
    }

    @Test
    void theViewsBansAreSnapshotsToo() {
        Harness h = new Harness(new Settings().build());
        h.send(30_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        Attack inView = h.evaluator.view().bans().get(0);
        h.send(40_000, syn(ATTACKER, 999, HOST, 80));
        h.tick();
        assertEquals(30_000, inView.peakPps);
        assertEquals(40_000, h.evaluator.view().bans().get(0).peakPps);
    }

    @Test
    void manualBanAndUnbanEmitBanDetailsAndUnban() {
        Settings s = new Settings();
        s.averageSeconds = 1e-9; // the average is the last second
        Harness h = new Harness(s.build());
        h.send(500, udp(ATTACKER, 1, HOST, 53));
        h.tick();
        long[] a = TestPackets.addr(HOST);
        long at = h.tickNanos() - 300_000_000L;
        Attack manual = h.evaluator.manualBan(a[0], a[1], Direction.INCOMING, at, 2);
        assertEquals("manual ban", manual.reason);
        assertEquals(500, manual.initialPps());
        assertNull(h.evaluator.manualBan(a[0], a[1], Direction.INCOMING, at, 2), "banned already");
        assertEquals(List.of(BanEvent.Kind.BAN), kinds(h));
        assertEquals(at, h.all.get(0).atNanos());
        assertEquals(manual, h.all.get(0).attack());

        h.send(2, udp(ATTACKER, 7, HOST, 53));
        h.tick();
        Attack unbanned = h.evaluator.manualUnban(a[0], a[1]);
        assertEquals(List.of(BanEvent.Kind.BAN, BanEvent.Kind.ATTACK_DETAILS, BanEvent.Kind.UNBAN), kinds(h));
        assertEquals(2, h.details.get(0).samples.size(), "what was collected before the unban");
        assertEquals(unbanned, h.unbans.get(0));
        assertNull(h.evaluator.manualUnban(a[0], a[1]), "not banned any more");
        assertNull(h.evaluator.banOf(a[0], a[1]));
    }

    @Test
    void aRestoredBanIsTakenUpWithARestoredEventAtTheGivenTime() {
        Harness h = new Harness(new Settings().build());
        long[] a = TestPackets.addr(HOST);
        HostTraffic initial = new HostTraffic();
        initial.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TOTAL)] = 50_000;
        Attack old = new Attack(HOST, a[0], a[1], Direction.INCOMING, "syn_flood", "tcp", initial, "pps 50000 > 20000",
                "global", h.tickNanos() - 7_000_000_000L);
        long now = h.tickNanos() - 500_000_000L;
        assertTrue(h.evaluator.restoreBan(old, now));
        assertEquals(List.of(BanEvent.Kind.RESTORED), kinds(h));
        assertEquals(now, h.all.get(0).atNanos());
        assertEquals(old, h.all.get(0).attack());
        assertEquals(old, h.evaluator.banOf(a[0], a[1]));
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheTick() {
        List<String> seen = new java.util.ArrayList<>();
        CounterShard shard = TestShards.shard("s", TestPackets.networks("10.0.0.0/8"), 12);
        Evaluator e = new Evaluator(new Settings().build(), List.of(shard), event -> {
            seen.add(event.kind() + " " + event.attack().ip);
            throw new IllegalStateException("an action failed");
        });
        long second = Harness.FIRST_SECOND;
        shard.onSecond(second);
        PacketRecord one = udp(ATTACKER, 1, "10.0.0.1", 2), two = udp(ATTACKER, 1, "10.0.0.2", 2);
        for (int i = 0; i < 25_000; i++) {
            shard.count(one);
            shard.count(two);
        }
        shard.publish();
        e.tick((second + 1) * 1_000_000_000L);
        assertEquals(List.of("BAN 10.0.0.1", "BAN 10.0.0.2"), seen);
        assertEquals(2, e.stats().bannedHosts(), "the tick went on to its end");
    }
}
