package fastnetmon.live;

import fastnetmon.testing.Bird;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.ExaBgp;
import fastnetmon.testing.MitigationLatency;
import fastnetmon.testing.NetnsRig;
import fastnetmon.testing.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mitigation end to end: the detector captures in a network namespace, bans, and a real ExaBGP (fed through
 * its command pipe) puts the ban into a real BIRD's tables; the kernel's ipset in the detector's namespace
 * gets the host. The unban, on time or by hand, and across a restart, takes them out.
 */
class ExaBgpMitigationLiveTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String VICTIM = "10.10.0.5";

    @TempDir
    static Path servers;
    @TempDir
    Path dir;

    private static Bird bird;
    private static ExaBgp exabgp;

    @BeforeAll
    static void startRouters() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "curl", "ipset", "bird", "exabgp", "socat");
        int birdPort = Ports.free();
        bird = Bird.start(servers.resolve("bird"), Bird.peer("fnm", birdPort, 65001, Ports.free(), 65000));
        exabgp = ExaBgp.start(servers.resolve("exabgp"), bird, "fnm", birdPort);
    }

    @AfterAll
    static void stopRouters() {
        if (exabgp != null) {
            exabgp.close();
        }
        if (bird != null) {
            bird.close();
        }
    }

    private Path config(String... lines) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("threshold_pps = 10000", "ban_details_records_count = 10",
                "unban_only_if_attack_finished = off", "prometheus = off", "grpc_api = off", "af_packet_threads = 1",
                "exabgp = on", "exabgp_command_pipe = " + exabgp.pipe(), "exabgp_next_hop = 10.0.3.114",
                "exabgp_community = [65001:666 65001:777]"));
        all.addAll(List.of(lines));
        return DetectorFiles.config(dir, List.of("10.10.0.0/16", "2001:db8:10::/48"), all.toArray(String[]::new));
    }

    private Process start(NetnsRig rig, Path conf) throws Exception {
        return DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf), Files.createTempFile(dir, "output", ".txt"));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "detector did not stop on SIGTERM");
    }

    @Test
    void anNtpAmplificationGetsAFlowSpecRuleAndTheHostAnIpsetMemberUntilTheUnban() throws Exception {
        Path calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$1 $2 $3 $4");
        Path conf = config("ban_time = 10", "exabgp_flowspec = on", "ipset = on", "ipset_name = fnm_test");
        String rule = "flow4 { dst " + VICTIM + "/32; proto 17; dport 27015; sport 123; }";
        try (NetnsRig rig = NetnsRig.create()) {
            Process detector = start(rig, conf);
            try {
                // NTP's responses: UDP from port 123, one destination port, 468 bytes each
                rig.runInPeer(2, "hping3", "--flood", "--rand-source", "--udp", "-s", "123", "-k", "-p", "27015",
                        "-d", "440", VICTIM);
                String block = awaitBlock("flowtab4", rule);
                MitigationLatency.record("exabgp flowspec (ntp amplification)", dir.resolve("fastnetmon.log"),
                        "] ban " + VICTIM + " incoming", block);
                assertTrue(block.contains("(generic, 0x80060000, 0x0)"), "traffic-rate 0: discard\n" + block);
                assertNull(Bird.block(bird.routes("master4"), VICTIM + "/32"), "a narrow rule: no blackhole");
                assertTrue(rig.inMon("ipset", "list", "fnm_test").contains(VICTIM + " timeout "), "the host is in the ipset");

                DetectorFiles.awaitScriptCall(calls, " unban", 30_000);
                bird.awaitGone("flowtab4", rule, WAIT);
                Eventually.until(WAIT, () -> !rig.inMon("ipset", "list", "fnm_test").contains(VICTIM + " "), "the member removed");
            } finally {
                stop(detector);
            }
        }
        String log = Files.readString(dir.resolve("fastnetmon.log"));
        assertTrue(log.contains("exabgp: announced flowspec destination " + VICTIM + "/32 protocol 17 source-port 123"
                + " destination-port 27015 discard for the ban of " + VICTIM + " (incoming)"), log);
    }

    @Test
    void aManualBanIsBlackholedForIpv4AndIpv6AndTheManualUnbanWithdrawsIt() throws Exception {
        Path conf = config("ban_time = 3600", "exabgp_next_hop_ipv6 = 2001:db8::114");
        try (NetnsRig rig = NetnsRig.create()) {
            Process detector = start(rig, conf);
            try {
                api(rig, "ban", "10.10.0.7");
                api(rig, "ban", "2001:db8:10::7");
                String v4 = awaitBlock("master4", "10.10.0.7/32");
                MitigationLatency.record("exabgp blackhole (ban by hand)", dir.resolve("fastnetmon.log"), "manual ban of 10.10.0.7", v4);
                assertTrue(v4.contains("BGP.next_hop: 10.0.3.114") && v4.contains("BGP.community: (65001,666) (65001,777)"), v4);
                String v6 = awaitBlock("master6", "2001:db8:10::7/128");
                assertTrue(v6.contains("BGP.next_hop: 2001:db8::114") && v6.contains("BGP.community: (65001,666) (65001,777)"), v6);

                api(rig, "unban", "10.10.0.7");
                api(rig, "unban", "2001:db8:10::7");
                bird.awaitGone("master4", "10.10.0.7/32", WAIT);
                bird.awaitGone("master6", "2001:db8:10::7/128", WAIT);
            } finally {
                stop(detector);
            }
        }
    }

    @Test
    void aRestartDuringABanLeavesTheRouteAndWithdrawsItOnTimeOnce() throws Exception {
        Path conf = config("ban_time = 12");
        try (NetnsRig rig = NetnsRig.create()) {
            Process first = start(rig, conf);
            api(rig, "ban", "10.10.0.8");
            awaitBlock("master4", "10.10.0.8/32");
            stop(first);
            assertTrue(Bird.block(bird.routes("master4"), "10.10.0.8/32") != null, "a stop leaves the ban's route in place");
            assertTrue(Files.readString(dir.resolve("bans.exabgp.json")).contains("\"ip\" : \"10.10.0.8\""));

            Process second = start(rig, conf);
            try {
                bird.awaitGone("master4", "10.10.0.8/32", WAIT);
            } finally {
                stop(second);
            }
        }
        String log = Files.readString(dir.resolve("fastnetmon.log"));
        assertEquals(1, log.lines().filter(l -> l.contains("exabgp: withdrew 10.10.0.8/32")).count(), log);
        assertTrue(Files.readString(dir.resolve("bans.exabgp.json")).contains("\"bans\" : [ ]"));
    }

    private static void api(NetnsRig rig, String verb, String ip) {
        String reply = rig.inMon("curl", "-s", "-X", "POST", "http://127.0.0.1:10007/api/" + verb + "/" + ip);
        assertTrue(reply.contains("\"ok\"") || reply.contains(ip), verb + " " + ip + ": " + reply);
    }

    private static String awaitBlock(String table, String head) throws InterruptedException {
        return bird.await(table, head, WAIT);
    }

    private static String routes(String table) {
        return bird.routesNow(table);
    }
}
