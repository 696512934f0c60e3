package fastnetmon.export;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.detection.TrafficView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The InfluxDB export against a real influxd (authentication on), and against one that is away or hangs. */
class InfluxDbExporterTest {
    private static InfluxDbServer influx;

    @BeforeAll
    static void startInfluxd() throws Exception {
        influx = InfluxDbServer.start();
    }

    @AfterAll
    static void stopInfluxd() throws Exception {
        influx.close();
    }

    private static long recentSecond() {
        return System.currentTimeMillis() / 1000 - 60;
    }

    /** Rows of a select keyed by the value of {@code key}, each as column name to value. */
    private static Map<String, Map<String, JsonNode>> rows(String database, String select, String key) throws Exception {
        Map<String, Map<String, JsonNode>> out = new HashMap<>();
        for (JsonNode series : influx.select(database, select)) {
            List<String> columns = new ArrayList<>();
            series.get("columns").forEach(c -> columns.add(c.asText()));
            for (JsonNode values : series.get("values")) {
                Map<String, JsonNode> row = new HashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.put(columns.get(i), values.get(i));
                }
                out.put(row.get(key).asText(), row);
            }
        }
        return out;
    }

    @Test
    void createsTheDatabaseAndWritesTotalsAndHostsUnderFastNetMonsNames() throws Exception {
        long second = recentSecond();
        AtomicReference<TrafficView> view = new AtomicReference<>(Views.at(second, 1));
        ExportRunner runner = new ExportRunner(new InfluxDbExporter(influx.settings("fnm_written", Duration.ofSeconds(5))), view::get);
        runner.pushOnce();
        view.set(Views.at(second + 1, 2));
        runner.pushOnce();
        assertEquals(new ExportStats("influxdb", 2, 0, 0), runner.stats());

        Map<String, Map<String, JsonNode>> totals = rows("fnm_written",
                "SELECT * FROM total_traffic WHERE time = " + (second + 1) + "s", "direction");
        assertEquals(4, totals.size());
        assertEquals(second + 1, totals.get("incoming").get("time").asLong());
        assertEquals(2000, totals.get("incoming").get("packets").asDouble());
        assertEquals(16_000_000, totals.get("incoming").get("bits").asDouble());
        assertEquals(24, totals.get("incoming").get("flows").asDouble());
        assertEquals(20, totals.get("internal").get("packets").asDouble());
        assertTrue(totals.get("internal").get("flows").isNull(), "no flows outside incoming and outgoing");

        Map<String, Map<String, JsonNode>> hosts = rows("fnm_written",
                "SELECT * FROM hosts_traffic WHERE time = " + second + "s", "host");
        assertEquals(2, hosts.size());
        Map<String, JsonNode> h1 = hosts.get("10.0.0.1");
        assertEquals(600, h1.get("packets_incoming").asDouble());
        assertEquals(4_800_000, h1.get("bits_incoming").asDouble());
        assertEquals(5, h1.get("flows_incoming").asDouble());
        assertEquals(200, h1.get("packets_outgoing").asDouble());
        assertEquals(2, h1.get("flows_outgoing").asDouble());
        assertTrue(hosts.get("10.0.0.2").get("packets_outgoing").isNull(), "not in an outgoing list: no outgoing figures");
        Map<String, Map<String, JsonNode>> v6 = rows("fnm_written", "SELECT * FROM hosts_ipv6_traffic", "time");
        assertEquals(2, v6.size());
        assertEquals("2001:db8::5", v6.get(Long.toString(second + 1)).get("host").asText());
        assertEquals(1_600_000, v6.get(Long.toString(second + 1)).get("bits_outgoing").asDouble());
    }

    @Test
    void aRefusedWriteFailsWithTheStatusAndTheServersReplyAndIsKept() throws Exception {
        InfluxDbSettings right = influx.settings("fnm_refused", Duration.ofSeconds(5));
        InfluxDbSettings wrong = new InfluxDbSettings(true, right.host(), right.port(), right.database(), true,
                right.user(), "wrong", right.pushPeriod(), right.timeout());
        InfluxDbExporter exporter = new InfluxDbExporter(wrong);
        IOException e = assertThrows(IOException.class, () -> exporter.export(Views.at(recentSecond(), 1)));
        assertEquals("InfluxDB at http://127.0.0.1:" + influx.port + " refused the write: HTTP 401: {\"error\":\"authorization failed\"}",
                e.getMessage());
        assertEquals(0, exporter.dropped(), "not the points' fault: kept for the next push");
    }

    @Test
    void pointsTheServerRejectsAreDroppedNotSentAgain() throws Exception {
        long second = recentSecond();
        // A field written as a string first makes our numbers a field type conflict: HTTP 400.
        influx.write("fnm_conflict", "hosts_traffic,host=10.9.9.9 packets_incoming=\"x\" " + (second - 1));
        InfluxDbExporter exporter = new InfluxDbExporter(influx.settings("fnm_conflict", Duration.ofSeconds(5)));
        int points = InfluxLines.of(Views.at(second, 1), second).points();
        IOException e = assertThrows(IOException.class, () -> exporter.export(Views.at(second, 1)));
        assertTrue(e.getMessage().contains("refused the write: HTTP 400: {\"error\":\"partial write: field type conflict"),
                e.getMessage());
        assertEquals(points, exporter.dropped());
        assertThrows(IOException.class, () -> exporter.export(Views.at(second + 1, 1)));
        assertEquals(2L * points, exporter.dropped(), "each push's points are dropped once, not sent again");
    }

    @Test
    void aServerAwayCostsOnlyFailedPushesAndTheBufferedOnesArriveWhenItIsBack() throws Exception {
        long second = recentSecond() - 100;
        try (TcpRelay relay = new TcpRelay(influx.port)) {
            InfluxDbSettings direct = influx.settings("fnm_away", Duration.ofSeconds(2));
            InfluxDbSettings viaRelay = new InfluxDbSettings(true, "127.0.0.1", relay.port, direct.database(), true,
                    direct.user(), direct.password(), direct.pushPeriod(), direct.timeout());
            AtomicReference<TrafficView> view = new AtomicReference<>();
            InfluxDbExporter exporter = new InfluxDbExporter(viaRelay, 3);
            ExportRunner runner = new ExportRunner(exporter, view::get);
            int pointsPerPush = InfluxLines.of(Views.at(second, 1), second).points();
            for (int i = 1; i <= 5; i++) {
                view.set(Views.at(second + i, i));
                long start = System.nanoTime();
                runner.pushOnce();
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "a refused connection fails at once");
            }
            assertEquals(new ExportStats("influxdb", 5, 5, 2L * pointsPerPush), runner.stats());
            IOException refused = assertThrows(IOException.class, () -> exporter.export(Views.at(second + 5, 5)));
            assertEquals("cannot reach InfluxDB at http://127.0.0.1:" + relay.port + ": connection refused", refused.getMessage());

            relay.up();
            view.set(Views.at(second + 6, 6));
            runner.pushOnce(); // the newest 3 pushes in one write: the 6th took the 3rd's place
            assertEquals(new ExportStats("influxdb", 6, 5, 3L * pointsPerPush), runner.stats());
            Map<String, Map<String, JsonNode>> incoming = rows("fnm_away",
                    "SELECT packets FROM total_traffic WHERE direction = 'incoming'", "time");
            Map<String, Double> packets = new HashMap<>();
            incoming.forEach((t, row) -> packets.put(t, row.get("packets").asDouble()));
            assertEquals(Map.of(Long.toString(second + 4), 4000.0, Long.toString(second + 5), 5000.0,
                    Long.toString(second + 6), 6000.0), packets);
        }
    }

    @Test
    void aHangingServerCostsAtMostTheTimeoutPerPushAndTheBufferStaysBounded() throws Exception {
        long second = recentSecond();
        try (SilentServer silent = new SilentServer()) {
            InfluxDbSettings settings = new InfluxDbSettings(true, "127.0.0.1", silent.port(), "fnm", false, "", "",
                    Duration.ofSeconds(1), Duration.ofMillis(500));
            InfluxDbExporter exporter = new InfluxDbExporter(settings, 2);
            for (int i = 0; i < 4; i++) {
                TrafficView v = Views.at(second + i, 1);
                long start = System.nanoTime();
                IOException e = assertThrows(IOException.class, () -> exporter.export(v));
                long took = System.nanoTime() - start;
                assertTrue(took < Duration.ofMillis(2500).toNanos(), "took " + took / 1_000_000 + " ms");
                assertTrue(e.getMessage().startsWith("cannot reach InfluxDB at http://127.0.0.1:" + silent.port()
                        + ": ") && e.getMessage().contains("timed out"), e.getMessage());
            }
            assertTrue(silent.accepted() > 0);
            assertEquals(2L * InfluxLines.of(Views.at(second, 1), second).points(), exporter.dropped());
            assertFalse(exporter.name().isEmpty());
        }
    }
}
