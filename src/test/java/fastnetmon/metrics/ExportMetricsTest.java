package fastnetmon.metrics;

import fastnetmon.export.ExportStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exporters' figures: ours per exporter, and FastNetMon's InfluxDB write counters from the InfluxDB exporter's. */
class ExportMetricsTest {

    @Test
    void influxDbWritesAreTheInfluxDbExportersPushes() {
        String page = TextExposition.write(new ExportMetrics(() -> List.of(
                new ExportStats("graphite", 40, 30, 9), new ExportStats("influxdb", 10, 3, 5))).collect());
        for (String line : List.of("fastnetmon_influxdb_writes_total 10", "fastnetmon_influxdb_writes_failed 3",
                "# TYPE fastnetmon_influxdb_writes_total counter", "# TYPE fastnetmon_influxdb_writes_failed counter",
                "fastnetmon_export_pushes_total{exporter=\"influxdb\",result=\"succeeded\"} 7",
                "fastnetmon_export_pushes_total{exporter=\"graphite\",result=\"failed\"} 30",
                "fastnetmon_export_dropped_total{exporter=\"influxdb\"} 5")) {
            assertTrue(page.contains(line + "\n"), line + " in\n" + page);
        }
    }

    @Test
    void withoutAnInfluxDbExporterItsWriteCountersAreZero() {
        String page = TextExposition.write(new ExportMetrics(() -> List.of(new ExportStats("graphite", 4, 1, 0))).collect());
        assertTrue(page.contains("fastnetmon_influxdb_writes_total 0\n"), page);
        assertTrue(page.contains("fastnetmon_influxdb_writes_failed 0\n"), page);
    }
}
