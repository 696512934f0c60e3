package fastnetmon.live;

import fastnetmon.testing.Bird;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.GoBgpd;
import fastnetmon.testing.MitigationLatency;
import fastnetmon.testing.NetnsRig;
import fastnetmon.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mitigation through gobgpd end to end, with the daemon failing under it: the live detector (a flow
 * collector on loopback, bans by hand through its API) announces through a real gobgpd's gRPC API, which
 * peers with a real BIRD. gobgpd down at the ban: the announce fails, is counted and retried, and reaches
 * BIRD when gobgpd is back; gobgpd restarted (it keeps nothing): the resync announces again; the unban
 * withdraws, for IPv4 and IPv6.
 */
@Timeout(240)
class GoBgpMitigationLiveTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void bansReachTheRouterWhenGobgpdComesBackAndAfterItRestartsAndUnbansTakeThemOut() throws Exception {
        int birdPort = Ports.free(), bgpPort = Ports.free(), grpcPort = Ports.free(), apiPort = Ports.free();
        int metricsPort = Ports.free(), sflowPort = Ports.free();
        try (Bird bird = Bird.start(dir.resolve("bird"), Bird.peer("fnm", birdPort, 65001, bgpPort, 65000));
             GoBgpd gobgpd = GoBgpd.start(dir.resolve("gobgpd"), grpcPort, bgpPort, birdPort)) {
            gobgpd.stop(); // down when the bans come
            Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16", "2001:db8:10::/48"),
                    "mirror_afpacket = off", "sflow = on", "sflow_host = 127.0.0.1", "sflow_port = " + sflowPort, "api_port = " + apiPort,
                    "grpc_api = off", "prometheus = on", "prometheus_port = " + metricsPort, "ban_time = 3600",
                    "gobgp = on", "gobgp_api_port = " + grpcPort, "gobgp_next_hop = 10.0.3.114",
                    "gobgp_community_host = 65001:666", "gobgp_announce_host_ipv6 = on",
                    "gobgp_next_hop_ipv6 = 2001:db8::114", "gobgp_community_host_ipv6 = 65001:667",
                    "mitigation_resync_interval = 5");
            Process detector = start(conf);
            try {
                post(apiPort, "ban/10.10.0.20?direction=incoming");
                post(apiPort, "ban/2001:db8:10::20?direction=incoming");
                Eventually.until(WAIT, () -> metric(metricsPort, "announce", "failed") >= 1, "a failed announce counted");

                gobgpd.start();
                String v4 = awaitBlock(bird, "master4", "10.10.0.20/32");
                assertTrue(v4.contains("BGP.next_hop: 10.0.3.114") && v4.contains("BGP.community: (65001,666)"), v4);
                String v6 = awaitBlock(bird, "master6", "2001:db8:10::20/128");
                assertTrue(v6.contains("BGP.next_hop: 2001:db8::114") && v6.contains("BGP.community: (65001,667)"), v6);

                gobgpd.stop();
                bird.awaitGone("master4", "10.10.0.20/32", WAIT); // BIRD drops gobgpd's routes when the session goes down
                gobgpd.start(); // with nothing: gobgpd keeps no paths across a restart
                awaitBlock(bird, "master4", "10.10.0.20/32");
                awaitBlock(bird, "master6", "2001:db8:10::20/128");

                post(apiPort, "unban/10.10.0.20");
                post(apiPort, "unban/2001:db8:10::20");
                bird.awaitGone("master4", "10.10.0.20/32", WAIT);
                bird.awaitGone("master6", "2001:db8:10::20/128", WAIT);
                assertEquals(2, metric(metricsPort, "withdraw", "succeeded"));
                assertEquals(0, metric(metricsPort, "withdraw", "failed"));
            } finally {
                detector.destroy();
                assertTrue(detector.waitFor(30, TimeUnit.SECONDS), "the detector stops on SIGTERM");
            }
        }
        String log = Files.readString(dir.resolve("fastnetmon.log"));
        assertTrue(log.contains("gobgp: announce 10.10.0.20/32 next-hop 10.0.3.114 community 65001:666: gobgpd at 127.0.0.1:"
                + grpcPort), log);
        assertTrue(Files.readString(dir.resolve("bans.gobgp.json")).contains("\"bans\" : [ ]"));
    }

    @Test
    void aSynFloodGetsAFlowSpecRuleFromItsFingerprintThroughGobgpdUntilItsUnban() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "gobgpd", "bird");
        Path calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$1 $2 $3 $4");
        int birdPort = Ports.free(), bgpPort = Ports.free(), grpcPort = Ports.free();
        String rule = "flow4 { dst 10.10.0.5/32; proto 6; dport 80; tcp flags 0x2/0x2; }";
        try (NetnsRig rig = NetnsRig.create()) {
            String host = rig.linkToHost(); // the detector, in the monitor namespace, reaches gobgpd's API there
            try (Bird bird = Bird.start(dir.resolve("bird"), Bird.peer("fnm", birdPort, 65001, bgpPort, 65000));
                 GoBgpd gobgpd = GoBgpd.start(dir.resolve("gobgpd"), host, grpcPort, bgpPort, birdPort)) {
                Eventually.until(WAIT, () -> bird.isEstablished("fnm"), "gobgpd's session with BIRD");
                Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "threshold_pps = 10000",
                        "ban_details_records_count = 10", "ban_time = 10", "unban_only_if_attack_finished = off",
                        "prometheus = off", "api = off", "grpc_api = off", "af_packet_threads = 1",
                        "gobgp = on", "gobgp_api_host = " + host, "gobgp_api_port = " + grpcPort, "gobgp_flowspec = on");
                Process detector = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf),
                        Files.createTempFile(dir, "output", ".txt"));
                try {
                    rig.runInPeer(2, "hping3", "--flood", "--rand-source", "-S", "-p", "80", "10.10.0.5");
                    String b = awaitBlock(bird, "flowtab4", rule);
                    assertTrue(b.contains("(generic, 0x80060000, 0x0)"), "discard\n" + b);
                    MitigationLatency.record("gobgp flowspec (syn flood)", dir.resolve("fastnetmon.log"), "] ban 10.10.0.5 incoming", b);
                    assertEquals(null, Bird.block(bird.routesNow("master4"), "10.10.0.5/32"), "a narrow rule: no blackhole");
                    DetectorFiles.awaitScriptCall(calls, " unban", 30_000);
                    bird.awaitGone("flowtab4", rule, WAIT);
                } finally {
                    detector.destroy();
                    assertTrue(detector.waitFor(30, TimeUnit.SECONDS), "the detector stops on SIGTERM");
                }
            }
        }
        assertTrue(Files.readString(dir.resolve("fastnetmon.log")).contains("gobgp: announced flowspec destination 10.10.0.5/32"
                + " protocol 6 destination-port 80 tcp-flags syn discard for the ban of 10.10.0.5 (incoming)"));
    }

    private Process start(Path conf) throws Exception {
        Path output = dir.resolve("output.txt");
        Process p = new ProcessBuilder(DetectorFiles.command(List.of(), "--configuration_file", conf.toString(),
                "--disable_pid_logic")).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.currentTimeMillis() + 60_000;
        Path log = dir.resolve("fastnetmon.log");
        while (!Files.exists(log) || !Files.readString(log).contains("collecting flows: sflow")) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                p.destroyForcibly();
                fail("the detector did not start: " + Files.readString(output));
            }
            Thread.sleep(100);
        }
        return p;
    }

    private static void post(int apiPort, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + apiPort + "/api/" + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
    }

    /** fastnetmon_mitigation_calls_total{action="gobgp",operation,result}, or -1 when not served. */
    private static long metric(int port, String operation, String result) {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^fastnetmon_mitigation_calls_total\\{action=\"gobgp\",operation=\"" + operation
                    + "\",result=\"" + result + "\"} (\\d+)").matcher(body);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String awaitBlock(Bird bird, String table, String head) throws InterruptedException {
        return bird.await(table, head, WAIT);
    }
}
