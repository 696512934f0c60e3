package fastnetmon.detection;

import fastnetmon.action.AttackText;
import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Harness.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.sized;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On an aggregator, the sensors' counters add up to a ban, and the ban tells which sensor saw how much of
 * the attack since it was made (issue 15).
 */
class SensorSharesTest {
    private static final String ATTACKER = "198.51.100.7";
    private static final String HOST = "10.0.0.1";

    /** Shards 0 and 1 are sensor-a's two counters, shard 2 is sensor-b's; 20000 pps bans. */
    private static Harness aggregator() {
        Settings s = new Settings();
        s.averageSeconds = 1e-9;
        return Harness.sensors(s.build(), "sensor-a", "sensor-a", "sensor-b");
    }

    private static SensorShare share(String sensor, long packets, long bytes, long total) {
        return new SensorShare(sensor, packets, bytes, (double) packets / total);
    }

    @Test
    void theSumOfSensorsBansAndTheDetailsTellEachSensorsShareSinceTheBan() {
        Harness h = aggregator();
        h.send(0, 7_000, udp(ATTACKER, 1, HOST, 53)); // no sensor over 20000 pps, all of them over it
        h.send(1, 5_000, udp(ATTACKER, 1, HOST, 53));
        h.send(2, 9_000, udp(ATTACKER, 1, HOST, 53));
        h.tick();
        assertEquals(List.of("ban " + HOST), h.events);
        Attack ban = h.ban(HOST);
        assertEquals(21_000, ban.initialPps(), "the ban's power is the sum of the sensors'");
        assertEquals(List.of(), ban.sensorShares, "nothing counted since the ban yet");

        h.send(0, 3_000, sized(udp(ATTACKER, 2, HOST, 53), 200));
        h.send(1, 1_000, sized(udp(ATTACKER, 3, HOST, 53), 200));
        h.send(2, 6_000, udp(ATTACKER, 4, HOST, 53));
        h.send(2, 5_000, udp(HOST, 53, ATTACKER, 4)); // the other direction: not the attack's
        h.send(2, 8_000, udp(ATTACKER, 4, "10.0.0.2", 53)); // another host, not banned
        long detailsAt = h.tickNanos();
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 5"), h.events);
        BanEvent details = h.all.get(1);
        assertEquals(detailsAt, details.atNanos());
        List<SensorShare> shares = details.attack().sensorShares;
        assertEquals(List.of(share("sensor-b", 6_000, 600_000, 10_000), share("sensor-a", 4_000, 800_000, 10_000)),
                shares);
        assertEquals(1.0, shares.stream().mapToDouble(SensorShare::share).sum(), 1e-12);
        assertTrue(AttackText.description(details.attack()).endsWith(
                "Traffic by sensor: sensor-b 60.0% (6000 packets), sensor-a 40.0% (4000 packets)\n"),
                AttackText.description(details.attack()));

        h.send(1, 2_000, udp(ATTACKER, 5, HOST, 53));
        h.tick();
        List<SensorShare> now = List.of(share("sensor-a", 6_000, 1_000_000, 12_000), share("sensor-b", 6_000, 600_000, 12_000));
        assertEquals(now, h.current(HOST).sensorShares, "the ban in force, as it stands: ties by name");
        assertEquals(now, h.evaluator.activeBans().get(0).sensorShares);
        assertEquals(now, h.evaluator.view().bans().get(0).sensorShares, "the published view");
        assertEquals(shares, details.attack().sensorShares, "a snapshot keeps its shares");
        assertEquals(details.attack(), h.current(HOST), "snapshots of one ban are equal, whatever their shares");
    }

    @Test
    void theSharesEndWithTheBanAndANewBanCountsAfresh() {
        Harness h = aggregator();
        h.send(0, 11_000, udp(ATTACKER, 1, HOST, 53));
        h.send(2, 11_000, udp(ATTACKER, 1, HOST, 53));
        h.tick();
        h.send(0, 1_000, udp(ATTACKER, 2, HOST, 53));
        h.tick();
        long[] addr = fastnetmon.counters.TestPackets.addr(HOST);
        Attack unbanned = h.evaluator.manualUnban(addr[0], addr[1]);
        assertEquals(List.of(share("sensor-a", 1_000, 100_000, 1_000)), unbanned.sensorShares);
        assertEquals(unbanned.sensorShares, h.unbans.get(0).sensorShares);

        h.send(2, 500, udp(ATTACKER, 3, HOST, 53)); // between the bans: counted for nobody
        h.tick();
        h.send(1, 25_000, udp(ATTACKER, 4, HOST, 53));
        h.tick();
        assertEquals(2, h.bans.size(), h.events.toString());
        h.send(2, 3_000, udp(ATTACKER, 5, HOST, 53));
        h.tick();
        assertEquals(List.of(share("sensor-b", 3_000, 300_000, 3_000)), h.current(HOST).sensorShares);
        assertEquals(List.of(share("sensor-a", 1_000, 100_000, 1_000)), h.evaluator.banHistory().get(0).sensorShares,
                "the first ban as it stood at its unban");
    }

    @Test
    void withoutSensorNamesThereAreNoSharesAndNoSensorLine() {
        Settings s = new Settings();
        s.averageSeconds = 1e-9;
        Harness h = new Harness(s.build(), 2);
        h.send(0, 11_000, udp(ATTACKER, 1, HOST, 53));
        h.send(1, 11_000, udp(ATTACKER, 1, HOST, 53));
        h.tick();
        h.send(0, 3_000, udp(ATTACKER, 2, HOST, 53));
        h.send(1, 3_000, udp(ATTACKER, 2, HOST, 53));
        h.tick();
        assertEquals(List.of("ban " + HOST, "details " + HOST + " 5"), h.events);
        assertEquals(22_000, h.ban(HOST).initialPps());
        Attack details = h.details.get(0);
        assertEquals(List.of(), details.sensorShares);
        assertEquals(List.of(), h.current(HOST).sensorShares);
        assertFalse(AttackText.description(details).contains("Traffic by sensor"), AttackText.description(details));
    }

    @Test
    void aTallyCountsItsSensorsInTheAttackDirectionWhileWatched() {
        SensorShares shares = new SensorShares();
        assertEquals(-1, shares.sensor(null), "this process's own counters");
        int a = shares.sensor("a"), b = shares.sensor("b");
        assertEquals(a, shares.sensor("a"));
        assertNull(shares.watch(3, Direction.OTHER), "no sensor counts a direction not kept per host");
        SensorShares.Tally t = shares.watch(3, Direction.OUTGOING);
        long[] counts = new long[CounterShard.COUNTERS];
        counts[CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 0)] = 10;
        counts[CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 1)] = 1_500;
        counts[CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0)] = 99;
        shares.counted(b, 3, counts);
        shares.counted(a, 2, counts); // not watched
        shares.counted(a, 40, counts); // beyond any watched id
        assertTrue(t.takeChanged());
        assertFalse(t.takeChanged());
        assertEquals(List.of(new SensorShare("b", 10, 1_500, 1.0)), t.shares());

        shares.unwatch(3);
        shares.counted(b, 3, counts);
        assertFalse(t.takeChanged(), "no counting after the unban");
        assertEquals(List.of(new SensorShare("b", 10, 1_500, 1.0)), t.shares());
    }
}
