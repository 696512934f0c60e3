package fastnetmon.client;

import fastnetmon.api.ApiInfo;
import fastnetmon.console.ConsoleData;
import fastnetmon.console.ScreenModel;
import fastnetmon.api.ApiServer;
import fastnetmon.api.DetectorAccess;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's screen data comes from GET /api/traffic; outside a terminal it prints one screen. */
class ClientScreenTest {

    /** A detector with one attacked IPv4 host, one IPv6 host and one ban, seen through the API. */
    private static DetectorAccess detector(long bannedAtMillis) {
        Map<Direction, TrafficView.Rate> totals = new EnumMap<>(Direction.class);
        totals.put(Direction.INCOMING, new TrafficView.Rate(20700, 10.6, 12));
        totals.put(Direction.OUTGOING, new TrafficView.Rate(5, 0.2, 1));
        totals.put(Direction.INTERNAL, new TrafficView.Rate(0, 0, 0));
        totals.put(Direction.OTHER, new TrafficView.Rate(2, 0, 0));
        TrafficView.HostRate v = new TrafficView.HostRate("10.10.0.5", 20613.4, 10.6, 5);
        TrafficView.HostRate v6 = new TrafficView.HostRate("2001:db8::7", 80, 0.9, 7);
        TrafficView.HostRate o = new TrafficView.HostRate("10.10.0.9", 5, 0.2, 1);
        Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> top = new EnumMap<>(Direction.class);
        top.put(Direction.INCOMING, Map.of(SortKey.PACKETS, List.of(v, v6), SortKey.BYTES, List.of(v, v6),
                SortKey.FLOWS, List.of(v6, v)));
        top.put(Direction.OUTGOING, Map.of(SortKey.PACKETS, List.of(o), SortKey.BYTES, List.of(o), SortKey.FLOWS, List.of(o)));
        HostTraffic t = new HostTraffic();
        t.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TOTAL)] = 20613;
        Attack a = new Attack("10.10.0.5", 0, 0x0a0a0005L, Direction.INCOMING, "syn_flood", "tcp", t,
                "pps 20613 > 10000", "global", bannedAtMillis * 1_000_000L);
        TrafficView view = new TrafficView(bannedAtMillis * 1_000_000L, totals, top, List.of(a));
        return new DetectorAccess() {
            public TrafficView view() {
                return view;
            }

            public long packetsReceived() {
                return 1000;
            }

            public long packetsDropped() {
                return 10;
            }

            public boolean monitored(long hi, long lo) {
                return true;
            }

            public HostTraffic average(long hi, long lo) {
                return null;
            }

            public Attack banOf(long hi, long lo) {
                return null;
            }

            public Attack ban(long hi, long lo, Direction direction) {
                return null;
            }

            public Attack unban(long hi, long lo) {
                return null;
            }
        };
    }

    @Test
    void apiTrafficBecomesTheSameScreenAsInTheDaemon() throws Exception {
        long bannedAt = System.currentTimeMillis() / 1000 * 1000 - 72_000;
        DetectorAccess access = detector(bannedAt);
        try (ApiServer api = ApiServer.start("127.0.0.1", 0, access, new ApiInfo("0.1.0", "flows", 7))) {
            ApiClient.Traffic t = new ApiClient("127.0.0.1", api.port()).traffic();
            long now = bannedAt + 72_000;
            ConsoleData viaApi = ClientScreen.toConsoleData(t, now);
            ConsoleData inProcess = ConsoleData.of(access.view(), 1000, 10, "0.1.0", now);
            for (SortKey k : SortKey.values()) {
                assertEquals(ScreenModel.lines(inProcess, k, 7, 120, 40), ScreenModel.lines(viaApi, k, 7, 120, 40), k.text());
            }
            assertTrue(ScreenModel.lines(viaApi, SortKey.PACKETS, 7, 120, 40)
                    .contains("10.10.0.5/20613 pps incoming syn_flood, banned 00:01:12 ago"));

            // Standard output is not a terminal here: one screen as text, in the daemon's sort order.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = ClientScreen.run(new ApiClient("127.0.0.1", api.port()), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals("FastNetMon 0.1.0 all IPs ordered by: flows", lines.get(0));
            assertEquals("Incoming traffic        20700 pps 11 mbps 12 flows", lines.get(1));
            assertEquals("2001:db8::7             80 pps 1 mbps 7 flows", lines.get(2));
            assertEquals("10.10.0.5               20613 pps 11 mbps 5 flows", lines.get(3));
            assertEquals("Packets dropped:        10 (1.0 %)", lines.get(9));
            assertTrue(lines.get(11).startsWith("10.10.0.5/20613 pps incoming syn_flood, banned 00:01:"), lines.toString());
        }
    }

    @Test
    void noDaemonAtTheStartIsOneLineAndStatusOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ClientScreen.run(new ApiClient("127.0.0.1", port), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("fastnetmon_client: no fastnetmon answers on 127.0.0.1:" + port), lines.get(0));
    }

    @Test
    void noticeNamesTheDaemonAndSaysItRetries() {
        ApiClient c = new ApiClient("::1", 10007);
        assertEquals("fastnetmon on [::1]:10007 not answering (retrying every second)",
                ClientScreen.notice(c, new ApiClient.NoDaemonException("x", null)));
        assertEquals("fastnetmon on [::1]:10007 did not answer within 10 s (retrying every second)",
                ClientScreen.notice(c, new IOException("fastnetmon on [::1]:10007 did not answer within 10 s")));
    }
}
