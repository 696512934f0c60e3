package fastnetmon.metrics;

import fastnetmon.export.ExportStats;
import fastnetmon.metrics.MetricFamily.Type;

import java.util.List;
import java.util.function.Supplier;

/**
 * The exporters' figures ({@link ExportStats}: InfluxDB, Graphite, Redis's live view), one series per
 * exporter labelled with its name, read at scrape time: pushes split by {@code result} (succeeded,
 * failed) and what each has given up. Stateless: safe from several scrape threads at once.
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
        for (ExportStats s : stats.get()) {
            pushes.sample(s.pushes() - s.failed(), "exporter", s.name(), "result", "succeeded");
            pushes.sample(s.failed(), "exporter", s.name(), "result", "failed");
            dropped.sample(s.dropped(), "exporter", s.name());
        }
        return List.of(pushes.build(), dropped.build());
    }
}
