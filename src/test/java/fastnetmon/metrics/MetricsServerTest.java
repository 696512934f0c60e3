package fastnetmon.metrics;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsServerTest {
    /** A source with numbers set by the test. */
    static final class FakeSource implements MetricsSource {
        volatile long[] totals = new long[CounterShard.TOTALS];
        volatile long[] second = new long[CounterShard.TOTALS];
        volatile long unparsed, notIp, unparsedRate, hosts, bans, banned, tickNanos;
        volatile long[] flows = new long[Direction.values().length];
        volatile List<CaptureCounters> captures = List.of();

        @Override public long[] trafficTotals() { return totals.clone(); }
        @Override public long unparsedPackets() { return unparsed; }
        @Override public long unknownIpVersionPackets() { return notIp; }
        @Override public long unparsedPerSecond() { return unparsedRate; }
        @Override public long monitoredHosts() { return hosts; }
        @Override public long[] flowsPerSecond() { return flows.clone(); }
        @Override public long[] lastSecondTotals() { return second.clone(); }
        @Override public long bansTotal() { return bans; }
        @Override public long bannedHosts() { return banned; }
        @Override public long speedRecalculationNanos() { return tickNanos; }
        @Override public List<CaptureCounters> captures() { return captures; }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<MetricsServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(MetricsServer::close);
    }

    private MetricsServer start(MetricsSource source) throws IOException {
        MetricsServer s = MetricsServer.start("127.0.0.1", 0, source);
        servers.add(s);
        return s;
    }

    private String scrape(MetricsServer s) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    /** Sample lines as "name{labels}" (labels sorted as written) to value. */
    private static Map<String, Double> samples(String body) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher x = SAMPLE.matcher(line);
            assertTrue(x.matches(), "bad sample line: " + line);
            m.put(x.group(1) + (x.group(2) == null ? "" : x.group(2)), Double.parseDouble(x.group(3)));
        }
        return m;
    }

    private static Map<String, String> types(String body) {
        Map<String, String> m = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                m.put(p[2], p[3]);
            }
        }
        return m;
    }

    private static void set(long[] a, Direction d, int version, long packets, long bytes) {
        a[CounterShard.totalIndex(d, version, 0)] = packets;
        a[CounterShard.totalIndex(d, version, 1)] = bytes;
    }

    private static double get(Map<String, Double> m, String key) {
        Double v = m.get(key);
        assertNotNull(v, "missing " + key + " in " + m.keySet());
        return v;
    }

    @Test
    void exposesKnownNumbersWithFastNetMonNamesTypesAndLabels() throws Exception {
        FakeSource src = new FakeSource();
        long[] t = new long[CounterShard.TOTALS];
        set(t, Direction.INCOMING, 4, 1000, 64_000);
        set(t, Direction.OUTGOING, 4, 200, 30_000);
        set(t, Direction.INTERNAL, 4, 3, 180);
        set(t, Direction.OTHER, 4, 5, 300);
        set(t, Direction.INCOMING, 6, 40, 4_000);
        set(t, Direction.OTHER, 6, 7, 700);
        src.totals = t;
        long[] s = new long[CounterShard.TOTALS];
        set(s, Direction.INCOMING, 4, 100, 6_400);
        set(s, Direction.OUTGOING, 6, 2, 250);
        src.second = s;
        src.unparsed = 11;
        src.notIp = 4;
        src.unparsedRate = 6;
        src.hosts = 65_536;
        long[] flows = new long[Direction.values().length];
        flows[Direction.INCOMING.ordinal()] = 120;
        flows[Direction.OUTGOING.ordinal()] = 9;
        src.flows = flows;
        src.bans = 2;
        src.banned = 1;
        src.tickNanos = 1_234_567_000L;
        src.captures = List.of(new MetricsSource.CaptureCounters("eth0", 1300, 17),
                new MetricsSource.CaptureCounters("eth1", 5, 0));
        MetricsServer server = start(src);

        String body = scrape(server);
        Map<String, Double> m = samples(body);
        Map<String, String> types = types(body);

        // FastNetMon CE names: processed = every packet, parsed or not (1255 parsed + 11 unparsed)
        assertEquals(1266, get(m, "fastnetmon_total_simple_packets_processed"));
        assertEquals(1208, get(m, "fastnetmon_total_ipv4_packets"));
        assertEquals(47, get(m, "fastnetmon_total_ipv6_packets"));
        assertEquals(11, get(m, "fastnetmon_total_unparsed_packets"));
        assertEquals("counter", types.get("fastnetmon_total_simple_packets_processed"));
        assertEquals(4, get(m, "fastnetmon_unknown_ip_version_packets"));
        assertEquals("counter", types.get("fastnetmon_unknown_ip_version_packets"));
        assertEquals(6, get(m, "fastnetmon_total_unparsed_packets_speed"));
        assertEquals("gauge", types.get("fastnetmon_total_unparsed_packets_speed"));
        assertEquals(65_536, get(m, "fastnetmon_total_number_of_hosts"));
        assertEquals(120, get(m, "fastnetmon_total_traffic_flows{traffic_direction=\"incoming\",protocol_version=\"ipv4\"}"));
        assertEquals(9, get(m, "fastnetmon_total_traffic_flows{traffic_direction=\"outgoing\",protocol_version=\"ipv4\"}"));
        assertFalse(m.containsKey("fastnetmon_total_simple_packets_processed_total"));
        assertEquals(1, get(m, "fastnetmon_speed_recalculation_time_seconds"));
        assertEquals(234_567, get(m, "fastnetmon_speed_recalculation_time_microseconds"));

        // Per-second gauges, all 4 directions x 2 versions
        assertEquals("gauge", types.get("fastnetmon_total_traffic_packets"));
        assertEquals("gauge", types.get("fastnetmon_total_traffic_bits"));
        assertEquals(100, get(m, "fastnetmon_total_traffic_packets{traffic_direction=\"incoming\",protocol_version=\"ipv4\"}"));
        assertEquals(51_200, get(m, "fastnetmon_total_traffic_bits{traffic_direction=\"incoming\",protocol_version=\"ipv4\"}"));
        assertEquals(2, get(m, "fastnetmon_total_traffic_packets{traffic_direction=\"outgoing\",protocol_version=\"ipv6\"}"));
        assertEquals(2_000, get(m, "fastnetmon_total_traffic_bits{traffic_direction=\"outgoing\",protocol_version=\"ipv6\"}"));
        assertEquals(0, get(m, "fastnetmon_total_traffic_packets{traffic_direction=\"other\",protocol_version=\"ipv6\"}"));
        assertEquals(8, m.keySet().stream().filter(k -> k.startsWith("fastnetmon_total_traffic_packets{")).count());

        // Cumulative counters end in _total
        assertEquals("counter", types.get("fastnetmon_traffic_packets_total"));
        assertEquals(1000, get(m, "fastnetmon_traffic_packets_total{direction=\"incoming\",protocol_version=\"ipv4\"}"));
        assertEquals(200, get(m, "fastnetmon_traffic_packets_total{direction=\"outgoing\",protocol_version=\"ipv4\"}"));
        assertEquals(3, get(m, "fastnetmon_traffic_packets_total{direction=\"internal\",protocol_version=\"ipv4\"}"));
        assertEquals(5, get(m, "fastnetmon_traffic_packets_total{direction=\"other\",protocol_version=\"ipv4\"}"));
        assertEquals(40, get(m, "fastnetmon_traffic_packets_total{direction=\"incoming\",protocol_version=\"ipv6\"}"));
        assertEquals(0, get(m, "fastnetmon_traffic_packets_total{direction=\"internal\",protocol_version=\"ipv6\"}"));
        assertEquals(64_000, get(m, "fastnetmon_traffic_bytes_total{direction=\"incoming\",protocol_version=\"ipv4\"}"));
        assertEquals(700, get(m, "fastnetmon_traffic_bytes_total{direction=\"other\",protocol_version=\"ipv6\"}"));
        assertEquals(8, m.keySet().stream().filter(k -> k.startsWith("fastnetmon_traffic_bytes_total{")).count());
        assertEquals(11, get(m, "fastnetmon_unparsed_packets_total"));
        assertEquals(1300, get(m, "fastnetmon_capture_packets_received_total{interface=\"eth0\"}"));
        assertEquals(17, get(m, "fastnetmon_capture_packets_dropped_total{interface=\"eth0\"}"));
        assertEquals(5, get(m, "fastnetmon_capture_packets_received_total{interface=\"eth1\"}"));
        assertEquals(0, get(m, "fastnetmon_capture_packets_dropped_total{interface=\"eth1\"}"));
        assertEquals(2, get(m, "fastnetmon_bans_total"));
        assertEquals("counter", types.get("fastnetmon_bans_total"));
        assertEquals(1, get(m, "fastnetmon_banned_hosts"));
        assertEquals("gauge", types.get("fastnetmon_banned_hosts"));

        // Every value is printed as an integer
        for (String line : body.split("\n")) {
            assertTrue(line.startsWith("#") || line.matches(".* -?[0-9]+"), "not an integer: " + line);
        }
        // Our own counters end in _total; a counter without it is one of CE's names (FastNetMon 1.2.4's
        // list; the flow collectors' CE names are checked by FlowMetricsNamesTest)
        Map<String, FastNetMonMetricNamesTest.Family> ce = FastNetMonMetricNamesTest.reference();
        new FlowMetrics(List::of).collect().forEach(f -> ce.put(f.name(), null));
        List<String> counters = types.entrySet().stream().filter(e -> e.getValue().equals("counter")).map(Map.Entry::getKey).toList();
        assertTrue(counters.containsAll(List.of("fastnetmon_bans_total", "fastnetmon_capture_packets_dropped_total",
                "fastnetmon_total_ipv4_packets", "fastnetmon_unparsed_packets_total", "fastnetmon_action_events_total")), counters.toString());
        for (String name : counters) {
            assertTrue(name.endsWith("_total") || ce.containsKey(name), name + ": our own counter without _total");
        }
    }

    @Test
    void secondScrapeSeesNewNumbers() throws Exception {
        FakeSource src = new FakeSource();
        MetricsServer server = start(src);
        Map<String, Double> first = samples(scrape(server));
        assertEquals(0, get(first, "fastnetmon_total_simple_packets_processed"));
        assertEquals(0, get(first, "fastnetmon_bans_total"));
        assertFalse(first.keySet().stream().anyMatch(k -> k.startsWith("fastnetmon_capture_packets_received_total{")));

        long[] t = new long[CounterShard.TOTALS];
        set(t, Direction.INCOMING, 6, 12_345_678_901L, 987_654_321_000L);
        src.totals = t;
        long[] s = new long[CounterShard.TOTALS];
        set(s, Direction.OTHER, 4, 9, 900);
        src.second = s;
        src.unparsed = 3;
        src.bans = 4;
        src.banned = 3;
        src.captures = List.of(new MetricsSource.CaptureCounters("ens1f0", 42, 1));
        Map<String, Double> second = samples(scrape(server));
        assertEquals(12_345_678_904L, get(second, "fastnetmon_total_simple_packets_processed"));
        assertEquals(12_345_678_901L, get(second, "fastnetmon_traffic_packets_total{direction=\"incoming\",protocol_version=\"ipv6\"}"));
        assertEquals(987_654_321_000L, get(second, "fastnetmon_traffic_bytes_total{direction=\"incoming\",protocol_version=\"ipv6\"}"));
        assertEquals(9, get(second, "fastnetmon_total_traffic_packets{traffic_direction=\"other\",protocol_version=\"ipv4\"}"));
        assertEquals(7_200, get(second, "fastnetmon_total_traffic_bits{traffic_direction=\"other\",protocol_version=\"ipv4\"}"));
        assertEquals(3, get(second, "fastnetmon_unparsed_packets_total"));
        assertEquals(4, get(second, "fastnetmon_bans_total"));
        assertEquals(3, get(second, "fastnetmon_banned_hosts"));
        assertEquals(42, get(second, "fastnetmon_capture_packets_received_total{interface=\"ens1f0\"}"));
        assertEquals(1, get(second, "fastnetmon_capture_packets_dropped_total{interface=\"ens1f0\"}"));
    }

    @Test
    void portInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> MetricsServer.start("127.0.0.1", port, new FakeSource()));
            assertEquals("cannot serve Prometheus metrics on 127.0.0.1:" + port + ": address already in use", e.getMessage());
        }
    }

    @Test
    void closeStopsServing() throws Exception {
        MetricsServer server = start(new FakeSource());
        int port = server.port();
        server.close();
        server.close();
        assertThrows(IOException.class, () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()));
    }
}
