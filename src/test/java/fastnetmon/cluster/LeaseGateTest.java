package fastnetmon.cluster;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An aggregator's ban events pass while it is sure of its lease, wait in order while not, and go when it lost it. */
class LeaseGateTest {
    private final List<String> actions = new ArrayList<>();
    private final LeaseGate gate = new LeaseGate(e -> actions.add(e.kind() + " " + e.attack().ip));

    private static BanEvent event(BanEvent.Kind kind, int host) {
        Attack a = new Attack("10.0.0." + host, 0, 0xffff_0a00_0000L | host, Direction.INCOMING, "syn_flood", "tcp",
                new HostTraffic(), "pps 30000 > 20000", "global", 1_700_000_000_000_000_000L);
        return new BanEvent(kind, a, a.bannedAtNanos);
    }

    @Test
    void eventsPassAtOnceWhileTheLeaseIsSure() {
        gate.onEvent(event(BanEvent.Kind.BAN, 1));
        gate.onEvent(event(BanEvent.Kind.UNBAN, 1));
        assertEquals(List.of("BAN 10.0.0.1", "UNBAN 10.0.0.1"), actions);
    }

    @Test
    void heldEventsGoOnInOrderOnceTheLeaseIsRenewed() {
        gate.onEvent(event(BanEvent.Kind.BAN, 1));
        gate.hold("Redis away");
        gate.onEvent(event(BanEvent.Kind.UNBAN, 1));
        gate.onEvent(event(BanEvent.Kind.BAN, 2));
        assertEquals(List.of("BAN 10.0.0.1"), actions, "nothing more while unsure");
        assertEquals(2, gate.heldCount());
        gate.release();
        gate.onEvent(event(BanEvent.Kind.ATTACK_DETAILS, 2));
        assertEquals(List.of("BAN 10.0.0.1", "UNBAN 10.0.0.1", "BAN 10.0.0.2", "ATTACK_DETAILS 10.0.0.2"), actions);
        assertEquals(0, gate.dropped());
    }

    @Test
    void aLostLeaseDropsWhatWasHeldAndWhatComes() {
        gate.hold("Redis away");
        gate.onEvent(event(BanEvent.Kind.UNBAN, 1));
        gate.close();
        gate.onEvent(event(BanEvent.Kind.BAN, 2));
        gate.release();
        assertEquals(List.of(), actions, "the other aggregator acts on these bans");
        assertEquals(2, gate.dropped());
    }

    @Test
    void heldEventsAreBounded() {
        gate.hold("Redis away");
        for (int i = 0; i < LeaseGate.MAX_HELD + 3; i++) {
            gate.onEvent(event(BanEvent.Kind.BAN, 1 + i % 200));
        }
        assertEquals(LeaseGate.MAX_HELD, gate.heldCount());
        assertEquals(3, gate.dropped());
    }
}
