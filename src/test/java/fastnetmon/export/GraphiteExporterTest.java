package fastnetmon.export;

import fastnetmon.detection.TrafficView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Graphite export against a real carbon-cache (read back from its whisper files), and against one away or hanging. */
class GraphiteExporterTest {
    private static CarbonServer carbon;

    @BeforeAll
    static void startCarbon() throws Exception {
        carbon = CarbonServer.start();
    }

    @AfterAll
    static void stopCarbon() throws Exception {
        carbon.close();
    }

    private static GraphiteSettings settings(int port, String prefix, Duration timeout) {
        return new GraphiteSettings(true, "127.0.0.1", port, prefix, Duration.ofSeconds(1), timeout,
                Duration.ofMillis(100), Duration.ofMillis(200));
    }

    private static long recentSecond() {
        return System.currentTimeMillis() / 1000 - 60;
    }

    @Test
    void pushesTotalsAndHostsUnderFastNetMonsPathsOnOneConnection() throws Exception {
        long second = recentSecond();
        try (TcpRelay relay = new TcpRelay(carbon.port).up()) {
            AtomicReference<TrafficView> view = new AtomicReference<>();
            ExportRunner runner = new ExportRunner(new GraphiteExporter(settings(relay.port, "fnm.written", Duration.ofSeconds(5))), view::get);
            for (int i = 0; i < 3; i++) {
                view.set(Views.at(second + i, i + 1));
                runner.pushOnce();
            }
            assertEquals(new ExportStats("graphite", 3, 0, 0), runner.stats());
            runner.close(1000);

            assertEquals(Map.of(second, 1000.0, second + 1, 2000.0, second + 2, 3000.0),
                    carbon.awaitPoints("fnm.written.total.incoming.pps", 3));
            assertEquals(Map.of(second, 8_000_000.0, second + 1, 16_000_000.0, second + 2, 24_000_000.0),
                    carbon.awaitPoints("fnm.written.total.incoming.bps", 3));
            assertEquals(3, carbon.awaitPoints("fnm.written.total.outgoing.flows", 3).size());
            assertEquals(Map.of(second, 0.0, second + 1, 0.0, second + 2, 0.0),
                    carbon.awaitPoints("fnm.written.total.other.pps", 3));
            assertEquals(Map.of(second, 600.0, second + 1, 1200.0, second + 2, 1800.0),
                    carbon.awaitPoints("fnm.written.hosts.10_0_0_1.incoming.average.pps", 3));
            assertEquals(Map.of(second, 1_600_000.0, second + 1, 3_200_000.0, second + 2, 4_800_000.0),
                    carbon.awaitPoints("fnm.written.hosts.10_0_0_1.outgoing.average.bps", 3));
            assertEquals(Map.of(second, 1.0, second + 1, 2.0, second + 2, 3.0),
                    carbon.awaitPoints("fnm.written.hosts.2001_db8__5.outgoing.average.flows", 3));
            assertEquals(3, carbon.awaitPoints("fnm.written.hosts.10_0_0_2.incoming.average.bps", 3).size());
            assertFalse(Files.exists(carbon.file("fnm.written.hosts.10_0_0_2.incoming.average.flows")), "zero: left out");
            assertFalse(Files.exists(carbon.file("fnm.written.hosts.10_0_0_2.outgoing.average.pps")), "not in an outgoing list");
            assertEquals(1, relay.connections(), "one persistent connection");
        }
    }

    @Test
    void carbonAwayCostsOnlyFailedPushesAndTheBufferedOnesArriveWhenItIsBack() throws Exception {
        long second = recentSecond() - 100;
        try (TcpRelay relay = new TcpRelay(carbon.port).up()) {
            AtomicReference<TrafficView> view = new AtomicReference<>(Views.at(second, 1));
            GraphiteExporter exporter = new GraphiteExporter(settings(relay.port, "fnm.away", Duration.ofSeconds(2)), 3);
            ExportRunner runner = new ExportRunner(exporter, view::get);
            runner.pushOnce();
            awaitConnections(relay, 1);
            // Through the relay before it goes: what the relay holds when cut is lost, as with a real carbon dying.
            assertEquals(Map.of(second, 1000.0), carbon.awaitPoints("fnm.away.total.incoming.pps", 1));
            relay.down(); // carbon goes away with the connection open: found closed at the next push
            assertFalse(LocalServer.accepts(relay.port), "the relay refuses connections once down() returned");
            int pointsPerPush = GraphiteLines.of(Views.at(second, 1), second, "fnm.away").points();
            for (int i = 1; i <= 5; i++) {
                view.set(Views.at(second + i, i + 1));
                long start = System.nanoTime();
                runner.pushOnce();
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "a refused connection fails at once");
            }
            assertEquals(new ExportStats("graphite", 6, 5, 2L * pointsPerPush), runner.stats());

            relay.up();
            Thread.sleep(250); // the longest back-off
            view.set(Views.at(second + 6, 7));
            runner.pushOnce(); // the newest 3 pushes in one write
            assertEquals(new ExportStats("graphite", 7, 5, 3L * pointsPerPush), runner.stats());
            runner.close(1000);
            Map<Long, Double> pps = carbon.awaitPoints("fnm.away.total.incoming.pps", 4);
            assertEquals(Map.of(second, 1000.0, second + 4, 5000.0, second + 5, 6000.0, second + 6, 7000.0), pps);
        }
    }

    private static void awaitConnections(TcpRelay relay, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (relay.connections() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, relay.connections());
    }

    @Test
    void afterAFailedConnectPushesFailAtOnceUntilTheBackOffIsOver() throws Exception {
        int closed = LocalServer.freePort();
        GraphiteSettings settings = new GraphiteSettings(true, "127.0.0.1", closed, "fnm", Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
        GraphiteExporter exporter = new GraphiteExporter(settings, 5);
        long second = recentSecond();
        IOException refused = assertThrows(IOException.class, () -> exporter.export(Views.at(second, 1)));
        assertEquals("cannot connect to carbon at 127.0.0.1:" + closed + ": Connection refused", refused.getMessage());
        IOException waiting = assertThrows(IOException.class, () -> exporter.export(Views.at(second + 1, 1)));
        assertTrue(waiting.getMessage().matches("not connected to carbon at 127\\.0\\.0\\.1:" + closed
                + " \\(Connection refused\\); next attempt in \\d+ ms"), waiting.getMessage());
        assertEquals(0, exporter.dropped(), "both pushes kept");
        exporter.close();
    }

    @Test
    void aHangingCarbonCostsAtMostTheTimeoutPerPush() throws Exception {
        long second = recentSecond();
        try (SilentServer silent = new SilentServer()) {
            GraphiteExporter exporter = new GraphiteExporter(settings(silent.port(), "fnm", Duration.ofMillis(300)), 2);
            int failures = 0;
            for (int i = 0; i < 4; i++) {
                // About 3 MB a push: the socket's buffers (up to 4 MB here) soon fill, as no one reads.
                TrafficView v = Views.large(second + i, 20_000);
                long start = System.nanoTime();
                try {
                    exporter.export(v);
                } catch (IOException e) {
                    failures++;
                    assertTrue(e.getMessage().matches("carbon at 127\\.0\\.0\\.1:" + silent.port() + " took only \\d+ of \\d+ bytes in 300 ms"),
                            e.getMessage());
                }
                long took = System.nanoTime() - start;
                assertTrue(took < Duration.ofMillis(2000).toNanos(), "took " + took / 1_000_000 + " ms");
            }
            assertTrue(failures >= 2, failures + " failures");
            assertTrue(exporter.dropped() > 0, "the buffer of 2 pushes overflowed");
            exporter.close();
        }
    }
}
