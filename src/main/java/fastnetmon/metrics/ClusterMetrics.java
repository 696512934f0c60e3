package fastnetmon.metrics;

import fastnetmon.cluster.ClusterFigures;
import fastnetmon.cluster.SensorPublisherStats;
import fastnetmon.cluster.SensorStatus;

import java.util.ArrayList;
import fastnetmon.metrics.MetricFamily.Type;

import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster's figures, read at scrape time: on an aggregator, its sensors as it sees them (per sensor
 * whether it is up, its batches and bytes, the batches lost, sent twice, late, malformed and dropped, and its
 * traffic of its last complete second; and how many sensors are down); on a sensor, what its publisher sent,
 * dropped and keeps. Nothing on a standalone detector. Stateless: safe from several scrape threads at once.
 */
final class ClusterMetrics {
    private final Supplier<ClusterFigures> figures;

    ClusterMetrics(Supplier<ClusterFigures> figures) {
        this.figures = figures;
    }

    List<MetricFamily> collect() {
        ClusterFigures f = figures.get();
        if (f == null) {
            return List.of();
        }
        List<MetricFamily> out = new ArrayList<>(publisher(f.publisher()));
        out.addAll(sensors(f.sensors()));
        if (!f.sensors().isEmpty()) {
            out.add(MetricFamily.gauge("fastnetmon_cluster_held_ban_events",
                    "Ban events held back while this aggregator is not sure it holds the lease", f.heldBanEvents()));
            out.add(MetricFamily.counter("fastnetmon_cluster_dropped_ban_events_total",
                    "Ban events dropped: held beyond the bound, or after another aggregator took the lease", f.droppedBanEvents()));
        }
        return out;
    }

    private static List<MetricFamily> publisher(SensorPublisherStats p) {
        if (p == null) {
            return List.of();
        }
        return List.of(
                MetricFamily.counter("fastnetmon_cluster_published_batches_total", "Counter batches this sensor published to Redis", p.batches()),
                MetricFamily.counter("fastnetmon_cluster_published_bytes_total", "Bytes of the counter batches this sensor published", p.bytes()),
                MetricFamily.counter("fastnetmon_cluster_publish_failures_total",
                        "Batches whose XADD failed or was not answered in time (kept in the backlog)", p.failedSends()),
                MetricFamily.counter("fastnetmon_cluster_publish_dropped_batches_total",
                        "Batches dropped, oldest first, because the backlog was over cluster_sensor_backlog", p.droppedBatches()),
                MetricFamily.counter("fastnetmon_cluster_publish_dropped_samples_total",
                        "Sample packets not published because their batch was full", p.droppedSamples()),
                MetricFamily.gauge("fastnetmon_cluster_publish_backlog_bytes", "Bytes of batches waiting for Redis", p.backlogBytes()),
                MetricFamily.gauge("fastnetmon_cluster_published_hosts_per_second", "Host records published in the last second",
                        p.hostsLastSecond()));
    }

    private static List<MetricFamily> sensors(List<SensorStatus> all) {
        if (all == null || all.isEmpty()) {
            return List.of();
        }
        MetricFamily.Builder up = MetricFamily.builder("fastnetmon_cluster_sensor_up",
                "1 while batches of the sensor come within cluster_sensor_timeout", Type.GAUGE);
        MetricFamily.Builder batches = MetricFamily.builder("fastnetmon_cluster_sensor_batches_total",
                "Counter batches read from the sensor", Type.COUNTER);
        MetricFamily.Builder bytes = MetricFamily.builder("fastnetmon_cluster_sensor_bytes_total",
                "Bytes of the counter batches read from the sensor", Type.COUNTER);
        MetricFamily.Builder lost = MetricFamily.builder("fastnetmon_cluster_sensor_lost_batches_total",
                "Batches missing from the sensor's sequences (trimmed from a stream before they were read, or lost with Redis)",
                Type.COUNTER);
        MetricFamily.Builder duplicate = MetricFamily.builder("fastnetmon_cluster_sensor_duplicate_batches_total",
                "Batches that came twice (the sensor sent one again after a late reply), counted once", Type.COUNTER);
        MetricFamily.Builder late = MetricFamily.builder("fastnetmon_cluster_sensor_late_batches_total",
                "Batches dropped because they ended more than cluster_max_lag ago", Type.COUNTER);
        MetricFamily.Builder malformed = MetricFamily.builder("fastnetmon_cluster_sensor_malformed_batches_total",
                "Batches dropped because they did not decode", Type.COUNTER);
        MetricFamily.Builder dropped = MetricFamily.builder("fastnetmon_cluster_sensor_dropped_batches_total",
                "Batches dropped because the evaluator had not taken the sensor's earlier ones", Type.COUNTER);
        MetricFamily.Builder packets = MetricFamily.builder("fastnetmon_cluster_sensor_packets_per_second",
                "The sensor's packets of its last complete second", Type.GAUGE);
        MetricFamily.Builder bits = MetricFamily.builder("fastnetmon_cluster_sensor_bits_per_second",
                "The sensor's bits of its last complete second", Type.GAUGE);
        long down = 0;
        for (SensorStatus s : all) {
            String name = s.name();
            down += s.up() ? 0 : 1;
            up.sample(s.up() ? 1 : 0, "sensor", name);
            batches.sample(s.batches(), "sensor", name);
            bytes.sample(s.bytes(), "sensor", name);
            lost.sample(s.lostBatches(), "sensor", name);
            duplicate.sample(s.duplicateBatches(), "sensor", name);
            late.sample(s.lateBatches(), "sensor", name);
            malformed.sample(s.malformedBatches(), "sensor", name);
            dropped.sample(s.droppedBatches(), "sensor", name);
            packets.sample(s.packetsPerSecondIn(), "sensor", name, "traffic_direction", "incoming");
            packets.sample(s.packetsPerSecondOut(), "sensor", name, "traffic_direction", "outgoing");
            bits.sample(s.bitsPerSecondIn(), "sensor", name, "traffic_direction", "incoming");
            bits.sample(s.bitsPerSecondOut(), "sensor", name, "traffic_direction", "outgoing");
        }
        return List.of(up.build(), MetricFamily.gauge("fastnetmon_cluster_sensors_down",
                        "Sensors from which no batch came within cluster_sensor_timeout", down),
                batches.build(), bytes.build(), lost.build(), duplicate.build(), late.build(), malformed.build(), dropped.build(),
                packets.build(), bits.build());
    }
}
