package fastnetmon.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.NetnsRig;
import fastnetmon.testing.Ports;
import fastnetmon.testing.RabbitMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rest of the abuse sensors end to end (issue 12; the port scan on mirror capture is
 * {@link AbuseSensorsLiveTest}): a host of ours (the peer, 198.51.100.2, in the networks list) opens SMTP
 * connections to many mail servers (spam), sweeps port 445 of many hosts (winscan), both captured on mon0;
 * and scans ports, then spams, with only softflowd's NetFlow v9 (exported from a capture of the link) as the
 * detector's source (portscan and spam, the exporter's address as observer). Each is one threat of its type, offender and observer, in the API, the log, the
 * metrics and on a real RabbitMQ's queue, even though the traffic goes on well past the threshold (the
 * cool-down). Every packet stays in the rig's namespaces; every generator is bounded in count and time.
 *
 * <p>One rig and one broker for the class (the broker takes about 10 s to boot); a queue per test.
 */
@Timeout(180)
class AbuseSensorsMoreLiveTest {
    private static final String OURS = "198.51.100.2";
    private static final String SCAN_TARGET = "192.0.2.50";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NetnsRig rig;
    /** This machine's end of the link to the monitor namespace: the broker listens there too. */
    private static String host;
    private static RabbitMq broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRigAndBroker() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "curl", "timeout", "tcpdump", "softflowd");
        rig = NetnsRig.create();
        host = rig.linkToHost();
        broker = RabbitMq.startAlsoOn(host);
    }

    @AfterAll
    static void stopRigAndBroker() throws Exception {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            if (rig != null) {
                rig.close();
            }
        }
    }

    @Test
    void smtpConnectionsToManyMailServersFromOneOfOurHostsAreOneSpamThreat() throws Exception {
        // 150 SYNs to port 25 of random hosts of 192.0.2.0/24, 2 ms apart: about 110 distinct mail servers,
        // far more than the 21 that make the threat (without the cool-down, several threats)
        sweepIsOneThreat("spam", 20, "winscan", 25, 150);
    }

    @Test
    void anSmbSweepFromOneOfOurHostsIsOneWinscanThreat() throws Exception {
        // 300 SYNs to port 445 of random hosts of 192.0.2.0/24, 2 ms apart: about 175 distinct hosts, far more
        // than the 51 that make the threat
        sweepIsOneThreat("winscan", 50, "spam", 445, 300);
    }

    /**
     * The peer sends {@code count} SYNs to {@code port} of random hosts of 192.0.2.0/24, captured on mon0, with
     * the sensors {@code sensor} (threshold {@code threshold}) and {@code other} on: exactly one threat of
     * {@code sensor} (threshold + 1 destinations when it was made), none of {@code other}, in the API, the
     * metrics, the queue and the log.
     */
    private void sweepIsOneThreat(String sensor, int threshold, String other, int port, int count) throws Exception {
        String queue = sensor + "_threats";
        broker.declareQueue(queue);
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16", "198.51.100.0/24"), "grpc_api = off",
                "af_packet_threads = 1", "sensor_" + sensor + " = on", "sensor_" + sensor + "_threshold = " + threshold,
                "sensor_" + other + " = on", "amqp_enabled = on",
                "amqp_uri = amqp://guest:guest@" + host + ":" + broker.port + "/%2f", "amqp_routing_key = " + queue);
        JsonNode t;
        Process detector = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf),
                Files.createTempFile(dir, "output", ".txt"));
        try {
            rig.runInPeer(20, "hping3", "-q", "-S", "-p", Integer.toString(port), "--rand-dest", "-I", NetnsRig.PEER_IF,
                    "-c", Integer.toString(count), "-i", "u2000", "192.0.2.x");
            t = theOneThreat(() -> threatsInMon(), sensor);
            assertTrue(metricsInMon().contains("fastnetmon_sensor_threats_total{sensor=\"" + sensor + "\"} 1\n"), metricsInMon());
            assertTrue(metricsInMon().contains("fastnetmon_sensor_threats_total{sensor=\"" + other + "\"} 0\n"), metricsInMon());
        } finally {
            stop(detector);
        }
        assertEquals(List.of(sensor, OURS, NetnsRig.MON_IF), typeOffenderObserver(t), t.toString());
        assertEquals(threshold + 1, t.path("details").path("counts").path("destinations").asLong(), t.toString());
        assertAllIn(t, "192.0.2.");
        assertOnTheQueue(queue, sensor, OURS, NetnsRig.MON_IF);
        assertLoggedOnce(sensor, OURS, NetnsRig.MON_IF);
    }

    /**
     * A detector whose only source is a NetFlow collector on this machine's end of the link, its API and
     * metrics on free ports, its threats published to {@code queue}, and the sensors' {@code lines}.
     */
    private Path flowsOnlyConfig(int netflowPort, int apiPort, int metricsPort, String queue, String... lines) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("grpc_api = off",
                "mirror_afpacket = off", "netflow = on", "netflow_host = " + host, "netflow_port = " + netflowPort,
                "flow_threads = 1", "api_port = " + apiPort, "prometheus_port = " + metricsPort,
                "amqp_enabled = on", "amqp_uri = amqp://guest:guest@127.0.0.1:" + broker.port + "/%2f",
                "amqp_routing_key = " + queue));
        all.addAll(List.of(lines));
        return DetectorFiles.config(dir, List.of("10.10.0.0/16", "198.51.100.0/24"), all.toArray(String[]::new));
    }

    @Test
    void aPortScanSeenOnlyInSoftflowdsNetflowV9IsOneThreatWithTheExporterAsObserver() throws Exception {
        String queue = "flow_threats";
        broker.declareQueue(queue);
        // The scan crosses the monitored link and is written to a capture file there; softflowd, in the
        // monitor namespace, exports its flows from that file over the link to this machine, where the
        // detector's only source is its NetFlow collector: the datagrams come from the monitor side's
        // address, the one after this machine's. (softflowd 1.1.0 watching mon0 live waits in poll() with no
        // timeout while it has no flows, and libpcap's TPACKET_V3 block never wakes it for a few hundred
        // packets: it exports a flood, not a scan.)
        String exporter = next(host);
        // SYN probes to ports 1..200 of one host: 200 flows of one SYN each
        Path capture = captureOnMon(200, "-S", "-p", "++1", "-c", "200", "-i", "u2000", SCAN_TARGET);
        int netflowPort = Ports.free(), apiPort = Ports.free(), metricsPort = Ports.free();
        Path conf = flowsOnlyConfig(netflowPort, apiPort, metricsPort, queue, "sensor_portscan = on",
                "sensor_portscan_threshold = 100");
        JsonNode t;
        Process detector = startFlowsOnly(conf);
        try {
            exportWithSoftflowd(capture, host + ":" + netflowPort);
            t = theOneThreat(() -> threats(apiPort), "portscan");
            String metrics = get(metricsPort, "/metrics");
            assertTrue(metrics.contains("fastnetmon_sensor_threats_total{sensor=\"portscan\"} 1\n"), metrics);
            assertTrue(metrics.contains("fastnetmon_netflow_v9_total_flows 200\n"), metrics);
        } finally {
            stop(detector);
        }
        assertEquals(List.of("portscan", OURS, exporter), typeOffenderObserver(t), t.toString());
        assertEquals(List.of(SCAN_TARGET), hosts(t), t.toString());
        assertEquals(101, t.path("details").path("counts").path("flows").asLong(), t.toString());
        assertOnTheQueue(queue, "portscan", OURS, exporter);
        assertLoggedOnce("portscan", OURS, exporter);
        String log = Files.readString(dir.resolve("fastnetmon.log"));
        assertTrue(log.contains("abuse sensors on: portscan") && !log.contains("capturing on"), log);
    }

    /**
     * Spam seen only in flows, as a router exports a mail connection: its flow's flags are those of all its
     * packets, SYN with ACK (ServiceRule: "a flow whose flags have SYN"). Stand-in for the peer's connections
     * that nothing answers: a SYN+ACK packet to port 25 of each mail server, one flow each in softflowd.
     *
     * <p>It found a bug: SensorTap did not carry the record's origin through its ring, so the sensors' thread
     * judged every flow as one captured packet and rejected a "packet" with ACK; spam and winscan never fired
     * on flows of connections that were answered.
     */
    @Test
    void spamSeenOnlyInFlowsOfAnsweredConnectionsIsOneThreatWithTheExporterAsObserver() throws Exception {
        String queue = "flow_spam_threats";
        broker.declareQueue(queue);
        String exporter = next(host);
        Path capture = captureOnMon(150, "-S", "-A", "-p", "25", "--rand-dest", "-I", NetnsRig.PEER_IF, "-c", "150",
                "-i", "u2000", "192.0.2.x");
        int netflowPort = Ports.free(), apiPort = Ports.free(), metricsPort = Ports.free();
        Path conf = flowsOnlyConfig(netflowPort, apiPort, metricsPort, queue, "sensor_spam = on",
                "sensor_spam_threshold = 20");
        JsonNode t;
        Process detector = startFlowsOnly(conf);
        try {
            exportWithSoftflowd(capture, host + ":" + netflowPort);
            Eventually.until(WAIT, () -> metricOf(metricsPort, "fastnetmon_netflow_v9_total_flows ") > 0, "the flows collected");
            try {
                t = theOneThreat(() -> threats(apiPort), "spam");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the sensors' figures: " + get(metricsPort, "/metrics").lines()
                        .filter(l -> l.startsWith("fastnetmon_sensor_") || l.startsWith("fastnetmon_netflow_v9_total_flows")).toList(), e);
            }
        } finally {
            stop(detector);
        }
        assertEquals(List.of("spam", OURS, exporter), typeOffenderObserver(t), t.toString());
        assertEquals(21, t.path("details").path("counts").path("destinations").asLong(), t.toString());
        assertAllIn(t, "192.0.2.");
        assertOnTheQueue(queue, "spam", OURS, exporter);
        assertLoggedOnce("spam", OURS, exporter);
    }

    private static long metricOf(int port, String prefix) {
        try {
            return get(port, "/metrics").lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> (long) Double.parseDouble(l.substring(prefix.length()).trim())).orElse(-1L);
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Waits (bounded) for a threat, then for the rest of the traffic to reach the sensors (the flows'
     * last records come a second or two after the scan), and checks it is the only one.
     */
    private static JsonNode theOneThreat(Supplier<JsonNode> threats, String type) throws InterruptedException {
        Eventually.until(WAIT, () -> threats.get().size() > 0, "a " + type + " threat in the API");
        Thread.sleep(3000);
        JsonNode all = threats.get();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    private static List<String> typeOffenderObserver(JsonNode t) {
        return List.of(t.path("type").asText(), t.path("offender").asText(), t.path("observer").asText());
    }

    private static List<String> hosts(JsonNode t) {
        List<String> hosts = new ArrayList<>();
        t.path("details").path("attacked_hosts").forEach(h -> hosts.add(h.asText()));
        return hosts;
    }

    private static void assertAllIn(JsonNode t, String prefix) {
        List<String> hosts = hosts(t);
        assertEquals(20, hosts.size(), "the event lists 20 attacked hosts at most: " + t);
        assertTrue(hosts.stream().allMatch(h -> h.startsWith(prefix)), t.toString());
    }

    /** Exactly one message on the queue (the detector has stopped: AMQP had its chance to publish), this one. */
    private static void assertOnTheQueue(String queue, String type, String offender, String observer) throws Exception {
        Eventually.until(WAIT, () -> depth(queue) >= 1, "the threat on the queue " + queue);
        List<GetResponse> messages = broker.drain(queue);
        assertEquals(1, messages.size(), messages.size() + " messages on " + queue);
        JsonNode t = JSON.readTree(messages.get(0).getBody());
        assertEquals(List.of(type, offender, observer), typeOffenderObserver(t), t.toString());
    }

    private void assertLoggedOnce(String type, String offender, String observer) throws IOException {
        String log = Files.readString(dir.resolve("fastnetmon.log"));
        assertEquals(1, log.lines().filter(l -> l.contains("threat " + type + " from " + offender + " seen by " + observer + ":")).count(), log);
        assertEquals(1, log.lines().filter(l -> l.contains("threat ") && l.contains(" seen by ")).count(), "no other threat: " + log);
    }

    private static long depth(String queue) {
        try {
            return broker.depth(queue);
        } catch (Exception e) {
            return -1;
        }
    }

    private static JsonNode threatsInMon() {
        try {
            return JSON.readTree(rig.inMon("curl", "-s", "http://127.0.0.1:10007/api/threats")).path("threats");
        } catch (Exception e) {
            return JSON.createArrayNode();
        }
    }

    private static String metricsInMon() {
        return rig.inMon("curl", "-s", "http://127.0.0.1:9209/metrics");
    }

    private static JsonNode threats(int apiPort) {
        try {
            return JSON.readTree(get(apiPort, "/api/threats")).path("threats");
        } catch (Exception e) {
            return JSON.createArrayNode();
        }
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The detector on this machine with the NetFlow collector as its only source, once it collects. */
    private Process startFlowsOnly(Path conf) throws Exception {
        Path output = dir.resolve("output.txt");
        Process p = new ProcessBuilder(DetectorFiles.command(List.of(), "--configuration_file", conf.toString(),
                "--disable_pid_logic")).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.currentTimeMillis() + 60_000;
        Path log = dir.resolve("fastnetmon.log");
        while (!Files.exists(log) || !Files.readString(log).contains("collecting flows: netflow")) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                p.destroyForcibly();
                fail("the detector did not start: " + Files.readString(output));
            }
            Thread.sleep(100);
        }
        return p;
    }

    /**
     * Writes what the peer's hping3 (bounded: {@code -c}) sends across the monitored link to a capture file
     * in the test's folder, {@code packets} TCP packets, with tcpdump on mon0.
     */
    private Path captureOnMon(int packets, String... hping3) throws Exception {
        Path capture = dir.resolve("probes.pcap"), err = dir.resolve("tcpdump.err");
        Process tcpdump = rig.startInMon(dir, List.of("timeout", "30", "tcpdump", "-n", "-i", NetnsRig.MON_IF,
                "-Z", "root", "--immediate-mode", "-U", "-c", Integer.toString(packets), "-w", capture.toString(), "tcp"),
                dir.resolve("tcpdump.out"), err);
        Eventually.until(Duration.ofSeconds(10), () -> read(err).contains("listening on") || !tcpdump.isAlive(), "tcpdump's capture open");
        List<String> cmd = new ArrayList<>(List.of("hping3", "-q"));
        cmd.addAll(List.of(hping3));
        rig.runInPeer(20, cmd.toArray(String[]::new));
        assertTrue(tcpdump.waitFor(30, TimeUnit.SECONDS) && tcpdump.exitValue() == 0, "tcpdump: " + read(err));
        assertTrue(read(err).contains(packets + " packets captured"), read(err));
        return capture;
    }

    /**
     * softflowd, in the monitor namespace, exports the flows of a capture file as NetFlow v9 and exits.
     * Without a control socket ({@code -c none}): with one, softflowd 1.1.0 reading a file may call accept()
     * on it (its poll results are uninitialised in that mode) and wait there forever.
     */
    private void exportWithSoftflowd(Path capture, String collector) throws Exception {
        Process p = rig.startInMon(dir, List.of("timeout", "20", "softflowd", "-d", "-r", capture.toString(), "-n", collector,
                "-v", "9", "-p", dir.resolve("softflowd.pid").toString(), "-c", "none"),
                dir.resolve("softflowd.out"), dir.resolve("softflowd.err"));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "softflowd: " + read(dir.resolve("softflowd.err")));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void stop(Process detector) throws InterruptedException {
        detector.destroy();
        assertTrue(detector.waitFor(30, TimeUnit.SECONDS), "the detector stops on SIGTERM");
    }

    /** The address after an IPv4 address (the link's other end). */
    private static String next(String address) {
        int dot = address.lastIndexOf('.');
        return address.substring(0, dot + 1) + (Integer.parseInt(address.substring(dot + 1)) + 1);
    }
}
