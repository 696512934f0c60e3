package fastnetmon.metrics;

import fastnetmon.cluster.SensorStatus;
import fastnetmon.metrics.MetricFamily.Type;

import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster's sensors as the aggregator sees them, read at scrape time ({@code ClusterFeed::sensors}):
 * per sensor whether it is up, its batches and bytes, the batches lost, sent twice, late, malformed and dropped, and its
 * traffic of its last complete second; and how many sensors are down. Nothing unless this detector is an
 * aggregator that has seen a sensor. Stateless: safe from several scrape threads at once.
 */
final class ClusterMetrics {
    private final Supplier<List<SensorStatus>> sensors;

    ClusterMetrics(Supplier<List<SensorStatus>> sensors) {
        this.sensors = sensors;
    }

    List<MetricFamily> collect() {
        List<SensorStatus> all = sensors.get();
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
