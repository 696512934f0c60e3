package fastnetmon.metrics;

import fastnetmon.Detector;
import fastnetmon.source.CaptureEngine;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.TestPackets;
import fastnetmon.detection.Evaluator;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Metrics#start} over a real detector: shards, evaluator and capture engines. */
class DetectorMetricsTest {
    private static final long SECOND = 1_700_000_000L;
    private final HttpClient http = HttpClient.newHttpClient();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static Configuration config(Path dir, String extra) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n2001:db8::/32\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\nnotify_script_enabled = off\n"
                + "attack_details_folder = " + dir.resolve("attacks") + "\nthreshold_pps = 50\nban_for_bandwidth = off\n"
                + "ban_details_records_count = 0\nprometheus_host = 127.0.0.1\n" + extra);
        Files.createDirectories(dir.resolve("attacks"));
        return Configuration.load(f);
    }

    private String scrape(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Asserts a sample "series value" is in the body; values are compared as numbers (the client writes 60.0). */
    private static void assertLine(String body, String sample) {
        int sp = sample.lastIndexOf(' ');
        String series = sample.substring(0, sp + 1);
        double want = Double.parseDouble(sample.substring(sp + 1));
        assertTrue(body.lines().anyMatch(l -> l.startsWith(series) && Double.parseDouble(l.substring(series.length())) == want),
                "no sample '" + sample + "' in\n" + body);
    }

    /** The value of the one sample "series value" in the body (fails when there is none). */
    private static double sampleValue(String body, String series) {
        return body.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + body));
    }

    static final class FakeEngine implements CaptureEngine {
        final String name;
        volatile long received, dropped;

        FakeEngine(String name, long received, long dropped) {
            this.name = name;
            this.received = received;
            this.dropped = dropped;
        }

        @Override public int doWork() { return 0; }
        @Override public void onSecond(long epochSecond) { }
        @Override public String name() { return name; }
        @Override public String interfaceName() { return name; }
        @Override public long received() { return received; }
        @Override public long dropped() { return dropped; }
        @Override public void close() { }
    }

    @Test
    void countsFromShardsEvaluatorAndEngines(@TempDir Path dir) throws Exception {
        int port = freePort();
        Configuration config = config(dir, "prometheus_port = " + port + "\n");
        Detector detector = new Detector(config);
        CounterShard a = detector.newShard("a"), b = detector.newShard("b");
        Evaluator evaluator = detector.startEvaluator();
        List<CaptureEngine> engines = new CopyOnWriteArrayList<>();
        engines.add(new FakeEngine("eth0", 100, 1));
        engines.add(new FakeEngine("eth0", 50, 2));
        try (AutoCloseable server = Metrics.start(config, detector.shards(), evaluator, engines, detector.actions()::stats)) {
            String before = scrape(port);
            assertLine(before, "fastnetmon_total_simple_packets_processed 0");
            assertLine(before, "fastnetmon_bans_total 0");
            assertLine(before, "fastnetmon_action_max_running{action=\"script\"} 64");
            assertLine(before, "fastnetmon_action_events_total{action=\"script\",result=\"succeeded\"} 0");

            // Second 1: 60 incoming IPv4 packets to 10.0.0.1 (a flood over 50 pps), 3 outgoing IPv6, 2 unparsed
            a.onSecond(SECOND);
            b.onSecond(SECOND);
            PacketRecord in = TestPackets.udp("192.0.2.1", 1000, "10.0.0.1", 53);
            for (int i = 0; i < 60; i++) {
                a.count(in);
            }
            PacketRecord out = TestPackets.sized(TestPackets.udp("2001:db8::1", 53, "2001:db9::1", 1000), 200);
            for (int i = 0; i < 3; i++) {
                b.count(out);
            }
            b.countUnparsed();
            b.countUnparsed();
            a.publish();
            b.publish();

            // Cumulative counters are read from the shards at scrape time, before any tick.
            String fresh = scrape(port);
            assertLine(fresh, "fastnetmon_total_simple_packets_processed 65");
            assertLine(fresh, "fastnetmon_traffic_packets_total{direction=\"incoming\",protocol_version=\"ipv4\"} 60");
            assertLine(fresh, "fastnetmon_total_traffic_packets{traffic_direction=\"incoming\",protocol_version=\"ipv4\"} 0");

            evaluator.tick((SECOND + 1) * 1_000_000_000L);
            ((FakeEngine) engines.get(1)).received = 70;
            engines.add(new FakeEngine("eth1", 9, 0));

            String body = scrape(port);
            assertLine(body, "fastnetmon_total_simple_packets_processed 65");
            assertLine(body, "fastnetmon_total_ipv4_packets 60");
            assertLine(body, "fastnetmon_total_ipv6_packets 3");
            assertLine(body, "fastnetmon_total_unparsed_packets 2");
            assertLine(body, "fastnetmon_unparsed_packets_total 2");
            assertLine(body, "fastnetmon_traffic_packets_total{direction=\"incoming\",protocol_version=\"ipv4\"} 60");
            assertLine(body, "fastnetmon_traffic_bytes_total{direction=\"incoming\",protocol_version=\"ipv4\"} 6000");
            assertLine(body, "fastnetmon_traffic_packets_total{direction=\"outgoing\",protocol_version=\"ipv6\"} 3");
            assertLine(body, "fastnetmon_traffic_bytes_total{direction=\"outgoing\",protocol_version=\"ipv6\"} 600");
            assertLine(body, "fastnetmon_total_traffic_packets{traffic_direction=\"incoming\",protocol_version=\"ipv4\"} 60");
            assertLine(body, "fastnetmon_total_traffic_bits{traffic_direction=\"incoming\",protocol_version=\"ipv4\"} 48000");
            assertLine(body, "fastnetmon_total_traffic_bits{traffic_direction=\"outgoing\",protocol_version=\"ipv6\"} 4800");
            assertLine(body, "fastnetmon_capture_packets_received_total{interface=\"eth0\"} 170");
            assertLine(body, "fastnetmon_capture_packets_dropped_total{interface=\"eth0\"} 3");
            assertLine(body, "fastnetmon_capture_packets_received_total{interface=\"eth1\"} 9");
            assertLine(body, "fastnetmon_bans_total 1");
            assertLine(body, "fastnetmon_banned_hosts 1");
            // The busiest hosts, with their averaged rates: 100-byte packets in, 200-byte packets out
            double inPps = sampleValue(body, "fastnetmon_top_host_packets{traffic_direction=\"incoming\",host=\"10.0.0.1\"}");
            double inBits = sampleValue(body, "fastnetmon_top_host_bits{traffic_direction=\"incoming\",host=\"10.0.0.1\"}");
            assertTrue(inPps > 0 && Math.abs(inBits - 800 * inPps) <= 800, inPps + " pps, " + inBits + " bits/s");
            assertTrue(sampleValue(body, "fastnetmon_top_host_packets{traffic_direction=\"outgoing\",host=\"2001:db8::1\"}") > 0, body);
            assertEquals(2, body.lines().filter(l -> l.startsWith("fastnetmon_top_host_packets{")).count(), body);
            // The registry the detector built is the one on the page: the ban and its details (no samples
            // wanted) reached the (disabled) script and the details file.
            assertTrue(detector.actions().awaitIdle(Duration.ofSeconds(30)));
            String acted = scrape(port);
            assertLine(acted, "fastnetmon_action_events_total{action=\"script\",result=\"succeeded\"} 2");
            assertLine(acted, "fastnetmon_action_events_total{action=\"details_file\",result=\"succeeded\"} 2");

            // A quiet second: the per-second gauges drop to 0, the counters stay.
            a.onSecond(SECOND + 1);
            evaluator.tick((SECOND + 2) * 1_000_000_000L);
            String quiet = scrape(port);
            assertLine(quiet, "fastnetmon_total_traffic_packets{traffic_direction=\"incoming\",protocol_version=\"ipv4\"} 0");
            assertLine(quiet, "fastnetmon_traffic_packets_total{direction=\"incoming\",protocol_version=\"ipv4\"} 60");
            assertLine(quiet, "fastnetmon_bans_total 1");
        } finally {
            detector.actions().close(Duration.ofSeconds(10));
        }
    }

    @Test
    void offServesNothing(@TempDir Path dir) throws Exception {
        int port = freePort();
        Configuration config = config(dir, "prometheus = off\nprometheus_port = " + port + "\n");
        Detector detector = new Detector(config);
        detector.newShard("a");
        Evaluator evaluator = detector.startEvaluator();
        try (AutoCloseable server = Metrics.start(config, detector.shards(), evaluator, List.of(), detector.actions()::stats)) {
            Exception e = assertThrows(Exception.class, () -> scrape(port));
            assertInstanceOf(ConnectException.class, e);
        } finally {
            detector.actions().close(Duration.ofSeconds(10));
        }
    }
}
