package fastnetmon.export;

import fastnetmon.detection.TrafficView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The formats of one push (InfluxDB's line protocol, carbon's plaintext), the hosts they carry and the buffer of unsent pushes. */
class TimeSeriesLinesTest {

    @Test
    void activeHostsAreTheTopListsHostsOnceWithTheDirectionsTheyStandIn() {
        List<ActiveHosts.Host> hosts = ActiveHosts.of(Views.at(100, 1)).hosts();
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "2001:db8::5"), hosts.stream().map(ActiveHosts.Host::ip).toList());
        assertEquals(600, hosts.get(0).incoming().pps());
        assertEquals(200, hosts.get(0).outgoing().pps());
        assertNull(hosts.get(1).outgoing());
        assertNull(hosts.get(2).incoming());
        assertEquals(List.of(), ActiveHosts.of(TrafficView.empty()).hosts());
    }

    @Test
    void influxLinesUseFastNetMonsMeasurementsTagsAndFieldsInWholeNumbers() {
        UnsentBatches.Batch b = InfluxLines.of(Views.at(100, 1), 1_700_000_000L);
        assertEquals("""
                total_traffic,direction=incoming packets=1000,bits=8000000,flows=12 1700000000
                total_traffic,direction=outgoing packets=500,bits=2500000,flows=7 1700000000
                total_traffic,direction=internal packets=10,bits=80000 1700000000
                total_traffic,direction=other packets=0,bits=0 1700000000
                hosts_traffic,host=10.0.0.1 packets_incoming=600,bits_incoming=4800000,flows_incoming=5,\
                packets_outgoing=200,bits_outgoing=1600000,flows_outgoing=2 1700000000
                hosts_traffic,host=10.0.0.2 packets_incoming=300,bits_incoming=2400000,flows_incoming=0 1700000000
                hosts_ipv6_traffic,host=2001:db8::5 packets_outgoing=100,bits_outgoing=800000,flows_outgoing=1 1700000000
                """, b.text());
        assertEquals(7, b.points());
    }

    @Test
    void graphiteLinesUseFastNetMonsPathsAndLeaveAHostsZerosOut() {
        UnsentBatches.Batch b = GraphiteLines.of(Views.at(100, 1), 1_700_000_000L, "fnm");
        assertEquals("""
                fnm.total.incoming.flows 12 1700000000
                fnm.total.incoming.pps 1000 1700000000
                fnm.total.incoming.bps 8000000 1700000000
                fnm.total.outgoing.flows 7 1700000000
                fnm.total.outgoing.pps 500 1700000000
                fnm.total.outgoing.bps 2500000 1700000000
                fnm.total.internal.pps 10 1700000000
                fnm.total.internal.bps 80000 1700000000
                fnm.total.other.pps 0 1700000000
                fnm.total.other.bps 0 1700000000
                fnm.hosts.10_0_0_1.incoming.average.pps 600 1700000000
                fnm.hosts.10_0_0_1.incoming.average.bps 4800000 1700000000
                fnm.hosts.10_0_0_1.incoming.average.flows 5 1700000000
                fnm.hosts.10_0_0_1.outgoing.average.pps 200 1700000000
                fnm.hosts.10_0_0_1.outgoing.average.bps 1600000 1700000000
                fnm.hosts.10_0_0_1.outgoing.average.flows 2 1700000000
                fnm.hosts.10_0_0_2.incoming.average.pps 300 1700000000
                fnm.hosts.10_0_0_2.incoming.average.bps 2400000 1700000000
                fnm.hosts.2001_db8__5.outgoing.average.pps 100 1700000000
                fnm.hosts.2001_db8__5.outgoing.average.bps 800000 1700000000
                fnm.hosts.2001_db8__5.outgoing.average.flows 1 1700000000
                """, b.text());
        assertEquals(21, b.points());
        assertEquals("total.other.bps 0 5\n", GraphiteLines.of(Views.at(100, 1), 5, "").text().lines()
                .filter(l -> l.startsWith("total.other.bps")).findFirst().orElseThrow() + "\n");
    }

    @Test
    void unsentBatchesKeepTheNewestAndCountTheDroppedPoints() {
        UnsentBatches unsent = new UnsentBatches(2);
        unsent.add(new UnsentBatches.Batch("a\n", 1));
        unsent.add(new UnsentBatches.Batch("b\nb\n", 2));
        unsent.add(new UnsentBatches.Batch("c\nc\nc\n", 3));
        assertEquals(2, unsent.size());
        assertEquals("b\nb\nc\nc\nc\n", unsent.joined());
        assertEquals(1, unsent.droppedPoints());
        unsent.dropAll();
        assertEquals(6, unsent.droppedPoints());
        assertEquals("", unsent.joined());
        assertThrows(IllegalArgumentException.class, () -> new UnsentBatches(0));
    }

    @Test
    void aViewIsAddedOnceAndTheEmptyViewNever() {
        UnsentBatches unsent = new UnsentBatches(5);
        unsent.addView(TrafficView.empty(), second -> new UnsentBatches.Batch("empty\n", 1));
        assertEquals(0, unsent.size());
        unsent.addView(Views.at(100, 1), second -> new UnsentBatches.Batch(second + "\n", 1));
        unsent.addView(Views.at(100, 2), second -> new UnsentBatches.Batch("again\n", 1));
        unsent.addView(Views.at(101, 1), second -> new UnsentBatches.Batch(second + "\n", 1));
        assertEquals("100\n101\n", unsent.joined());
    }

    @Test
    void firstLineOfAReplyIsShortAndSaysNothingWhenEmpty() {
        assertEquals(": {\"error\":\"x\"}", InfluxDbExporter.firstLine("{\"error\":\"x\"}\nmore\n"));
        assertEquals("", InfluxDbExporter.firstLine(""));
        assertEquals(2 + 200 + 3, InfluxDbExporter.firstLine("y".repeat(500)).length());
    }
}
