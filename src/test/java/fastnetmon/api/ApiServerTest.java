package fastnetmon.api;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.action.AttackText;
import fastnetmon.api.ApiRig.Answer;
import fastnetmon.detection.Attack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static fastnetmon.counters.TestPackets.sized;
import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API over real HTTP against a real evaluator and real attack actions. */
class ApiServerTest {
    /**
     * Lines attack_details gets after FastNetMon's (AttackText.vectorText): a blank line, the vector, the
     * fingerprint's header and, for UDP samples, five dimensions (no TCP flags); with no samples only three.
     */
    static final int OUR_LINES_UDP = 3 + 5;
    @TempDir
    Path dir;
    ApiRig rig;

    @BeforeEach
    void start() throws IOException {
        rig = new ApiRig(dir);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /**
     * One second of traffic: 10.10.0.5 3000 pps / 2.4 mbps / 3 flows in; 10.10.0.6 500 SYN of 1000 bytes
     * (4 mbps) in; 2001:db8:10::5 200 pps in; 10.10.0.7 400 pps out; 10.10.0.8 -> 10.10.0.9 50 pps internal;
     * 10 pps between two outside hosts.
     */
    static void busySecond(ApiRig rig) throws Exception {
        for (int port = 1000; port < 1003; port++) {
            rig.send(1000, udp("198.51.100.7", port, "10.10.0.5", 53));
        }
        rig.send(500, sized(syn("198.51.100.7", 2000, "10.10.0.6", 80), 1000));
        rig.send(200, udp("2001:db8:ffff::1", 7, "2001:db8:10::5", 53));
        rig.send(400, udp("10.10.0.7", 5000, "203.0.113.9", 53));
        rig.send(50, udp("10.10.0.8", 1, "10.10.0.9", 2));
        rig.send(10, udp("198.51.100.1", 1, "198.51.100.2", 2));
        rig.tick();
    }

    private static void assertRate(JsonNode n, long pps, double mbps, long flows) {
        assertEquals(pps, n.path("pps").asLong(), n.toString());
        assertEquals(mbps, n.path("mbps").asDouble(), 1e-9, n.toString());
        assertEquals(flows, n.path("flows").asLong(), n.toString());
        assertTrue(n.path("pps").isIntegralNumber() && n.path("flows").isIntegralNumber(), n.toString());
    }

    private static void assertHost(JsonNode n, String ip, long pps, double mbps, long flows) {
        assertEquals(ip, n.path("ip").asText(), n.toString());
        assertRate(n, pps, mbps, flows);
    }

    /** Lines of the attack text the ban call gets on stdin. */
    private static long descriptionLines(Attack a) {
        return AttackText.description(a).chars().filter(ch -> ch == '\n').count();
    }

    private static List<String> ips(JsonNode hosts) {
        List<String> l = new ArrayList<>();
        hosts.forEach(h -> l.add(h.path("ip").asText()));
        return l;
    }

    @Test
    void trafficHasEverythingTheScreenNeeds() throws Exception {
        busySecond(rig);
        Answer a = rig.get("/api/traffic");
        assertEquals(200, a.status(), a.body());
        assertEquals("application/json; charset=utf-8", a.response().headers().firstValue("Content-Type").orElse(""));
        JsonNode j = a.json();
        assertEquals(ApiRig.VERSION, j.path("version").asText());
        assertEquals(rig.second, j.path("time").asLong()); // the last tick's second
        assertEquals("bytes", j.path("sort_default").asText());
        assertEquals(7, j.path("max_ips_in_list").asInt());
        assertRate(j.at("/totals/incoming"), 3700, 6.56, 6);
        // Internal traffic is its own direction in the totals; its hosts' flows count in and out.
        assertRate(j.at("/totals/outgoing"), 400, 0.32, 2);
        assertRate(j.at("/totals/internal"), 50, 0.04, 0);
        assertRate(j.at("/totals/other"), 10, 0.008, 0);

        JsonNode in = j.at("/top/incoming");
        assertEquals(List.of("10.10.0.5", "10.10.0.6", "2001:db8:10::5", "10.10.0.9"), ips(in.path("packets")));
        assertHost(in.path("packets").get(0), "10.10.0.5", 3000, 2.4, 3);
        assertHost(in.path("packets").get(1), "10.10.0.6", 500, 4.0, 1);
        assertHost(in.path("packets").get(2), "2001:db8:10::5", 200, 0.16, 1);
        assertHost(in.path("packets").get(3), "10.10.0.9", 50, 0.04, 1);
        assertEquals(List.of("10.10.0.6", "10.10.0.5", "2001:db8:10::5", "10.10.0.9"), ips(in.path("bytes")));
        List<String> byFlows = ips(in.path("flows"));
        assertEquals("10.10.0.5", byFlows.get(0));
        assertEquals(Set.of("10.10.0.6", "2001:db8:10::5", "10.10.0.9"), new TreeSet<>(byFlows.subList(1, 4)));
        JsonNode out = j.at("/top/outgoing");
        assertEquals(List.of("10.10.0.7", "10.10.0.8"), ips(out.path("packets")));
        assertHost(out.path("packets").get(0), "10.10.0.7", 400, 0.32, 1);
        assertHost(out.path("bytes").get(1), "10.10.0.8", 50, 0.04, 1);
        assertFalse(j.path("top").has("internal"));

        assertEquals(ApiRig.RECEIVED, j.at("/capture/received").asLong());
        assertEquals(ApiRig.DROPPED, j.at("/capture/dropped").asLong());
        assertTrue(j.path("bans").isArray());
        assertEquals(0, j.path("bans").size());
    }

    @Test
    void trafficListsAtMostMaxIpsInListHostsUnlessAsked() throws Exception {
        for (int i = 1; i <= 9; i++) {
            rig.send(100 * i, udp("198.51.100.7", 1, "10.10.1." + i, 2));
        }
        rig.tick();
        JsonNode j = rig.get("/api/traffic").json();
        assertEquals(List.of("10.10.1.9", "10.10.1.8", "10.10.1.7", "10.10.1.6", "10.10.1.5", "10.10.1.4", "10.10.1.3"),
                ips(j.at("/top/incoming/packets")));
        assertEquals(9, rig.get("/api/traffic?limit=50").json().at("/top/incoming/packets").size());
        Answer bad = rig.get("/api/traffic?limit=0");
        assertEquals(400, bad.status());
        assertEquals("limit must be a number from 1 to 100, not '0'", bad.error());
    }

    @Test
    void trafficBeforeTheFirstTickIsEmptyButComplete() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        JsonNode j = rig.get("/api/traffic").json();
        assertTrue(j.path("time").asLong() >= before);
        for (String d : List.of("incoming", "outgoing", "internal", "other")) {
            assertRate(j.path("totals").path(d), 0, 0, 0);
        }
        for (String d : List.of("incoming", "outgoing")) {
            for (String k : List.of("packets", "bytes", "flows")) {
                assertEquals(0, j.path("top").path(d).path(k).size(), d + " " + k);
            }
        }
    }

    @Test
    void topByDirectionSortAndLimit() throws Exception {
        busySecond(rig);
        Answer a = rig.get("/api/top?direction=incoming&sort=packets&limit=2");
        assertEquals(200, a.status(), a.body());
        assertEquals("incoming", a.json().path("direction").asText());
        assertEquals("packets", a.json().path("sort").asText());
        assertEquals(2, a.json().path("hosts").size());
        assertHost(a.json().path("hosts").get(0), "10.10.0.5", 3000, 2.4, 3);
        assertHost(a.json().path("hosts").get(1), "10.10.0.6", 500, 4.0, 1);

        JsonNode out = rig.get("/api/top?direction=OUTGOING&sort=bytes").json();
        assertEquals("outgoing", out.path("direction").asText());
        assertEquals(List.of("10.10.0.7", "10.10.0.8"), ips(out.path("hosts")));

        // Defaults: incoming, the daemon's sort_parameter (bytes here), 7 hosts.
        JsonNode def = rig.get("/api/top").json();
        assertEquals("incoming", def.path("direction").asText());
        assertEquals("bytes", def.path("sort").asText());
        assertEquals(List.of("10.10.0.6", "10.10.0.5", "2001:db8:10::5", "10.10.0.9"), ips(def.path("hosts")));
    }

    @Test
    void topRefusesBadParametersNamingThem() throws Exception {
        String[][] cases = {
                {"direction=sideways", "direction must be incoming or outgoing, not 'sideways'"},
                {"direction=internal", "direction must be incoming or outgoing, not 'internal'"},
                {"sort=size", "sort must be packets, bytes or flows, not 'size'"},
                {"limit=0", "limit must be a number from 1 to 100, not '0'"},
                {"limit=101", "limit must be a number from 1 to 100, not '101'"},
                {"limit=ten", "limit must be a number from 1 to 100, not 'ten'"},
                {"limit=-3", "limit must be a number from 1 to 100, not '-3'"},
                {"colour=red", "unknown parameter 'colour' (this endpoint takes direction, limit, sort)"},
                {"sort=by%0Ates", "sort must be packets, bytes or flows, not 'by?tes'"},
        };
        for (String[] c : cases) {
            Answer a = rig.get("/api/top?" + c[0]);
            assertEquals(400, a.status(), c[0]);
            assertEquals(c[1], a.error(), c[0]);
            assertEquals("{\"error\":" + ApiRig.JSON.writeValueAsString(c[1]) + "}\n", a.body());
        }
    }

    @Test
    void hostCountersPerDirectionAndClass() throws Exception {
        busySecond(rig);
        Answer a = rig.get("/api/host/10.10.0.6");
        assertEquals(200, a.status(), a.body());
        JsonNode j = a.json();
        assertEquals("10.10.0.6", j.path("ip").asText());
        assertRate(j.at("/incoming/total"), 500, 4.0, 1);
        assertRate(j.at("/incoming/tcp"), 500, 4.0, 1);
        assertRate(j.at("/incoming/tcp_syn"), 500, 4.0, 1);
        assertRate(j.at("/incoming/udp"), 0, 0, 0);
        assertRate(j.at("/incoming/icmp"), 0, 0, 0);
        assertRate(j.at("/incoming/fragmented"), 0, 0, 0);
        for (String c : List.of("total", "tcp", "tcp_syn", "udp", "icmp", "fragmented")) {
            assertRate(j.path("outgoing").path(c), 0, 0, 0);
        }
        assertEquals(6, j.path("incoming").size());
        assertTrue(j.has("ban") && j.path("ban").isNull());

        JsonNode v5 = rig.get("/api/host/10.10.0.5").json();
        assertRate(v5.at("/incoming/udp"), 3000, 2.4, 3);
        assertRate(v5.at("/incoming/tcp"), 0, 0, 0);
        JsonNode v8 = rig.get("/api/host/10.10.0.8").json();
        assertRate(v8.at("/outgoing/total"), 50, 0.04, 1);
        assertRate(v8.at("/incoming/total"), 0, 0, 0);
        // IPv6, written any way, answered in the compressed form.
        Answer v6 = rig.get("/api/host/2001:DB8:10:0:0:0:0:0005");
        assertEquals(200, v6.status(), v6.body());
        assertEquals("2001:db8:10::5", v6.json().path("ip").asText());
        assertRate(v6.json().at("/incoming/udp"), 200, 0.16, 1);
    }

    @Test
    void hostRefusesBadAddressesWithOneLineReasons() throws Exception {
        busySecond(rig);
        Object[][] cases = {
                {"/api/host/10.0.0.300", 400, "'10.0.0.300' is not an IP address"},
                {"/api/host/example.com", 400, "'example.com' is not an IP address"},
                {"/api/host/10.10.0.0%2F16", 400, "'10.10.0.0/16' is not an IP address"},
                {"/api/host/10.1.2.3", 400, "10.1.2.3 is not in the monitored networks"},
                {"/api/host/2001:db8:11::1", 400, "2001:db8:11::1 is not in the monitored networks"},
                {"/api/host/10.10.0.77", 404, "no traffic seen for 10.10.0.77"},
                {"/api/host/", 400, "no IP address given: GET /api/host/IP"},
                {"/api/host", 400, "no IP address given: GET /api/host/IP"},
                {"/api/host/10.10.0.5?x=1", 400, "unknown parameter 'x' (this endpoint takes none)"},
        };
        for (Object[] c : cases) {
            Answer a = rig.get((String) c[0]);
            assertEquals(c[1], a.status(), (String) c[0]);
            assertEquals(c[2], a.error(), (String) c[0]);
            assertFalse(a.error().contains("\n"));
        }
    }

    @Test
    void automaticBanIsListedWithItsDetails() throws Exception {
        rig.send(25_000, udp("198.51.100.7", 1000, "10.10.0.20", 53));
        rig.tick();
        long bannedAt = rig.second; // the tick's time
        Attack attack = rig.attackOf("10.10.0.20");
        assertNotNull(attack);
        Answer a = rig.get("/api/bans");
        assertEquals(200, a.status(), a.body());
        assertEquals(1, a.json().path("bans").size());
        JsonNode b = a.json().path("bans").get(0);
        assertEquals("10.10.0.20", b.path("ip").asText());
        assertEquals("incoming", b.path("direction").asText());
        assertEquals("udp_flood", b.path("attack_type").asText());
        assertEquals("udp", b.path("protocol").asText());
        assertRate(b, 25_000, 20.0, 1);
        assertEquals(25_000, b.path("peak_pps").asLong());
        assertEquals(bannedAt, b.path("banned_at").asLong());
        assertEquals("global", b.path("hostgroup").asText());
        assertEquals("pps 25000 > 20000", b.path("reason").asText());
        assertEquals(AttackText.description(attack), b.path("details").asText());
        assertTrue(b.path("details").asText().startsWith("IP: 10.10.0.20\nAttack type: udp_flood\n"
                + "Initial attack power: 25000 packets per second\n"), b.path("details").asText());
        assertEquals(14, b.size(), b.toString());
        assertEquals("udp_flood", b.path("attack_vector").asText()); // no samples yet: from the counters
        assertEquals(0, b.path("fingerprint").path("sampled_packets").asLong());

        // The same ban in /api/traffic and /api/host.
        assertEquals(b, rig.get("/api/traffic").json().path("bans").get(0));
        assertEquals(b, rig.get("/api/host/10.10.0.20").json().path("ban"));

        // The peak follows the attack.
        rig.send(30_000, udp("198.51.100.7", 1000, "10.10.0.20", 53));
        rig.tick();
        JsonNode later = rig.get("/api/bans").json().path("bans").get(0);
        assertEquals(30_000, later.path("peak_pps").asLong());
        assertEquals(25_000, later.path("pps").asLong());
        long lines = descriptionLines(attack);
        assertEquals(List.of("ban 10.10.0.20 incoming 25000 stdin=" + lines,
                "attack_details 10.10.0.20 incoming 25000 stdin=" + (lines + 2 + 3 + OUR_LINES_UDP)), rig.scriptCalls());
    }

    @Test
    void manualBanRunsBanThenAttackDetailsAndIsListedAtOnce() throws Exception {
        busySecond(rig);
        Answer a = rig.post("/api/ban/10.10.0.7?direction=outgoing");
        assertEquals(200, a.status(), a.body());
        JsonNode b = a.json().path("ban");
        assertEquals("10.10.0.7", b.path("ip").asText());
        assertEquals("outgoing", b.path("direction").asText());
        assertEquals("manual ban", b.path("reason").asText());
        assertEquals("udp", b.path("protocol").asText());
        assertRate(b, 400, 0.32, 1); // its average traffic in the attack direction
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(now - b.path("banned_at").asLong()) <= 2, b.toString());
        assertTrue(b.path("details").asText().startsWith("IP: 10.10.0.7\n"));

        // Listed at once, before the next tick.
        JsonNode bans = rig.get("/api/bans").json().path("bans");
        assertEquals(List.of("10.10.0.7"), ips(bans));
        assertEquals(b, bans.get(0));
        assertEquals(b, rig.get("/api/host/10.10.0.7").json().path("ban"));
        assertNotNull(rig.attackOf("10.10.0.7"));

        // attack_details follows once sample packets are in (3 here).
        rig.send(5, udp("10.10.0.7", 5000, "203.0.113.9", 53));
        rig.tick();
        List<String> calls = rig.scriptCalls();
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).startsWith("ban 10.10.0.7 outgoing 400 "), calls.toString());
        assertTrue(calls.get(1).startsWith("attack_details 10.10.0.7 outgoing 400 "), calls.toString());
        assertEquals(List.of("10.10.0.7"), ips(rig.get("/api/traffic").json().path("bans")));

        Answer again = rig.post("/api/ban/10.10.0.7");
        assertEquals(409, again.status());
        assertEquals("10.10.0.7 is banned already", again.error());
    }

    @Test
    void manualBanDefaultsToOtherAsFastNetMonAndWorksForHostsWithoutTraffic() throws Exception {
        Answer a = rig.post("/api/ban/2001:db8:10::99");
        assertEquals(200, a.status(), a.body());
        JsonNode b = a.json().path("ban");
        assertEquals("2001:db8:10::99", b.path("ip").asText());
        assertEquals("other", b.path("direction").asText());
        assertRate(b, 0, 0, 0);
        assertEquals(List.of("2001:db8:10::99"), ips(rig.get("/api/bans").json().path("bans")));
        assertEquals("other", rig.post("/api/ban/10.10.0.98?direction=other").json().path("ban").path("direction").asText());
        assertEquals("incoming", rig.post("/api/ban/10.10.0.99?direction=incoming").json().path("ban").path("direction").asText());
        rig.tick();
        // FastNetMon's text for a ban by hand: all zero, direction other, its marker instead of a flow list
        List<String> calls = rig.scriptCalls();
        assertTrue(calls.contains("ban 2001:db8:10::99 other 0 stdin=41"), calls.toString());
        String fastnetmons = fastnetmon.detection.FlowTableTest.fixture("manual-ban-stdin.txt").replace("10.0.0.77", "10.10.0.98");
        String file = java.nio.file.Files.readString(rig.detailsFile("10.10.0.98"));
        assertTrue(file.startsWith(fastnetmons + "\n\n"), file);
    }

    @Test
    void banOutsideTheNetworksOnlyWhenSwitchedOn(@TempDir Path other) throws Exception {
        assertEquals("192.0.2.1 is not in the monitored networks (api_ban_outside_networks = on allows bans of any address)",
                rig.post("/api/ban/192.0.2.1").error());
        try (ApiRig open = new ApiRig(other, true)) {
            Answer a = open.post("/api/ban/192.0.2.1");
            assertEquals(200, a.status(), a.body());
            assertEquals("other", a.json().path("ban").path("direction").asText());
            assertEquals(List.of("192.0.2.1"), ips(open.get("/api/bans").json().path("bans")));
            assertEquals(200, open.post("/api/unban/192.0.2.1").status());
            assertEquals(List.of("ban 192.0.2.1 other 0 stdin=41", "attack_details 192.0.2.1 other 0 stdin=" + (43 + 3), // no samples: ours are three lines
                    "unban 192.0.2.1 other 0 stdin=0"), open.scriptCalls());
            // the host's own counters stay for the monitored networks
            assertEquals(400, open.get("/api/host/192.0.2.1").status());
        }
    }

    @Test
    void manualBanRefusesBadInput() throws Exception {
        Object[][] cases = {
                {"/api/ban/10.10.0.300", 400, "'10.10.0.300' is not an IP address"},
                {"/api/ban/10.1.2.3", 400, "10.1.2.3 is not in the monitored networks (api_ban_outside_networks = on allows bans of any address)"},
                {"/api/ban/10.10.0.5?direction=both", 400, "direction must be incoming, outgoing or other, not 'both'"},
                {"/api/ban/10.10.0.5?duration=60", 400, "unknown parameter 'duration' (this endpoint takes direction, force)"},
                {"/api/ban/", 400, "no IP address given: POST /api/ban/IP"},
                {"/api/unban/1.2.3", 400, "'1.2.3' is not an IP address"},
                {"/api/unban/192.0.2.1", 400, "192.0.2.1 is not in the monitored networks (api_ban_outside_networks = on allows bans of any address)"},
                {"/api/unban/10.10.0.5", 404, "10.10.0.5 is not banned"},
        };
        for (Object[] c : cases) {
            Answer a = rig.post((String) c[0]);
            assertEquals(c[1], a.status(), (String) c[0]);
            assertEquals(c[2], a.error(), (String) c[0]);
        }
        assertEquals(0, rig.get("/api/bans").json().path("bans").size());
        assertEquals(List.of(), rig.scriptCalls());
    }

    @Test
    void manualUnbanRunsUnbanAndDropsTheHostFromTheList() throws Exception {
        busySecond(rig);
        assertEquals(200, rig.post("/api/ban/10.10.0.5?direction=incoming").status());
        rig.send(5, udp("198.51.100.7", 1000, "10.10.0.5", 53));
        rig.tick(); // samples in: attack_details goes out
        Answer a = rig.post("/api/unban/10.10.0.5");
        assertEquals(200, a.status(), a.body());
        JsonNode u = a.json().path("unbanned");
        assertEquals("10.10.0.5", u.path("ip").asText());
        assertEquals("incoming", u.path("direction").asText());
        assertEquals("manual ban", u.path("reason").asText());
        assertRate(u, 3000, 2.4, 3);
        // the samples decide the vector; the fingerprint is theirs (3 of the 5 UDP packets 1000 -> 53)
        assertEquals("udp_flood", u.path("attack_vector").asText(), u.toString());
        JsonNode fp = u.path("fingerprint");
        assertEquals(3, fp.path("sampled_packets").asLong(), fp.toString());
        assertEquals(1000, fp.path("src_ports").get(0).path("value").asInt(), fp.toString());
        assertEquals(53, fp.path("dst_ports").get(0).path("value").asInt(), fp.toString());
        assertEquals(1.0, fp.path("protocols").get(0).path("share").asDouble(), fp.toString());
        assertEquals("udp", fp.path("protocols").get(0).path("value").asText(), fp.toString());

        assertEquals(0, rig.get("/api/bans").json().path("bans").size()); // at once
        assertTrue(rig.get("/api/host/10.10.0.5").json().path("ban").isNull());
        assertNull(rig.attackOf("10.10.0.5"));
        long lines = u.path("details").asText().chars().filter(ch -> ch == '\n').count();
        assertEquals(List.of("ban 10.10.0.5 incoming 3000 stdin=" + lines,
                "attack_details 10.10.0.5 incoming 3000 stdin=" + (lines + 2 + 3 + OUR_LINES_UDP), // description, blank line, 3 samples, ours
                "unban 10.10.0.5 incoming 3000 stdin=0"), rig.scriptCalls());
        rig.tick();
        assertEquals(0, rig.get("/api/traffic").json().path("bans").size());

        Answer again = rig.post("/api/unban/10.10.0.5");
        assertEquals(404, again.status());
        assertEquals("10.10.0.5 is not banned", again.error());
    }

    @Test
    void aNetworkBannedAsAWholeIsListedAndUnbannedByItsCidr() throws Exception {
        for (int host = 1; host < 255; host++) {
            rig.send(300, udp("198.51.100.7", 1000, "10.10.5." + host, 53)); // 76,200 in total, 300 a host
        }
        rig.tick();
        JsonNode bans = rig.get("/api/bans").json().path("bans");
        assertEquals(1, bans.size(), bans.toString());
        assertEquals("10.10.5.0/24", bans.get(0).path("ip").asText());
        assertEquals("customers", bans.get(0).path("hostgroup").asText(), bans.toString());

        Answer bad = rig.post("/api/unban/10.10.5.1/24");
        assertEquals(400, bad.status());
        assertEquals("'10.10.5.1/24' is not a network banned as a whole (host bits set)", bad.error());
        assertEquals(400, rig.post("/api/unban/10.99.0.0/24").status()); // not monitored
        Answer a = rig.post("/api/unban/10.10.5.0/24");
        assertEquals(200, a.status(), a.body());
        assertEquals("10.10.5.0/24", a.json().path("unbanned").path("ip").asText());
        assertEquals(0, rig.get("/api/bans").json().path("bans").size());
        assertTrue(rig.scriptCalls().contains("unban 10.10.5.0/24 incoming 76200 stdin=0"), rig.scriptCalls().toString());
        Answer again = rig.post("/api/unban/10.10.5.0/24");
        assertEquals(404, again.status());
        assertEquals("10.10.5.0/24 is not banned", again.error());
    }

    @Test
    void unbanBeforeTheSamplesAreInSendsAttackDetailsFirst() throws Exception {
        assertEquals(200, rig.post("/api/ban/10.10.0.30").status());
        assertEquals(200, rig.post("/api/unban/10.10.0.30").status());
        List<String> calls = rig.scriptCalls();
        assertEquals(List.of("ban", "attack_details", "unban"), calls.stream().map(c -> c.split(" ")[0]).toList());
    }

    @Test
    void wrongMethodIs405AndUnknownPathIs404() throws Exception {
        Answer a = rig.post("/api/bans");
        assertEquals(405, a.status());
        assertEquals("POST is not allowed here; use GET", a.error());
        assertEquals("GET", a.response().headers().firstValue("Allow").orElse(""));
        Answer b = rig.get("/api/ban/10.10.0.5");
        assertEquals(405, b.status());
        assertEquals("GET is not allowed here; use POST", b.error());
        assertEquals(405, rig.call("DELETE", "/api/unban/10.10.0.5").status());
        assertEquals(405, rig.call("PUT", "/api/traffic").status());
        Answer c = rig.get("/api/nothing");
        assertEquals(404, c.status());
        assertEquals("no such endpoint: /api/nothing (the API has GET /api/traffic, /api/top, /api/host/IP, /api/bans, /api/threats, /api/sensors; "
                + "POST /api/ban/IP, /api/unban/IP)", c.error());
        assertEquals(404, rig.get("/").status());
        assertEquals(0, rig.get("/api/bans").json().path("bans").size());
    }

    @Test
    void detectorUnavailableIs503WithItsReason() throws Exception {
        rig.evaluatorThread.shutdown();
        Answer a = rig.get("/api/host/10.10.0.5");
        assertEquals(503, a.status());
        assertEquals("the detector is stopping", a.error());
        Answer b = rig.post("/api/ban/10.10.0.5");
        assertEquals(503, b.status());
        // The view needs no evaluator thread.
        assertEquals(200, rig.get("/api/traffic").status());
    }

    @Test
    void onlyLoopbackClientsWhileBoundToLoopback() throws Exception {
        InetAddress lan = InetAddress.getByName("192.0.2.10");
        assertTrue(ApiServer.allowed(InetAddress.getByName("127.0.0.1"), true));
        assertTrue(ApiServer.allowed(InetAddress.getByName("127.3.4.5"), true));
        assertTrue(ApiServer.allowed(InetAddress.getByName("::1"), true));
        assertFalse(ApiServer.allowed(lan, true));
        assertFalse(ApiServer.allowed(InetAddress.getByName("2001:db8::1"), true));
        assertFalse(ApiServer.allowed(null, true));
        assertTrue(ApiServer.allowed(lan, false)); // api_host set to another address: anyone
    }

    @Test
    void hostHeaderMustNameLoopbackAndWebPagesAreRefused() throws Exception {
        for (String h : List.of("127.0.0.1:80", "localhost", "LOCALHOST:10007", "[::1]:10007", "127.0.0.1", "::1")) {
            assertTrue(ApiServer.loopbackHostHeader(h), h);
        }
        for (String h : List.of("evil.example", "evil.example:10007", "10.10.0.5", "[2001:db8::1]:80", "127.0.0.1.evil.example")) {
            assertFalse(ApiServer.loopbackHostHeader(h), h);
        }
        Answer rebinding = ApiRig.raw("127.0.0.1", rig.port(),
                "POST /api/ban/10.10.0.5 HTTP/1.1\r\nHost: evil.example:" + rig.port() + "\r\nConnection: close\r\n\r\n");
        assertEquals(403, rebinding.status());
        assertEquals("the API answers requests for localhost only", rebinding.error());
        Answer page = ApiRig.raw("127.0.0.1", rig.port(), "POST /api/ban/10.10.0.5 HTTP/1.1\r\nHost: 127.0.0.1:" + rig.port()
                + "\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertEquals(403, page.status());
        assertEquals("requests from web pages are refused", page.error());
        Answer curl = ApiRig.raw("127.0.0.1", rig.port(),
                "GET /api/bans HTTP/1.1\r\nHost: localhost:" + rig.port() + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, curl.status());
        assertEquals(0, rig.get("/api/bans").json().path("bans").size());
        assertEquals(List.of(), rig.scriptCalls());
    }

    @Test
    void boundToAnotherAddressAnyClientIsServed() throws Exception {
        // api_host = 0.0.0.0 is an operator's choice to serve the network: no loopback-only checks then.
        try (ApiServer open = ApiServer.start("0.0.0.0", 0, rig.access, new ApiInfo("x", "packets", 7))) {
            Answer a = ApiRig.raw("127.0.0.1", open.port(), "GET /api/bans HTTP/1.1\r\nHost: 203.0.113.7:"
                    + open.port() + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, a.status(), a.body());
        }
    }

    @Test
    void aBusyPortIsOneLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IOException e = assertThrows(IOException.class,
                    () -> ApiServer.start("127.0.0.1", busy.getLocalPort(), rig.access, new ApiInfo("x", "packets", 7)));
            assertEquals("cannot serve the API on 127.0.0.1:" + busy.getLocalPort() + ": address already in use", e.getMessage());
        }
        IOException e = assertThrows(IOException.class,
                () -> ApiServer.start("no-such-host.invalid", 0, rig.access, new ApiInfo("x", "packets", 7)));
        assertEquals("cannot serve the API on no-such-host.invalid:0: unknown host no-such-host.invalid", e.getMessage());
    }

    @Test
    void configurationSwitchesTheApiOffWithEitherKey() throws Exception {
        Path nets = dir.resolve("networks");
        java.nio.file.Files.writeString(nets, "10.10.0.0/16\n");
        for (String[] c : new String[][]{{"", "true"}, {"api = off", "false"}, {"enable_api = off", "false"},
                {"api = on\nenable_api = on", "true"}}) {
            Path conf = dir.resolve("f.conf");
            java.nio.file.Files.writeString(conf, "networks_list_path = networks\nwhite_list_path =\n" + c[0] + "\n");
            fastnetmon.config.Configuration config = fastnetmon.config.Configuration.load(conf);
            assertEquals(Boolean.parseBoolean(c[1]), ApiServer.enabled(config), c[0]);
        }
        Path conf = dir.resolve("off.conf");
        java.nio.file.Files.writeString(conf, "networks_list_path = networks\nwhite_list_path =\napi = off\napi_port = 1\n");
        try (AutoCloseable none = ApiServer.start(fastnetmon.config.Configuration.load(conf), rig.access, "x")) {
            assertFalse(none instanceof ApiServer); // nothing served, not even an attempt at port 1
        }
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = free.getLocalPort();
            free.close();
            Path on = dir.resolve("on.conf");
            java.nio.file.Files.writeString(on, "networks_list_path = networks\nwhite_list_path =\napi_port = " + port
                    + "\nsort_parameter = flows\nmax_ips_in_list = 3\n");
            try (AutoCloseable s = ApiServer.start(fastnetmon.config.Configuration.load(on), rig.access, "1.2.3")) {
                assertTrue(s instanceof ApiServer);
                assertEquals(port, ((ApiServer) s).port());
                Answer a = ApiRig.raw("127.0.0.1", port, "GET /api/traffic HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertEquals("1.2.3", a.json().path("version").asText());
                assertEquals("flows", a.json().path("sort_default").asText());
                assertEquals(3, a.json().path("max_ips_in_list").asInt());
            }
        }
    }
}
