package fastnetmon.metrics;

import fastnetmon.metrics.MetricFamily.Type;
import fastnetmon.sensor.SensorStats;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The abuse sensors' figures, read at scrape time: records the sensors were handed and those the hand-off
 * dropped (the sensors fell behind), and per sensor what matched, the sources tracked and untracked (its
 * table was full) and the threats reported; and, with AMQP on, the publisher's counters. Nothing when no
 * sensor is on. Stateless: safe from several scrape threads at once.
 */
final class ThreatMetrics {
    private final Supplier<ThreatFigures> figures;

    ThreatMetrics(Supplier<ThreatFigures> figures) {
        this.figures = figures;
    }

    java.util.List<MetricFamily> collect() {
        ThreatFigures f = figures.get();
        if (f == null || f.sensors().isEmpty()) {
            return java.util.List.of();
        }
        MetricFamily.Builder matched = MetricFamily.builder("fastnetmon_sensor_matched_total",
                "Records that matched a sensor's rule and scope", Type.COUNTER);
        MetricFamily.Builder threats = MetricFamily.builder("fastnetmon_sensor_threats_total",
                "Threats a sensor reported (one per offender and cool-down)", Type.COUNTER);
        MetricFamily.Builder tracked = MetricFamily.builder("fastnetmon_sensor_tracked_sources",
                "Sources a sensor keeps a window for now", Type.GAUGE);
        MetricFamily.Builder untracked = MetricFamily.builder("fastnetmon_sensor_untracked_total",
                "Matched records of sources a sensor could not track (its table was full)", Type.COUNTER);
        f.sensors().forEach((type, s) -> {
            matched.sample(s.matched(), "sensor", type);
            threats.sample(s.events(), "sensor", type);
            tracked.sample(s.tracked(), "sensor", type);
            untracked.sample(s.untracked(), "sensor", type);
        });
        java.util.List<MetricFamily> out = new java.util.ArrayList<>(java.util.List.of(
                MetricFamily.counter("fastnetmon_sensor_records_total", "Records handed to the abuse sensors", f.records()),
                MetricFamily.counter("fastnetmon_sensor_dropped_total",
                        "Records the abuse sensors' hand-off dropped because they fell behind", f.dropped()),
                matched.build(), threats.build(), tracked.build(), untracked.build()));
        if (f.published() >= 0) {
            out.add(MetricFamily.counter("fastnetmon_amqp_published_total", "Threat events the broker confirmed", f.published()));
            out.add(MetricFamily.counter("fastnetmon_amqp_unroutable_total",
                    "Threat events the broker returned: no queue bound for the exchange and routing key", f.unroutable()));
            out.add(MetricFamily.counter("fastnetmon_amqp_failures_total",
                    "Connection attempts and publishes that failed (what they carried is retried)", f.failedAttempts()));
            out.add(MetricFamily.counter("fastnetmon_amqp_dropped_total", "Threat events dropped: the buffer was full", f.amqpDropped()));
            out.add(MetricFamily.gauge("fastnetmon_amqp_buffered", "Threat events waiting for the broker or its confirm", f.buffered()));
            out.add(MetricFamily.gauge("fastnetmon_amqp_connected", "1 while a connection to the broker is open", f.connected() ? 1 : 0));
        }
        return out;
    }
}
