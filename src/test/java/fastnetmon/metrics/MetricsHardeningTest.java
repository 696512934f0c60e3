package fastnetmon.metrics;

import fastnetmon.http.HttpProbe;
import fastnetmon.http.HttpProbe.Answer;
import fastnetmon.http.HttpProbe.SlowClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, findings 5 and 9, on the metrics port: slow clients and a thousand connections at once do not
 * freeze it, and it answers only requests for localhost (Host, absolute URI, Origin) while bound to loopback.
 */
class MetricsHardeningTest {
    MetricsServer server;

    @BeforeEach
    void start() throws IOException {
        server = MetricsServer.start("127.0.0.1", 0, new MetricsServerTest.FakeSource());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String get(String host, String extra) {
        return "GET /metrics HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "Connection: close\r\n\r\n";
    }

    @Test
    void slowClientsDoNotFreezeTheMetrics() throws Exception {
        List<SlowClient> slow = HttpProbe.slowClients(12, server.port(), get("127.0.0.1", ""), 2000);
        try {
            Thread.sleep(500);
            for (int i = 0; i < 5; i++) {
                Answer a = HttpProbe.raw("127.0.0.1", server.port(), get("127.0.0.1", ""), 5000);
                assertEquals(200, a.status(), "scrape " + i + " while slow clients are connected");
                assertTrue(a.body().contains("fastnetmon_total_simple_packets_processed"), a.body());
            }
        } finally {
            HttpProbe.closeAll(slow);
        }
    }

    @Test
    void aThousandConnectionsAtOnceAreEachAnsweredOrClosedPromptly() throws Exception {
        int n = 1000;
        ExecutorService pool = Executors.newFixedThreadPool(100);
        List<Future<Integer>> results = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 20_000);
                        s.setSoTimeout(20_000);
                        OutputStream out = s.getOutputStream();
                        out.write(get("127.0.0.1", "").getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        InputStream in = s.getInputStream();
                        byte[] head = in.readNBytes(12);
                        return head.length == 12 ? Integer.parseInt(new String(head, 9, 3, StandardCharsets.ISO_8859_1)) : 0;
                    } catch (java.net.SocketTimeoutException e) {
                        return -1; // neither answered nor closed: what the bound prevents
                    } catch (IOException e) {
                        return 0; // refused or reset: an answer too
                    }
                }));
            }
            int answered = 0, closed = 0, hung = 0;
            for (Future<Integer> f : results) {
                int status = f.get(120, TimeUnit.SECONDS);
                if (status == 200) {
                    answered++;
                } else if (status == -1) {
                    hung++;
                } else {
                    closed++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(0, hung, answered + " answered, " + closed + " closed, " + hung + " hung in " + seconds + " s");
            assertTrue(answered > 0, closed + " closed");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, HttpProbe.raw(server.port(), get("127.0.0.1", "")).status());
    }

    @Test
    void onlyRequestsForLocalhostFromThisMachineAndNoWebPages() throws Exception {
        Answer rebinding = HttpProbe.raw(server.port(), get("evil.example:" + server.port(), ""));
        assertEquals(403, rebinding.status());
        assertEquals("the metrics endpoint answers requests for localhost only\n", rebinding.body());
        Answer page = HttpProbe.raw(server.port(), get("127.0.0.1", "Origin: http://evil.example\r\n"));
        assertEquals(403, page.status());
        assertEquals("requests from web pages are refused\n", page.body());
        Answer two = HttpProbe.raw(server.port(), get("127.0.0.1", "Host: evil.example\r\n"));
        assertEquals(400, two.status(), two.toString());
        Answer absolute = HttpProbe.raw(server.port(),
                "GET http://evil.example/metrics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertEquals(403, absolute.status(), absolute.toString());
        assertEquals(200, HttpProbe.raw(server.port(), get("localhost:" + server.port(), "")).status());
        assertEquals(200, HttpProbe.raw(server.port(), get("[::1]", "")).status());
        assertEquals(404, HttpProbe.raw(server.port(), "GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").status());
    }

    @Test
    void boundToAnotherAddressAnyHostIsServedButWebPagesAreNot() throws Exception {
        try (MetricsServer open = MetricsServer.start("0.0.0.0", 0, new MetricsServerTest.FakeSource())) {
            assertEquals(200, HttpProbe.raw(open.port(), get("203.0.113.7:9209", "")).status());
            assertEquals(403, HttpProbe.raw(open.port(), get("203.0.113.7", "Origin: http://evil.example\r\n")).status());
        }
    }
}
