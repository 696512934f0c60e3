package fastnetmon.metrics;

import fastnetmon.cluster.ClusterFigures;
import fastnetmon.cluster.SensorPublisherStats;
import fastnetmon.cluster.SensorStatus;
import fastnetmon.config.HttpLimits;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster's sensors on /metrics: a series per sensor, the sensors down, nothing when not an aggregator. */
class ClusterMetricsTest {
    private static final SensorStatus EDGE = new SensorStatus("edge-1", true, 0, 1200, 345_678, 3, 5, 2, 1, 4,
            50_000, 700, 400_000_000, 5_600_000);
    private static final SensorStatus SILENT = new SensorStatus("edge-\"2\"", false, 42, 10, 999, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    @Test
    void eachSensorIsASeriesAndTheDownOnesAreCounted() {
        String page = TextExposition.write(new ClusterMetrics(() -> new ClusterFigures(List.of(EDGE, SILENT), null)).collect());
        for (String line : List.of(
                "# TYPE fastnetmon_cluster_sensor_up gauge",
                "fastnetmon_cluster_sensor_up{sensor=\"edge-1\"} 1",
                "fastnetmon_cluster_sensor_up{sensor=\"edge-\\\"2\\\"\"} 0",
                "# TYPE fastnetmon_cluster_sensors_down gauge",
                "fastnetmon_cluster_sensors_down 1",
                "# TYPE fastnetmon_cluster_sensor_batches_total counter",
                "fastnetmon_cluster_sensor_batches_total{sensor=\"edge-1\"} 1200",
                "fastnetmon_cluster_sensor_bytes_total{sensor=\"edge-1\"} 345678",
                "fastnetmon_cluster_sensor_lost_batches_total{sensor=\"edge-1\"} 3",
                "fastnetmon_cluster_sensor_duplicate_batches_total{sensor=\"edge-1\"} 5",
                "fastnetmon_cluster_sensor_late_batches_total{sensor=\"edge-1\"} 2",
                "fastnetmon_cluster_sensor_malformed_batches_total{sensor=\"edge-1\"} 1",
                "fastnetmon_cluster_sensor_dropped_batches_total{sensor=\"edge-1\"} 4",
                "# TYPE fastnetmon_cluster_sensor_packets_per_second gauge",
                "fastnetmon_cluster_sensor_packets_per_second{sensor=\"edge-1\",traffic_direction=\"incoming\"} 50000",
                "fastnetmon_cluster_sensor_packets_per_second{sensor=\"edge-1\",traffic_direction=\"outgoing\"} 700",
                "fastnetmon_cluster_sensor_bits_per_second{sensor=\"edge-1\",traffic_direction=\"incoming\"} 400000000",
                "fastnetmon_cluster_sensor_bits_per_second{sensor=\"edge-1\",traffic_direction=\"outgoing\"} 5600000",
                "fastnetmon_cluster_sensor_batches_total{sensor=\"edge-\\\"2\\\"\"} 10")) {
            assertTrue(page.contains(line + "\n"), line + " in\n" + page);
        }
    }

    @Test
    void aStandaloneDetectorHasNoClusterSeries() {
        assertEquals(List.of(), new ClusterMetrics(() -> ClusterFigures.NONE).collect());
    }

    @Test
    void aSensorHasItsPublishersSeries() {
        String page = TextExposition.write(new ClusterMetrics(() -> new ClusterFigures(List.of(),
                new SensorPublisherStats(120, 45_000, 3, 2048, 7, 1500, 2, "timeout"))).collect());
        for (String line : List.of("fastnetmon_cluster_published_batches_total 120", "fastnetmon_cluster_published_bytes_total 45000",
                "fastnetmon_cluster_publish_dropped_batches_total 3", "fastnetmon_cluster_publish_backlog_bytes 2048",
                "fastnetmon_cluster_publish_failures_total 7", "fastnetmon_cluster_published_hosts_per_second 1500",
                "fastnetmon_cluster_publish_dropped_samples_total 2")) {
            assertTrue(page.contains(line + "\n"), line + " in " + page);
        }
        assertFalse(page.contains("fastnetmon_cluster_sensor"), "no sensors' series on a sensor: " + page);
    }

    @Test
    void theEndpointServesThemReadAtEveryScrape() throws Exception {
        AtomicReference<ClusterFigures> now = new AtomicReference<>(ClusterFigures.NONE);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, new MetricsServerTest.FakeSource(), HttpLimits.defaults(),
                List::of, List::of, () -> ThreatFigures.NONE, now::get)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build();
            assertFalse(http.send(get, HttpResponse.BodyHandlers.ofString()).body().contains("fastnetmon_cluster_"));
            now.set(new ClusterFigures(List.of(EDGE), null));
            String page = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(page.contains("fastnetmon_cluster_sensor_up{sensor=\"edge-1\"} 1\n"), page);
            assertTrue(page.contains("fastnetmon_cluster_sensors_down 0\n"), page);
            assertTrue(page.contains("fastnetmon_total_ipv4_packets "), "the detector's own series still: " + page);
        }
    }
}
