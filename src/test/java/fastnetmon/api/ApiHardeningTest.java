package fastnetmon.api;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.config.HttpLimits;
import fastnetmon.http.HttpProbe;
import fastnetmon.http.HttpProbe.Answer;
import fastnetmon.http.HttpProbe.SlowClient;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, findings 5 and 9, on the API: slow and many clients, every Host header, absolute URIs, JSON for
 * every error, strict addresses, and no manual ban of a whitelisted host without force. Real sockets against
 * the real server of {@link ApiRig}.
 */
class ApiHardeningTest {
    @TempDir
    Path dir;
    ApiRig rig;
    final List<AutoCloseable> extra = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        rig = new ApiRig(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : extra) {
            c.close();
        }
        rig.close();
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    }

    /** The answer's {"error": ...}, checking that it is JSON. */
    private static String error(Answer a) throws Exception {
        assertTrue(a.head().contains("Content-Type: application/json"), a.head());
        JsonNode j = ApiRig.JSON.readTree(a.body());
        return j.path("error").asText(null);
    }

    private ApiServer server(PrefixMatcher whitelist, HttpLimits limits) throws Exception {
        ApiServer s = ApiServer.start("127.0.0.1", 0, rig.access, new ApiInfo("x", "packets", 7), whitelist, limits);
        extra.add(s);
        return s;
    }

    @Test
    void slowClientsDoNotFreezeTheApi() throws Exception {
        // Ten clients sending a request one byte every 2 s (the JDK server froze with two).
        List<SlowClient> slow = HttpProbe.slowClients(10, rig.port(), get("/api/traffic"), 2000);
        try {
            Thread.sleep(500);
            for (int i = 0; i < 10; i++) {
                Answer a = HttpProbe.raw("127.0.0.1", rig.port(), get("/api/bans"), 5000);
                assertEquals(200, a.status(), "request " + i + " while slow clients are connected: " + a);
            }
        } finally {
            HttpProbe.closeAll(slow);
        }
    }

    @Test
    void aSlowClientIsCutAtTheRequestTimeout() throws Exception {
        ApiServer s = server(PrefixMatcher.of(List.of()), new HttpLimits(64, 16, 2, HttpLimits.HEADER_BYTES, HttpLimits.BODY_BYTES));
        // 200 bytes at one every 300 ms would take a minute; the server must cut it after about 2 s.
        try (SlowClient c = new SlowClient(s.port(), "GET /api/traffic HTTP/1.1\r\nX-Pad: " + "x".repeat(200) + "\r\n\r\n", 300)) {
            assertTrue(c.closedByServerWithin(8000), "the slow client is still connected");
            assertTrue(c.sent() < 30, "sent " + c.sent());
        }
        assertEquals(1, s.http().timedOutConnections());
    }

    @Test
    void connectionsAreBoundedPerClientAndInTotal() throws Exception {
        ApiServer s = server(PrefixMatcher.of(List.of()), new HttpLimits(6, 4, 60, HttpLimits.HEADER_BYTES, HttpLimits.BODY_BYTES));
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                idle.add(connect("127.0.0.1", s.port()));
            }
            awaitOpen(s, 4);
            Answer over = HttpProbe.raw("127.0.0.1", s.port(), get("/api/bans"), 5000);
            assertEquals(0, over.status(), "a fifth connection from 127.0.0.1 is closed at once: " + over);
            assertEquals(200, HttpProbe.raw("127.0.0.2", s.port(), get("/api/bans"), 5000).status());
            awaitOpen(s, 4);
            idle.add(connect("127.0.0.2", s.port()));
            idle.add(connect("127.0.0.2", s.port()));
            awaitOpen(s, 6);
            assertEquals(0, HttpProbe.raw("127.0.0.3", s.port(), get("/api/bans"), 5000).status(), "over the total");
            assertTrue(s.http().refusedConnections() >= 2);
        } finally {
            for (Socket k : idle) {
                k.close();
            }
        }
        awaitOpen(s, 0);
        assertEquals(200, HttpProbe.raw("127.0.0.3", s.port(), get("/api/bans"), 5000).status());
    }

    private static Socket connect(String from, int port) throws Exception {
        Socket k = new Socket();
        k.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        k.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
        return k;
    }

    private static void awaitOpen(ApiServer s, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (s.http().openConnections() != n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(n, s.http().openConnections(), "open connections (refused so far: " + s.http().refusedConnections() + ")");
    }

    @Test
    void everyHostHeaderAndAbsoluteUriIsChecked() throws Exception {
        Answer two = HttpProbe.raw(rig.port(), "POST /api/ban/10.10.0.5 HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertEquals(400, two.status(), two.toString());
        assertTrue(error(two).toLowerCase().contains("host"), two.body());
        Answer absolute = HttpProbe.raw(rig.port(), "POST http://evil.example/api/ban/10.10.0.5 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertEquals(400, absolute.status(), absolute.toString()); // the URI's host is not the Host header's
        assertTrue(error(absolute) != null, absolute.body());
        Answer rebound = HttpProbe.raw(rig.port(), "POST http://evil.example/api/ban/10.10.0.5 HTTP/1.1\r\nHost: evil.example\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertEquals(403, rebound.status(), rebound.toString());
        assertEquals("the API answers requests for localhost only", error(rebound));
        Answer local = HttpProbe.raw(rig.port(), "GET http://localhost/api/bans HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(200, local.status(), local.toString());
        assertEquals(List.of(), rig.scriptCalls());
    }

    @Test
    void malformedRequestsGetJsonErrors() throws Exception {
        Answer escape = HttpProbe.raw(rig.port(), get("/api/top?limit=%zz"));
        assertEquals(400, escape.status(), escape.toString());
        assertEquals("malformed query string", error(escape));
        Answer pathEscape = HttpProbe.raw(rig.port(), get("/api/host/10.10.0.%zz"));
        assertEquals(400, pathEscape.status(), pathEscape.toString());
        assertTrue(error(pathEscape) != null, pathEscape.body());
        Answer bigHead = HttpProbe.raw(rig.port(), "GET /api/bans HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
                + "x".repeat(HttpLimits.HEADER_BYTES + 100) + "\r\nConnection: close\r\n\r\n");
        assertEquals(431, bigHead.status(), bigHead.toString());
        assertTrue(error(bigHead) != null, bigHead.body());
        Answer bigBody = HttpProbe.raw(rig.port(), "POST /api/unban/10.10.0.5 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + (HttpLimits.BODY_BYTES + 1) + "\r\nConnection: close\r\n\r\n");
        assertEquals(413, bigBody.status(), bigBody.toString());
        assertTrue(error(bigBody) != null, bigBody.body());
        Answer garbage = HttpProbe.raw(rig.port(), "NOT HTTP AT ALL\r\n\r\n");
        assertEquals(400, garbage.status(), garbage.toString());
        assertTrue(error(garbage) != null, garbage.body());
    }

    @Test
    void addressesAreStrict() throws Exception {
        ApiRig.Answer zero = rig.get("/api/host/010.10.0.5");
        assertEquals(400, zero.status());
        assertEquals("'010.10.0.5' is not an IP address (leading zeros are ambiguous (octal or decimal?))", zero.error());
        ApiRig.Answer arabic = rig.post("/api/ban/%D9%A1%D9%A0.10.0.5");
        assertEquals(400, arabic.status());
        assertEquals("'\u0661\u0660.10.0.5' is not an IP address (only ASCII digits are allowed)", arabic.error());
        assertEquals(List.of(), rig.scriptCalls());
    }

    @Test
    void aWhitelistedHostIsBannedByHandOnlyWithForce() throws Exception {
        ApiServer s = server(PrefixMatcher.of(List.of(Cidr.parse("10.10.0.0/24"))), HttpLimits.defaults());
        String ban = "POST /api/ban/10.10.0.5 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        Answer refused = HttpProbe.raw(s.port(), ban);
        assertEquals(409, refused.status(), refused.toString());
        assertEquals("10.10.0.5 is in the whitelist (white_list_path), which is never banned; ask with force=1 "
                + "(fastnetmon_client ban 10.10.0.5 --force) to ban it all the same", error(refused));
        assertEquals(List.of(), rig.scriptCalls());
        assertEquals(0, rig.get("/api/bans").json().path("bans").size());
        Answer bad = HttpProbe.raw(s.port(), ban.replace("/api/ban/10.10.0.5", "/api/ban/10.10.0.5?force=maybe"));
        assertEquals(400, bad.status());
        assertEquals("force must be 1 or 0, not 'maybe'", error(bad));
        Answer forced = HttpProbe.raw(s.port(), ban.replace("/api/ban/10.10.0.5", "/api/ban/10.10.0.5?force=1"));
        assertEquals(200, forced.status(), forced.toString());
        assertEquals(1, rig.get("/api/bans").json().path("bans").size());
        // A host outside the whitelist needs no force.
        assertEquals(200, HttpProbe.raw(s.port(), ban.replace("10.10.0.5", "10.10.1.5")).status());
        List<String> calls = rig.scriptCalls();
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("ban 10.10.0.5 other ")), calls.toString());
    }
}
