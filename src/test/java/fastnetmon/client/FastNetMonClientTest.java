package fastnetmon.client;

import fastnetmon.api.ApiRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static fastnetmon.counters.TestPackets.sized;
import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's script commands against a real API server, in-process and as a separate JVM. */
class FastNetMonClientTest {
    @TempDir
    Path dir;
    ApiRig rig;
    String port;

    @BeforeEach
    void start() throws Exception {
        rig = new ApiRig(dir);
        port = Integer.toString(rig.port());
        for (int p = 1000; p < 1003; p++) {
            rig.send(1000, udp("198.51.100.7", p, "10.10.0.5", 53));
        }
        rig.send(500, sized(syn("198.51.100.7", 2000, "10.10.0.6", 80), 1000));
        rig.send(400, udp("10.10.0.7", 5000, "203.0.113.9", 53));
        rig.tick();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    record Run(int status, String out, String err) {
    }

    static Run client(Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = FastNetMonClient.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock, args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run client(String... args) {
        return client(Clock.systemUTC(), args);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void banBansUnbanUnbans() throws Exception {
        assertEquals(new Run(0, "", ""), client("bans", "--port", port));

        assertEquals(new Run(0, "banned 10.10.0.5\n", ""), client("ban", "10.10.0.5", "--port", port));
        // Connection options before the command work too.
        assertEquals(new Run(0, "banned 10.10.0.7\n", ""), client("--port", port, "ban", "--direction", "outgoing", "10.10.0.7"));

        List<ApiClient.Ban> bans = new ApiClient("127.0.0.1", rig.port()).bans();
        assertEquals(List.of("10.10.0.5", "10.10.0.7"), bans.stream().map(ApiClient.Ban::ip).toList());
        long at5 = bans.get(0).bannedAt(), at7 = bans.get(1).bannedAt();
        Clock later = Clock.fixed(Instant.ofEpochSecond(at5 + 72), ZoneOffset.UTC);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        Run list = client(later, "bans", "--port", port);
        assertEquals(0, list.status(), list.err());
        // no direction given: "other", as FastNetMon reports a ban by hand, with no rates of its own
        assertEquals("10.10.0.5 other unknown 0 pps banned " + f.format(Instant.ofEpochSecond(at5)) + " (00:01:12 ago)\n"
                + "10.10.0.7 outgoing udp_flood 400 pps banned " + f.format(Instant.ofEpochSecond(at7))
                + String.format(" (00:%02d:%02d ago)\n", (at5 + 72 - at7) / 60, (at5 + 72 - at7) % 60), list.out());

        assertEquals(new Run(1, "", "fastnetmon_client: 10.10.0.5 is banned already\n"), client("ban", "10.10.0.5", "--port", port));

        assertEquals(new Run(0, "unbanned 10.10.0.5\n", ""), client("unban", "10.10.0.5", "--port", port));
        assertEquals(new Run(1, "", "fastnetmon_client: 10.10.0.5 is not banned\n"), client("unban", "10.10.0.5", "--port", port));
        assertEquals(List.of("10.10.0.7"), new ApiClient("127.0.0.1", rig.port()).bans().stream().map(ApiClient.Ban::ip).toList());

        List<String> actions = new ArrayList<>();
        for (String call : rig.scriptCalls()) {
            String[] w = call.split(" ");
            actions.add(w[0] + " " + w[1] + " " + w[2]);
        }
        // Script calls for one IP are in order; the two IPs' calls may interleave.
        assertEquals(List.of("ban 10.10.0.5 other", "attack_details 10.10.0.5 other", "unban 10.10.0.5 other"),
                actions.stream().filter(a -> a.contains("10.10.0.5")).toList());
        assertEquals(List.of("ban 10.10.0.7 outgoing"), actions.stream().filter(a -> a.contains("10.10.0.7")).toList());
    }

    @Test
    void banOfAWhitelistedHostNeedsForce() throws Exception {
        try (fastnetmon.api.ApiServer wl = fastnetmon.api.ApiServer.start("127.0.0.1", 0, rig.access,
                new fastnetmon.api.ApiInfo("x", "packets", 7),
                fastnetmon.networks.PrefixMatcher.of(List.of(fastnetmon.networks.Cidr.parse("10.10.0.0/24"))),
                fastnetmon.config.HttpLimits.defaults())) {
            String p = Integer.toString(wl.port());
            assertEquals(new Run(1, "", "fastnetmon_client: 10.10.0.5 is in the whitelist (white_list_path), which is never banned; "
                    + "ask with force=1 (fastnetmon_client ban 10.10.0.5 --force) to ban it all the same\n"), client("ban", "10.10.0.5", "--port", p));
            assertEquals(List.of(), rig.scriptCalls());
            assertEquals(new Run(0, "banned 10.10.0.5\n", ""), client("ban", "10.10.0.5", "--force", "--port", p));
            assertTrue(rig.scriptCalls().get(0).startsWith("ban 10.10.0.5 other "), rig.scriptCalls().toString());
        }
    }

    @Test
    void serverRefusalsAreOneLineAndExitOne() {
        assertEquals(new Run(1, "", "fastnetmon_client: '10.0.0.300' is not an IP address\n"), client("ban", "10.0.0.300", "--port", port));
        assertEquals(new Run(1, "", "fastnetmon_client: '10.10.0.0/16' is not an IP address\n"), client("ban", "10.10.0.0/16", "--port", port));
        assertEquals(new Run(1, "", "fastnetmon_client: 10.1.2.3 is not in the monitored networks (api_ban_outside_networks = on "
                + "allows bans of any address)\n"), client("ban", "10.1.2.3", "--port", port));
        assertEquals(new Run(1, "", "fastnetmon_client: direction must be incoming, outgoing or other, not 'up'\n"),
                client("ban", "10.10.0.5", "--direction", "up", "--port", port));
        assertEquals(new Run(1, "", "fastnetmon_client: no traffic seen for 10.10.0.77\n"), client("host", "10.10.0.77", "--port", port));
        assertEquals(new Run(1, "", "fastnetmon_client: sort must be packets, bytes or flows, not 'size'\n"),
                client("top", "--sort", "size", "--port", port));
    }

    @Test
    void usageErrorsExitTwo() {
        Run r = client("ban");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("fastnetmon_client: Missing required parameter: 'IP'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(2, client("frobnicate").status());
        assertEquals(2, client("bans", "--port", "http").status());
    }

    @Test
    void hostPrintsATable() {
        Run r = client(Clock.systemUTC(), "host", "10.10.0.6", "--port", port);
        assertEquals(0, r.status(), r.err());
        assertEquals("""
                10.10.0.6 not banned
                traffic         in pps    in mbps  in flows    out pps   out mbps out flows
                total              500       4.00         1          0       0.00         0
                tcp                500       4.00         1          0       0.00         0
                tcp_syn            500       4.00         1          0       0.00         0
                udp                  0       0.00         0          0       0.00         0
                icmp                 0       0.00         0          0       0.00         0
                fragmented           0       0.00         0          0       0.00         0
                """, r.out());
        assertEquals(0, client("ban", "10.10.0.6", "--direction", "incoming", "--port", port).status());
        Run banned = client("host", "10.10.0.6", "--port", port);
        assertTrue(banned.out().startsWith("10.10.0.6 banned: 10.10.0.6 incoming syn_flood 500 pps banned "), banned.out());
    }

    @Test
    void topPrintsATable() {
        Run r = client("top", "--direction", "incoming", "--sort", "packets", "--limit", "2", "--port", port);
        assertEquals(0, r.status(), r.err());
        assertEquals(String.format("%-39s %10s %10s %9s   (incoming, by packets)%n", "host", "pps", "mbps", "flows")
                + String.format("%-39s %10d %10s %9d%n", "10.10.0.5", 3000, "2.40", 3)
                + String.format("%-39s %10d %10s %9d%n", "10.10.0.6", 500, "4.00", 1), r.out());
        Run out = client("top", "--direction", "outgoing", "--port", port);
        assertEquals(String.format("%-39s %10s %10s %9s   (outgoing, by bytes)%n", "host", "pps", "mbps", "flows")
                + String.format("%-39s %10d %10s %9d%n", "10.10.0.7", 400, "0.32", 1), out.out());
    }

    @Test
    void noDaemonIsOneLine() throws Exception {
        int free = freePort();
        String line = "fastnetmon_client: no fastnetmon answers on 127.0.0.1:" + free + " (is it running with the API on?)\n";
        for (String[] cmd : new String[][]{{"bans"}, {"ban", "10.10.0.5"}, {"unban", "10.10.0.5"}, {"host", "10.10.0.5"}, {"top"}}) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.addAll(List.of("--port", Integer.toString(free)));
            assertEquals(new Run(1, "", line), client(args.toArray(String[]::new)), String.join(" ", cmd));
        }
        assertThrows(ApiClient.NoDaemonException.class, () -> new ApiClient("127.0.0.1", free).traffic());
    }

    @Test
    void addressFromTheConfigurationFileOrTheDefault() throws Exception {
        assertEquals("127.0.0.1:10007", new FastNetMonClient.Connection().client(null).address());
        Path conf = dir.resolve("fastnetmon.conf");
        Files.writeString(conf, "# api\napi_host = 0.0.0.0   # everywhere\napi_port = " + port + "\n");
        assertEquals(new Run(0, "banned 10.10.0.5\n", ""), client("--configuration_file", conf.toString(), "ban", "10.10.0.5"));
        FastNetMonClient.Connection c = new FastNetMonClient.Connection();
        c.configurationFile = conf;
        assertEquals("127.0.0.1:" + port, c.client(null).address());
        c.port = 1234; // the command line wins over the file
        assertEquals("127.0.0.1:1234", c.client(null).address());
        Files.writeString(conf, "api_host = ::\napi_port = 10008\n");
        c.port = null;
        assertEquals("[::1]:10008", c.client(null).address());
        Files.writeString(conf, "api_port = 99999\n");
        assertEquals(new Run(1, "", "fastnetmon_client: " + conf + ":1: api_port: '99999' is not a port (1-65535)\n"),
                client("--configuration_file", conf.toString(), "bans"));
        assertEquals(new Run(1, "", "fastnetmon_client: " + dir.resolve("none.conf") + ": configuration file not found\n"),
                client("bans", "--configuration_file", dir.resolve("none.conf").toString()));
    }

    @Test
    void apiClientReturnsTypedDocuments() throws Exception {
        ApiClient c = new ApiClient("127.0.0.1", rig.port());
        ApiClient.Traffic t = c.traffic();
        assertEquals(ApiRig.VERSION, t.version());
        assertEquals(rig.second, t.time());
        assertEquals("bytes", t.sortDefault());
        assertEquals(7, t.maxIpsInList());
        assertEquals(new ApiClient.Rate(3500, 6.4, 4), t.totals().get("incoming"));
        assertEquals(new ApiClient.Rate(400, 0.32, 1), t.totals().get("outgoing"));
        assertEquals(List.of("incoming", "outgoing", "internal", "other"), List.copyOf(t.totals().keySet()));
        assertEquals(List.of(new ApiClient.HostRate("10.10.0.6", 500, 4.0, 1), new ApiClient.HostRate("10.10.0.5", 3000, 2.4, 3)),
                t.top("incoming", "bytes"));
        assertEquals(List.of(new ApiClient.HostRate("10.10.0.7", 400, 0.32, 1)), t.top("outgoing", "flows"));
        assertEquals(ApiRig.RECEIVED, t.received());
        assertEquals(ApiRig.DROPPED, t.dropped());
        assertEquals(List.of(), t.bans());

        ApiClient.Ban b = c.ban("10.10.0.5", "incoming");
        assertEquals(new ApiClient.Ban("10.10.0.5", "incoming", "udp_flood", "udp", 3000, 2.4, 3, 3000, b.bannedAt(),
                "global", "manual ban", b.details(), "udp_flood"), b);
        assertTrue(b.details().startsWith("IP: 10.10.0.5\nAttack type: udp_flood\n"), b.details());
        assertEquals(List.of(b), c.bans());
        ApiClient.Host h = c.host("10.10.0.5");
        assertEquals("10.10.0.5", h.ip());
        assertEquals(new ApiClient.Rate(3000, 2.4, 3), h.rate("incoming", "udp"));
        assertEquals(new ApiClient.Rate(0, 0, 0), h.rate("outgoing", "total"));
        assertEquals(b, h.ban());
        assertEquals(new ApiClient.Top("incoming", "packets", List.of(new ApiClient.HostRate("10.10.0.5", 3000, 2.4, 3))),
                c.top("incoming", "packets", 1));
        assertEquals(b.ip(), c.unban("10.10.0.5").ip());
        assertNull(c.host("10.10.0.5").ban());
        ApiClient.ApiException e = assertThrows(ApiClient.ApiException.class, () -> c.unban("10.10.0.5"));
        assertEquals(404, e.status());
        assertEquals("10.10.0.5 is not banned", e.getMessage());
    }

    @Test
    void banLineCountsHoursPastADay() {
        ApiClient.Ban b = new ApiClient.Ban("2001:db8:10::5", "outgoing", "syn_flood", "tcp", 20613, 1, 1, 1,
                1_700_000_000L, "global", "r", "d", "syn_flood");
        assertEquals("2001:db8:10::5 outgoing syn_flood 20613 pps banned 2023-11-14 22:13:20 (26:00:05 ago)",
                FastNetMonClient.banLine(b, 1_700_000_000L + 26 * 3600 + 5, ZoneOffset.UTC));
    }

    @Test
    void runsAsItsOwnProcess() throws Exception {
        Process p = java("bans", "--port", port);
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes()));
        assertEquals("", new String(p.getInputStream().readAllBytes()));
        Process ban = java("--port", port, "ban", "10.10.0.6");
        assertEquals(0, ban.waitFor());
        assertEquals("banned 10.10.0.6\n", new String(ban.getInputStream().readAllBytes()));
        Process bans = java("bans", "--port", port);
        assertEquals(0, bans.waitFor());
        String out = new String(bans.getInputStream().readAllBytes());
        assertTrue(out.matches("10\\.10\\.0\\.6 other unknown 0 pps banned \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(00:00:\\d\\d ago\\)\n"), out);

        int free = freePort();
        Process none = java("bans", "--port", Integer.toString(free));
        assertEquals(1, none.waitFor());
        assertEquals("", new String(none.getInputStream().readAllBytes()));
        assertEquals("fastnetmon_client: no fastnetmon answers on 127.0.0.1:" + free + " (is it running with the API on?)\n",
                new String(none.getErrorStream().readAllBytes()));
    }

    private static Process java(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "fastnetmon.client.FastNetMonClient"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fastnetmon_client did not finish in 60 s");
        }
        return p;
    }
}
