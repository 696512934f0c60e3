package fastnetmon.detection;

import fastnetmon.counters.Direction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.sized;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The view the console and API show: averaged rates, top hosts per direction and key, bans. */
class TrafficViewTest {
    private static List<String> ips(List<TrafficView.HostRate> rows) {
        return rows.stream().map(TrafficView.HostRate::ip).toList();
    }

    @Test
    void topListsAreOrderedByEachKeyAndAveraged() {
        Harness.Settings s = new Harness.Settings();
        s.averageSeconds = 1e-9; // no smoothing: the view shows the last second
        Harness h = new Harness(s.build());
        h.send(300, udp("203.0.113.1", 1000, "10.10.0.1", 53));          // most packets
        h.send(200, sized(udp("203.0.113.2", 1000, "10.10.0.2", 53), 1500)); // most bytes
        for (int p = 0; p < 100; p++) {                                        // most flows
            h.send(1, udp("203.0.113.3", 2000 + p, "10.10.0.3", 53));
        }
        h.send(50, udp("10.10.0.9", 1000, "198.51.100.1", 53));         // outgoing only
        h.tick();
        TrafficView v = h.evaluator.view();
        assertEquals(List.of("10.10.0.1", "10.10.0.2", "10.10.0.3"), ips(v.top(Direction.INCOMING, SortKey.PACKETS)));
        assertEquals(List.of("10.10.0.2", "10.10.0.1", "10.10.0.3"), ips(v.top(Direction.INCOMING, SortKey.BYTES)));
        assertEquals("10.10.0.3", ips(v.top(Direction.INCOMING, SortKey.FLOWS)).get(0));
        assertEquals(List.of("10.10.0.9"), ips(v.top(Direction.OUTGOING, SortKey.PACKETS)));
        assertEquals(300, v.top(Direction.INCOMING, SortKey.PACKETS).get(0).pps(), 1e-6);
        assertEquals(600, v.totals().get(Direction.INCOMING).pps(), 1e-6);
        assertEquals(50, v.totals().get(Direction.OUTGOING).pps(), 1e-6);
        assertEquals(102, v.totals().get(Direction.INCOMING).flows(), 1e-6);
    }

    @Test
    void aQuietHostStaysListedAsItsAverageDecaysAndOnlyTheBusiestAreKept() {
        Harness.Settings s = new Harness.Settings();
        s.averageSeconds = 5;
        Harness h = new Harness(s.build());
        h.send(1000, udp("203.0.113.1", 1000, "10.10.0.1", 53));
        h.tick();
        double first = h.evaluator.view().top(Direction.INCOMING, SortKey.PACKETS).get(0).pps();
        h.send(10, udp("203.0.113.1", 1000, "10.10.0.2", 53));
        h.tick(); // 10.10.0.1 had no traffic this second: still listed, its average decayed
        List<TrafficView.HostRate> rows = h.evaluator.view().top(Direction.INCOMING, SortKey.PACKETS);
        assertEquals(List.of("10.10.0.1", "10.10.0.2"), ips(rows));
        assertEquals(first * Math.exp(-1 / 5.0), rows.get(0).pps(), 1e-6);

        for (int i = 0; i < Evaluator.TOP_HOSTS + 20; i++) {
            h.send(100 + i, udp("203.0.113.1", 1000, "10.10.1." + i, 53));
        }
        h.tick();
        rows = h.evaluator.view().top(Direction.INCOMING, SortKey.PACKETS);
        // 122 hosts: the quiet one (still the highest average), then the 99 busiest new ones.
        assertEquals(Evaluator.TOP_HOSTS, rows.size());
        assertEquals("10.10.0.1", rows.get(0).ip());
        assertEquals("10.10.1." + (Evaluator.TOP_HOSTS + 19), rows.get(1).ip());
        assertEquals("10.10.1.21", rows.get(Evaluator.TOP_HOSTS - 1).ip());
        assertTrue(!ips(rows).contains("10.10.0.2"), "the smallest host is left out");
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i - 1).pps() >= rows.get(i).pps(), "descending at " + i);
        }
    }

    @Test
    void aHostQuietForLongIsReadAgainWhenItComesBack() {
        Harness.Settings s = new Harness.Settings();
        s.averageSeconds = 1e-9;
        Harness h = new Harness(s.build());
        h.send(100, udp("203.0.113.1", 1000, "10.10.0.1", 53));
        h.tick();
        h.ticks(10); // quiet: the evaluator stops reading its counters
        assertTrue(h.evaluator.view().top(Direction.INCOMING, SortKey.PACKETS).isEmpty());
        h.send(30_000, udp("203.0.113.1", 1000, "10.10.0.1", 53));
        h.tick();
        assertEquals(30_000, h.evaluator.view().top(Direction.INCOMING, SortKey.PACKETS).get(0).pps(), 1e-6);
        assertEquals(30_000, h.ban("10.10.0.1").initialPps());
    }

    @Test
    void bansAppearInTheView() {
        Harness h = new Harness(new Harness.Settings().build());
        h.send(25_000, udp("203.0.113.1", 1000, "10.10.0.5", 53));
        h.tick();
        assertEquals(List.of("10.10.0.5"), h.evaluator.view().bans().stream().map(a -> a.ip).toList());
    }
}
