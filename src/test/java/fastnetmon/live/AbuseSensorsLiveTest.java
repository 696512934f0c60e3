package fastnetmon.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.NetnsRig;
import fastnetmon.testing.RabbitMq;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse sensors on live capture: a host of ours (the peer's address is in the networks list) sweeps
 * 200 ports of an outside host with SYN probes across the monitored link; the portscan sensor reports it
 * once, with the host as offender and the capture interface as observer: in the log, the API, the metrics
 * and the notify script, and, published with confirms, on a real RabbitMQ's queue.
 */
class AbuseSensorsLiveTest {
    private static final String SCANNER = "198.51.100.2";
    private static final String TARGET = "192.0.2.50";

    @TempDir
    Path dir;

    @Test
    void aPortScanFromOneOfOurHostsIsOneThreatWithItsOffenderAndObserverInTheApiAndOnAmqp() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "curl");
        try (NetnsRig rig = NetnsRig.create()) {
            String host = rig.linkToHost(); // the detector, in the monitor namespace, reaches the broker there
            try (RabbitMq broker = RabbitMq.startAlsoOn(host)) {
                broker.declareQueue("threats");
                DetectorFiles.recordingScript(dir, dir.resolve("calls.log"), "$1 $2 $3 $4 $5");
                Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16", "198.51.100.0/24"), "grpc_api = off",
                        "af_packet_threads = 1", "sensor_portscan = on", "amqp_enabled = on",
                        "amqp_uri = amqp://guest:guest@" + host + ":" + broker.port + "/%2f", "amqp_routing_key = threats",
                        "sensor_notify_script = on");
                scanAndCheck(rig, conf);
                Eventually.until(Duration.ofSeconds(20), () -> depth(broker) >= 1, "the threat on the queue");
                List<GetResponse> messages = broker.drain("threats");
                assertEquals(1, messages.size());
                JsonNode t = new ObjectMapper().readTree(messages.get(0).getBody());
                assertEquals(List.of("portscan", SCANNER, NetnsRig.MON_IF), List.of(t.path("type").asText(),
                        t.path("offender").asText(), t.path("observer").asText()), t.toString());
            }
        }
        assertEquals(List.of(SCANNER + " outgoing 0 threat portscan"), Files.readAllLines(dir.resolve("calls.log")),
                "the notify script, once, with the threat's action word");
        String log = Files.readString(dir.resolve("fastnetmon.log"));
        assertTrue(log.contains("abuse sensors on: portscan"), log);
        assertEquals(1, log.lines().filter(l -> l.contains("threat portscan from " + SCANNER + " seen by " + NetnsRig.MON_IF)).count(), log);
    }

    private static long depth(RabbitMq broker) {
        try {
            return broker.depth("threats");
        } catch (Exception e) {
            return -1;
        }
    }

    /** Starts the detector, scans from the peer, and checks the one threat in the API and the metrics. */
    private void scanAndCheck(NetnsRig rig, Path conf) throws Exception {
        Process detector = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf),
                Files.createTempFile(dir, "output", ".txt"));
        try {
            // SYN probes to ports 1, 2, 3, ... of one host, from the peer's own address, 2 ms apart
            rig.runInPeer(20, "hping3", "-q", "-S", "-p", "++1", "-c", "200", "-i", "u2000", TARGET);
            JsonNode[] threats = {null};
            Eventually.until(Duration.ofSeconds(20), () -> (threats[0] = threats(rig)).size() > 0, "a threat in the API");
            Thread.sleep(1000); // the rest of the scan must not make a second one (the cool-down)
            JsonNode all = threats(rig);
            assertEquals(1, all.size(), all.toString());
            JsonNode t = all.get(0);
            assertEquals("portscan", t.path("type").asText());
            assertEquals(SCANNER, t.path("offender").asText());
            assertEquals(NetnsRig.MON_IF, t.path("observer").asText());
            assertEquals(List.of(TARGET), List.of(t.path("details").path("attacked_hosts").get(0).asText()));
            assertTrue(t.path("details").path("counts").path("flows").asLong() > 100, t.toString());
            String metrics = rig.inMon("curl", "-s", "http://127.0.0.1:9209/metrics");
            assertTrue(metrics.contains("fastnetmon_sensor_threats_total{sensor=\"portscan\"} 1\n"), metrics);
        } finally {
            detector.destroy();
            assertTrue(detector.waitFor(30, TimeUnit.SECONDS), "the detector stops on SIGTERM");
        }
    }

    private static JsonNode threats(NetnsRig rig) {
        try {
            return new ObjectMapper().readTree(rig.inMon("curl", "-s", "http://127.0.0.1:10007/api/threats")).path("threats");
        } catch (Exception e) {
            return new ObjectMapper().createArrayNode();
        }
    }
}
