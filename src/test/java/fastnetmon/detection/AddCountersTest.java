package fastnetmon.detection;

import fastnetmon.counters.TestShards;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;
import fastnetmon.detection.Harness.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Counters added after the evaluator started (a source started later) are read from the next tick on. */
class AddCountersTest {
    private static final String ATTACKER = "198.51.100.7";

    private static CounterShard shard(Harness h, String name) {
        CounterShard s = TestShards.shard(name, TestPackets.networks("10.0.0.0/8", "2001:db8::/32"), 16);
        s.onSecond(h.second);
        return s;
    }

    @Test
    void countersAddedFromAnotherThreadAreEvaluatedFromTheNextTick() throws Exception {
        Settings s = new Settings();
        s.averageSeconds = 1e-9;
        Harness h = new Harness(s.build());
        h.send(10_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.tick();
        CounterShard late = shard(h, "late");
        Thread adder = new Thread(() -> h.evaluator.addCounters(late));
        adder.start();
        adder.join();
        late.onSecond(h.second);
        for (int i = 0; i < 10_001; i++) {
            late.count(udp(ATTACKER, 1, "10.0.0.1", 2));
        }
        h.send(10_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        late.publish();
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events, "both counters' packets in one second");
        assertEquals(20_001, h.ban("10.0.0.1").initialPps());
        int in4 = CounterShard.totalIndex(Direction.INCOMING, 4, 0);
        assertEquals(30_001, h.evaluator.totals()[in4]);
        assertEquals(20_001, h.evaluator.lastSecondTotals()[in4]);
        assertEquals(20_001, Math.round(h.evaluator.view().top(Direction.INCOMING, SortKey.PACKETS).get(0).pps()));
    }

    @Test
    void countersAddedDuringAnAttackAreAskedForItsSamples() {
        Harness h = new Harness(new Settings().build());
        h.send(30_000, syn(ATTACKER, 999, "10.0.0.1", 80));
        h.tick(); // banned; collecting 5 samples
        CounterShard late = shard(h, "late");
        h.evaluator.addCounters(late);
        late.count(syn(ATTACKER, 1, "10.0.0.1", 80)); // the late counters take the host up
        late.publish();
        h.tick();
        for (int port = 2; port <= 6; port++) {
            late.onSecond(h.second);
            late.count(syn(ATTACKER, port, "10.0.0.1", 80));
        }
        late.publish();
        h.tick();
        assertEquals(List.of("ban 10.0.0.1", "details 10.0.0.1 5"), h.events);
        assertEquals(List.of(2, 3, 4, 5, 6), h.details.get(0).samples.stream().map(SamplePacket::srcPort).toList());
    }
}
