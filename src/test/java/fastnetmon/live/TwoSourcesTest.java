package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two sources counting at once into one detector: AF_PACKET on mon0 (the command line's interface)
 * and libpcap on mon1 ({@code pcap_interfaces}), each link between the rig's two namespaces, with
 * bounded hping3 sends over each. Every count is exact: per source, per host, and in total.
 */
class TwoSourcesTest {
    private static final int OVER_MON0 = 700, OVER_MON1 = 450;

    @TempDir
    Path dir;
    private NetnsRig rig;
    private Process detector;

    @BeforeEach
    void setUp() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "curl", "timeout");
        rig = NetnsRig.create();
        rig.addSecondLink("10.20.0.0/16");
        DetectorFiles.recordingScript(dir, dir.resolve("calls.log"), "$1 $2 $3 $4");
    }

    @AfterEach
    void tearDown() throws Exception {
        NetnsRig.kill(detector);
        if (rig != null) {
            rig.close();
        }
    }

    private String metrics() {
        return rig.inMon("curl", "-s", "http://127.0.0.1:9209/metrics");
    }

    private static long metric(String text, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{" + labels + "\\}") + " (\\S+)$").matcher(text);
        if (!m.find()) {
            fail("no " + name + "{" + labels + "} in metrics:\n" + text);
        }
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void afPacketAndLibpcapCountAtOnceIntoOneDetector() throws Exception {
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16", "10.20.0.0/16"),
                "threshold_pps = 100000",
                "mirror_afpacket = on",
                "af_packet_threads = 2",
                "pcap_interfaces = " + NetnsRig.MON_IF2,
                "prometheus = on",
                "prometheus_port = 9209");
        Path output = dir.resolve("output.txt");
        detector = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf), output);
        String started = Files.readString(output);
        assertTrue(started.contains("capturing on mon0 with AF_PACKET; mon1 with libpcap (3 capture threads)"), started);
        long rx0 = rig.rxPackets(NetnsRig.MON_IF), rx1 = rig.rxPackets(NetnsRig.MON_IF2);

        // Both at once, each bounded in count and time.
        Thread other = new Thread(() -> {
            try {
                rig.runInPeer(20, "hping3", "-q", "-c", Integer.toString(OVER_MON1), "-i", "u1000", "--udp", "-p", "53", "10.20.0.9");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        other.start();
        rig.runInPeer(20, "hping3", "-q", "-c", Integer.toString(OVER_MON0), "-i", "u700", "-S", "-p", "80", "10.10.0.8");
        other.join(30_000);
        assertEquals(OVER_MON0, rig.rxPackets(NetnsRig.MON_IF) - rx0, "the rig sent other packets over mon0");
        assertEquals(OVER_MON1, rig.rxPackets(NetnsRig.MON_IF2) - rx1, "the rig sent other packets over mon1");

        // Counts are read at the evaluator's next tick (and capture statistics once a second).
        long deadline = System.currentTimeMillis() + 15_000;
        String m = metrics();
        while (System.currentTimeMillis() < deadline
                && metric(m, "fastnetmon_traffic_packets_total", "direction=\"incoming\",protocol_version=\"ipv4\"") < OVER_MON0 + OVER_MON1) {
            Thread.sleep(200);
            m = metrics();
        }
        Thread.sleep(1500);
        m = metrics();
        assertEquals(OVER_MON0, metric(m, "fastnetmon_capture_packets_received_total", "interface=\"mon0\""), m);
        assertEquals(OVER_MON1, metric(m, "fastnetmon_capture_packets_received_total", "interface=\"mon1\""), m);
        assertEquals(0, metric(m, "fastnetmon_capture_packets_dropped_total", "interface=\"mon0\""), m);
        assertEquals(0, metric(m, "fastnetmon_capture_packets_dropped_total", "interface=\"mon1\""), m);
        assertEquals(OVER_MON0 + OVER_MON1, metric(m, "fastnetmon_traffic_packets_total", "direction=\"incoming\",protocol_version=\"ipv4\""), m);
        assertEquals(0, metric(m, "fastnetmon_traffic_packets_total", "direction=\"outgoing\",protocol_version=\"ipv4\""), m);

        // Per host, through the API: each host's packets came over its own link and engine.
        String hosts = rig.inMon("curl", "-s", "http://127.0.0.1:10007/api/traffic");
        assertTrue(hosts.contains("10.10.0.8") && hosts.contains("10.20.0.9"), hosts);

        detector.destroy(); // SIGTERM
        assertTrue(detector.waitFor(30, TimeUnit.SECONDS), "detector did not stop on SIGTERM");
        String log = Files.readString(output);
        assertTrue(log.contains("stopped") && !log.contains("did not stop"), log);
    }
}
