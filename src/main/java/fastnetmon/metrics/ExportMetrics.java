package fastnetmon.metrics;

import fastnetmon.export.ExportStats;
import fastnetmon.export.InfluxDbExporter;
import fastnetmon.metrics.MetricFamily.Type;

import java.util.List;
import java.util.function.Supplier;

/**
 * The exporters' figures ({@link ExportStats}: InfluxDB, Graphite, Redis's live view), one series per
 * exporter labelled with its name, read at scrape time: pushes split by {@code result} (succeeded,
 * failed) and what each has given up; and FastNetMon CE's {@code fastnetmon_influxdb_writes_total} and
 * {@code fastnetmon_influxdb_writes_failed} (its names and types, no labels), the InfluxDB exporter's pushes
 * (one HTTP write each) and failed ones, 0 without it. Stateless: safe from several scrape threads at once.
 */
final class ExportMetrics {
    private final Supplier<List<ExportStats>> stats;

    ExportMetrics(Supplier<List<ExportStats>> stats) {
        this.stats = stats;
    }

    List<MetricFamily> collect() {
        MetricFamily.Builder pushes = MetricFamily.builder("fastnetmon_export_pushes_total",
                "Pushes of the traffic figures to an exporter's server, by result", Type.COUNTER);
        MetricFamily.Builder dropped = MetricFamily.builder("fastnetmon_export_dropped_total",
                "Points or writes an exporter gave up (its buffer was full while its server was away)", Type.COUNTER);
        long influxWrites = 0, influxFailed = 0;
        for (ExportStats s : stats.get()) {
            if (s.name().equals(InfluxDbExporter.NAME)) {
                influxWrites = s.pushes();
                influxFailed = s.failed();
            }
            pushes.sample(s.pushes() - s.failed(), "exporter", s.name(), "result", "succeeded");
            pushes.sample(s.failed(), "exporter", s.name(), "result", "failed");
            dropped.sample(s.dropped(), "exporter", s.name());
        }
        return List.of(
                MetricFamily.counter("fastnetmon_influxdb_writes_total", "Writes to InfluxDB", influxWrites),
                MetricFamily.counter("fastnetmon_influxdb_writes_failed", "Failed writes to InfluxDB", influxFailed),
                pushes.build(), dropped.build());
    }
}
