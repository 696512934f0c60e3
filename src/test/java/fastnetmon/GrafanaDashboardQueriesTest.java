package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.config.Configuration;
import fastnetmon.detection.TrafficView;
import fastnetmon.source.flow.DecoderExports;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every query of the Grafana dashboard, run by a real Prometheus server against a running detector: the
 * live mode (in this JVM) capturing on {@code lo} with AF_PACKET, its NetFlow and sFlow collectors on loopback
 * ports fed with the recorded softflowd (NetFlow v5, v9, IPFIX) and pmacctd (sFlow) exports of
 * {@code src/test/resources/fastnetmon/source/flow/exports}, each from its own loopback address (so four
 * exporters), a ban made by hand through the HTTP API (the notify script and the details file act on it), and
 * the Graphite exporter pushing to a port where no carbon listens (failed pushes), so that every family
 * the dashboard shows has series. Prometheus (the Debian package's binary, its own process with a scrape
 * interval of 1 s) scrapes the detector; once it has scraped five times after the ban, every query is sent
 * to {@code /api/v1/query} with Grafana's variables replaced (the template variables by the values their
 * {@code label_values} queries return from the same server) and must parse and return data. A renamed metric,
 * a renamed label, a typo or a query over a family without series fails here.
 */
class GrafanaDashboardQueriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String VICTIM = "192.0.2.1";
    /** What Grafana gives its built-in variables for the default hour at a 1 s scrape interval. */
    private static final Map<String, String> BUILT_IN = Map.of("__rate_interval", "5s", "__interval", "4s", "__range", "1h");
    /** Panels whose every query must also show traffic, a ban or pushes (a value above 0), not just series. */
    private static final Set<String> NON_ZERO = Set.of("Packets per second by direction", "Top capture interfaces by packets/s",
            "Datagrams by protocol", "Datagrams per exporter", "Flow records per exporter", "Top flow exporters by packets/s",
            "Hosts banned now", "Bans in the time range", "Exporter pushes by result", "Top incoming hosts by packets/s",
            "Top incoming hosts by bits/s");
    /** Fixture, sent from, to the sFlow port (else NetFlow). */
    private static final String[][] EXPORTS = {
            {"softflowd-v5-s1.pcap", "127.0.0.11", "netflow"},
            {"softflowd-v9-s1.pcap", "127.0.0.12", "netflow"},
            {"softflowd-v10-s1.pcap", "127.0.0.13", "netflow"},
            {"pmacct-sflow-s1.pcap", "127.0.0.14", "sflow"}};

    @TempDir
    static Path dir;
    private static LiveMode live;
    private static Thread liveThread;
    private static final AtomicReference<Throwable> liveFailure = new AtomicReference<>();
    private static Process prometheus;
    private static ScheduledExecutorService senders;
    private static final List<DatagramSocket> sockets = new ArrayList<>();
    private static int metricsPort, apiPort, netflowPort, sflowPort, prometheusPort;

    @BeforeAll
    static void start() throws Exception {
        NetnsRig.assumeAvailable(); // root: AF_PACKET on lo
        Process which = new ProcessBuilder("sh", "-c", "command -v prometheus").redirectErrorStream(true).start();
        String found = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!which.waitFor(10, TimeUnit.SECONDS) || found.isEmpty()) {
            fail("this test needs the prometheus binary (Debian package prometheus; .ci/run installs it): not skipped");
        }
        metricsPort = freePort();
        apiPort = freePort();
        netflowPort = freeUdpPort();
        sflowPort = freeUdpPort();
        prometheusPort = freePort();
        startDetector();
        startPrometheus();
        startSenders();
    }

    @AfterAll
    static void stop() throws Exception {
        if (senders != null) {
            senders.shutdownNow();
            senders.awaitTermination(5, TimeUnit.SECONDS);
        }
        sockets.forEach(DatagramSocket::close);
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (live != null) {
            live.requestStop();
            liveThread.join(30_000);
            assertFalse(liveThread.isAlive(), "the detector did not stop in 30 s");
            assertNull(liveFailure.get(), () -> "the detector failed: " + liveFailure.get());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private static void startDetector() throws Exception {
        DetectorFiles.recordingScript(dir, dir.resolve("calls"), "$1 $2 $3 $4");
        Path conf = DetectorFiles.config(dir, List.of("192.0.2.0/24", "127.0.0.0/8"),
                "prometheus = on", "prometheus_host = 127.0.0.1", "prometheus_port = " + metricsPort,
                "api_port = " + apiPort, "grpc_api = off",
                "netflow = on", "netflow_host = 127.0.0.1", "netflow_port = " + netflowPort,
                "sflow = on", "sflow_host = 127.0.0.1", "sflow_port = " + sflowPort,
                "flow_threads = 1", "af_packet_threads = 1",
                // a real exporter whose carbon is away: its failed pushes are what fastnetmon_export_* show
                "graphite = on", "graphite_host = 127.0.0.1", "graphite_port = " + freePort(),
                "ban_for_pps = off", "ban_for_bandwidth = off", "ban_for_flows = off", "ban_time = 3600");
        live = new LiveMode(Configuration.load(conf));
        liveThread = new Thread(() -> {
            try {
                live.run(List.of("lo"));
            } catch (Throwable t) {
                liveFailure.set(t);
            }
        }, "live-mode");
        liveThread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (liveFailure.get() != null) {
                throw new AssertionError("the detector did not start", liveFailure.get());
            }
            try {
                if (get("http://127.0.0.1:" + metricsPort + "/metrics").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not serving yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the detector serves no metrics after 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static void startPrometheus() throws Exception {
        Path yml = dir.resolve("prometheus.yml");
        Files.writeString(yml, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: fastnetmon
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(metricsPort));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + yml, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!prometheus.isAlive()) {
                fail("prometheus exited " + prometheus.exitValue() + ": " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                if (get(prometheusUrl("/-/ready")).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                fail("prometheus not ready after 30 s: " + Files.readString(dir.resolve("prometheus.log")));
            }
            Thread.sleep(100);
        }
    }

    /** Every fixture's datagrams, twice a second, each fixture from its own loopback address (its own exporter). */
    private static void startSenders() throws Exception {
        List<Runnable> sends = new ArrayList<>();
        for (String[] e : EXPORTS) {
            List<DecoderExports.Datagram> datagrams = DecoderExports.readPcap(
                    Path.of(DecoderExports.class.getResource("exports/" + e[0]).toURI()));
            assertTrue(datagrams.size() >= 5, e[0]);
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(e[1], 0));
            sockets.add(socket);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", "sflow".equals(e[2]) ? sflowPort : netflowPort);
            sends.add(() -> {
                for (DecoderExports.Datagram d : datagrams) {
                    try {
                        socket.send(new DatagramPacket(d.data(), d.data().length, to));
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            });
        }
        senders = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "export-senders");
            t.setDaemon(true);
            return t;
        });
        senders.scheduleAtFixedRate(() -> sends.forEach(Runnable::run), 0, 500, TimeUnit.MILLISECONDS);
    }

    @Test
    void everyQueryReturnsDataFromARunningDetector() throws Exception {
        // Series from the start: the detector is up and scraped
        awaitQuery("up{job=\"fastnetmon\"} == 1", 20);
        HttpResponse<String> ban = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + apiPort + "/api/ban/" + VICTIM + "?direction=incoming"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ban.statusCode(), ban.body());
        List<String> calls = DetectorFiles.awaitScriptCall(dir.resolve("calls"), " ban", 15_000);
        assertTrue(calls.stream().anyMatch(l -> l.startsWith(VICTIM + " incoming ") && l.endsWith(" ban")), "script calls: " + calls);
        // Five scrapes after the ban and the script: every rate window of the dashboard holds samples with them
        double scrapes = value(awaitQuery("count_over_time(up{job=\"fastnetmon\"}[1h])", 5));
        awaitQuery("count_over_time(up{job=\"fastnetmon\"}[1h]) >= " + (scrapes + 5), 20);

        GrafanaDashboard dashboard = GrafanaDashboard.load();
        Map<String, String> values = new LinkedHashMap<>(BUILT_IN);
        for (GrafanaDashboard.LabelValues v : dashboard.labelValueVariables()) {
            List<String> found = labelValues(GrafanaDashboard.substitute(v.selector(), values), v.label());
            assertTrue(!found.isEmpty(), "variable $" + v.name() + ": label_values(" + v.selector() + ", " + v.label() + ") found nothing");
            // as Grafana writes several selected values into a regex matcher
            values.put(v.name(), found.size() == 1 ? regexEscape(found.get(0))
                    : found.stream().map(GrafanaDashboardQueriesTest::regexEscape).collect(Collectors.joining("|", "(", ")")));
            if ("exporter".equals(v.name())) {
                assertTrue(found.containsAll(List.of("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14")), "exporters: " + found);
            }
            if ("instance".equals(v.name())) {
                assertEquals(List.of("127.0.0.1:" + metricsPort), found);
            }
        }

        List<String> failures = new ArrayList<>();
        Set<String> nonZeroSeen = new TreeSet<>();
        List<GrafanaDashboard.Query> queries = dashboard.queries();
        for (GrafanaDashboard.Query q : queries) {
            String expr = GrafanaDashboard.substitute(q.expr(), values);
            JsonNode answer = query(expr);
            if (!"success".equals(answer.path("status").asText())) {
                failures.add(q.where() + ": " + answer.path("error").asText() + "\n    " + expr);
                continue;
            }
            JsonNode result = answer.path("data").path("result");
            if (result.isEmpty()) {
                failures.add(q.where() + ": no data\n    " + expr);
                continue;
            }
            if (q.panelTitle() != null && NON_ZERO.contains(q.panelTitle())) {
                boolean above = false;
                for (JsonNode s : result) {
                    above |= Double.parseDouble(s.path("value").path(1).asText()) > 0;
                }
                if (above) {
                    nonZeroSeen.add(q.panelTitle());
                } else {
                    failures.add(q.where() + ": only zeros " + result + "\n    " + expr);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + queries.size() + " queries failed:\n" + String.join("\n", failures));
        assertTrue(queries.size() >= 40, "queries: " + queries.size());
        assertEquals(new TreeSet<>(NON_ZERO), nonZeroSeen, "panels checked for values above zero");
    }

    /** A value escaped for a regex matcher inside a PromQL string, as Grafana's Prometheus datasource writes it. */
    private static String regexEscape(String s) {
        return s.replaceAll("[.\\\\+*?\\[^\\]$(){}=!<>|:-]", "\\\\\\\\$0");
    }

    private static String prometheusUrl(String path) {
        return "http://127.0.0.1:" + prometheusPort + path;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode query(String expr) throws IOException, InterruptedException {
        return JSON.readTree(get(prometheusUrl("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).body());
    }

    private static List<String> labelValues(String selector, String label) throws IOException, InterruptedException {
        JsonNode answer = JSON.readTree(get(prometheusUrl("/api/v1/label/" + label + "/values?match[]="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8))).body());
        assertEquals("success", answer.path("status").asText(), selector + ": " + answer);
        List<String> out = new ArrayList<>();
        answer.path("data").forEach(v -> out.add(v.asText()));
        return out;
    }

    /** The query's answer once it has a sample, within {@code seconds}. */
    private static JsonNode awaitQuery(String expr, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode answer;
        do {
            answer = query(expr);
            if (!answer.path("data").path("result").isEmpty()) {
                return answer;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no data for " + expr + " after " + seconds + " s: " + answer);
    }

    private static double value(JsonNode answer) {
        return Double.parseDouble(answer.path("data").path("result").path(0).path("value").path(1).asText());
    }
}
