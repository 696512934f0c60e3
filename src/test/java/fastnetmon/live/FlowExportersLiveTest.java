package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real exporters watching the rig's monitored link export to the detector on the monitor namespace's
 * loopback, with no mirror capture at all: softflowd (NetFlow v9, 1 s timeouts) and pmacctd's sfprobe
 * (sFlow, sampling 1:100). A bounded random-source SYN flood crosses the link; the flood must be banned
 * with the right host, direction and attack type, and what the detector counted must match what the
 * interface received (exactly up to the exporter's own losses with sampling 1, within the statistical
 * error with 1:100).
 */
class FlowExportersLiveTest {
    private static final String VICTIM = "10.10.0.5";
    private static final int FLOOD_SECONDS = 4;

    @TempDir
    Path dir;
    private NetnsRig rig;
    private Process detector;
    private Process exporter;
    private Path calls;
    private Path output;

    @BeforeEach
    void setUp() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "curl", "timeout", "softflowd", "pmacctd");
        rig = NetnsRig.create();
        calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$(date +%s%3N) $1 $2 $3 $4");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : new Process[]{exporter, detector}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        if (rig != null) {
            rig.close();
        }
    }

    /** The detector in the monitor namespace with only the flow collectors (no interface). */
    private void startDetector() throws IOException, InterruptedException {
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"),
                "threshold_pps = 10000",
                "ban_details_records_count = 20",
                "ban_time = 3600",
                "sflow = on", "sflow_host = 127.0.0.1", "sflow_port = 6343",
                "netflow = on", "netflow_host = 127.0.0.1", "netflow_port = 2055",
                "prometheus = on", "prometheus_port = 9209");
        output = dir.resolve("output.txt");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", rig.mon));
        cmd.addAll(DetectorFiles.command(List.of(), "--configuration_file", conf.toString(), "--log_to_console"));
        detector = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.exists(output) ? Files.readString(output) : "";
            if (out.contains("collecting flows: netflow")) {
                return;
            }
            if (!detector.isAlive()) {
                fail("detector exited " + detector.exitValue() + ": " + out);
            }
            Thread.sleep(100);
        }
        fail("detector did not start its collectors: " + Files.readString(output));
    }

    private void startExporter(List<String> cmd) throws IOException, InterruptedException {
        exporter = rig.startInMon(dir, cmd, dir.resolve("exporter.out"), dir.resolve("exporter.err"));
        Thread.sleep(1500); // the exporter opens its capture
        assertTrue(exporter.isAlive(), "exporter exited: " + Files.readString(dir.resolve("exporter.err")));
    }

    private double metric(String name, String labels) {
        String text = rig.inMon("curl", "-s", "http://127.0.0.1:9209/metrics");
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{" + labels + "\\}") + " (\\S+)$").matcher(text);
        if (!m.find()) {
            fail("no " + name + "{" + labels + "} in metrics:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    private double incomingCounted() {
        return metric("fastnetmon_traffic_packets_total", "direction=\"incoming\",protocol_version=\"ipv4\"");
    }

    /**
     * What one flood did: packets mon0 received, when it started, the packets mon0 received in each second
     * and the detector's incoming rate read once a second after its evaluation.
     */
    private record Flood(long received, long startMillis, List<Long> realPerSecond, List<Double> reportedPerSecond) {
        long realPeak() {
            return realPerSecond.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        double reportedPeak() {
            return reportedPerSecond.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        /** The most packets in two consecutive seconds, as the interface received them. */
        long realPeakOfTwo() {
            long best = 0;
            for (int i = 0; i + 1 < realPerSecond.size(); i++) {
                best = Math.max(best, realPerSecond.get(i) + realPerSecond.get(i + 1));
            }
            return best;
        }

        /** The same as the detector reported them. */
        double reportedPeakOfTwo() {
            double best = 0;
            for (int i = 0; i + 1 < reportedPerSecond.size(); i++) {
                best = Math.max(best, reportedPerSecond.get(i) + reportedPerSecond.get(i + 1));
            }
            return best;
        }

        @Override
        public String toString() {
            return "interface " + realPerSecond + ", detector " + reportedPerSecond;
        }
    }

    /** Floods for FLOOD_SECONDS from the peer side while reading mon0's counter and the detector's rate each second. */
    private Flood flood() throws Exception {
        long rx0 = rig.rxPackets();
        long start = System.currentTimeMillis();
        Thread sender = new Thread(() -> {
            try {
                rig.runInPeer(FLOOD_SECONDS, "hping3", "--flood", "--rand-source", "-S", "-p", "80", VICTIM);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        sender.start();
        List<Long> real = new ArrayList<>();
        List<Double> reported = new ArrayList<>();
        long rxBefore = rx0;
        // the rates of the flood's seconds appear up to the export lag (at most 3 s) later
        while (System.currentTimeMillis() - start < (FLOOD_SECONDS + 4) * 1000L) {
            Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 300);
            long rx = rig.rxPackets();
            real.add(rx - rxBefore);
            rxBefore = rx;
            reported.add(metric("fastnetmon_total_traffic_packets", "traffic_direction=\"incoming\",protocol_version=\"ipv4\""));
        }
        sender.join();
        return new Flood(rig.rxPackets() - rx0, start, real, reported);
    }

    private String[] awaitBan() throws Exception {
        List<String> lines = DetectorFiles.awaitScriptCall(calls, " attack_details", 10_000);
        assertTrue(lines.size() >= 2, "expected ban and attack_details, got " + lines + "\n" + Files.readString(output));
        String[] ban = lines.get(0).split(" ");
        assertEquals(List.of(VICTIM, "incoming", "ban"), List.of(ban[1], ban[2], ban[4]), lines.toString());
        assertTrue(Long.parseLong(ban[3]) > 10000, "pps above the threshold: " + lines);
        String bans = rig.inMon("curl", "-s", "http://127.0.0.1:10007/api/bans");
        assertTrue(bans.contains("\"ip\":\"" + VICTIM + "\"") && bans.contains("\"attack_type\":\"syn_flood\""), bans);
        return ban;
    }

    @Test
    void netflowV9FromSoftflowdBansTheFloodAndCountsWhatTheInterfaceReceived() throws Exception {
        startDetector();
        startExporter(List.of("softflowd", "-d", "-i", NetnsRig.MON_IF, "-n", "127.0.0.1:2055", "-v", "9",
                "-t", "maxlife=1", "-t", "expint=1", "-t", "general=1"));
        double before = incomingCounted();
        Flood f = flood();
        String[] ban = awaitBan();
        // how fast is bench/flow-bench's to measure (a timed assertion fails on a loaded machine): here, the flood's ban
        assertTrue(Long.parseLong(ban[0]) >= f.startMillis(), "the ban came after the flood started");
        Thread.sleep(3000); // the last records: softflowd's 1 s timeouts, then the export lag
        double counted = incomingCounted() - before;
        // sampling 1: every packet is in a record, up to what softflowd's own libpcap capture missed (a few
        // percent when the machine is loaded; never more than the interface received)
        assertTrue(counted <= 1.01 * f.received() && counted >= 0.95 * f.received(), "counted " + counted + " of " + f.received());
        // records spread over the seconds they cover: the busiest two seconds are the interface's busiest
        // two, neither a spike of several seconds nor a fraction of them. Two, not one: records arriving
        // after the export lag (estimated from the records so far, so short at a flood's start) are counted
        // from the next second on (issue 8 keeps this open).
        assertTrue(Math.abs(f.reportedPeakOfTwo() - f.realPeakOfTwo()) <= 0.15 * f.realPeakOfTwo(), f.toString());
        assertEquals(0, metric("fastnetmon_flow_exporter_decode_errors_total", "exporter=\"127.0.0.1\""));
    }

    @Test
    void sflowFromPmacctdSampledOneInAHundredBansTheFloodWithinTheStatisticalError() throws Exception {
        startDetector();
        Path pm = dir.resolve("pmacctd.conf");
        Files.writeString(pm, String.join("\n", "daemonize: false", "pcap_interface: " + NetnsRig.MON_IF,
                "plugins: sfprobe", "sfprobe_receiver: 127.0.0.1:6343", "sampling_rate: 100", ""));
        startExporter(List.of("pmacctd", "-f", pm.toString()));
        double before = incomingCounted();
        Flood f = flood();
        String[] ban = awaitBan();
        assertTrue(Long.parseLong(ban[0]) >= f.startMillis(), "the ban came after the flood started");
        Thread.sleep(1500);
        double counted = incomingCounted() - before;
        double samples = metric("fastnetmon_sflow_raw_packet_headers_total", "");
        // each sample stands for 100 packets: the count is off by about 100 * sqrt(samples); allow 4 sigma
        double sigma = 100 * Math.sqrt(Math.max(1, counted / 100));
        assertTrue(Math.abs(counted - f.received()) <= 4 * sigma + 0.01 * f.received(),
                "counted " + counted + " of " + f.received() + " (" + samples + " samples)");
        double perSecondSigma = 100 * Math.sqrt(f.realPeak() / 100.0);
        assertTrue(Math.abs(f.reportedPeak() - f.realPeak()) <= 4 * perSecondSigma + 0.05 * f.realPeak(), f.toString());
    }
}
