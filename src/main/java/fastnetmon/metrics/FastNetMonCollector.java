package fastnetmon.metrics;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

import java.util.List;

/**
 * Builds every metric from one read of the {@link MetricsSource} per scrape, so the figures of a scrape
 * agree with each other (e.g. {@code fastnetmon_total_simple_packets_processed} is exactly the sum of
 * {@code fastnetmon_traffic_packets_total} and {@code fastnetmon_unparsed_packets_total}).
 *
 * <p>FastNetMon CE's own metrics keep its names. CE declares its system counters as counters without the
 * {@code _total} suffix; the 1.x client always appends {@code _total} to counters, so those are exposed
 * with type unknown ("untyped" in the text format) under CE's exact names.
 */
final class FastNetMonCollector implements MultiCollector {
    private static final String[] VERSIONS = {"ipv4", "ipv6"};
    private static final int PACKETS = 0, BYTES = 1;

    private final MetricsSource source;

    FastNetMonCollector(MetricsSource source) {
        this.source = source;
    }

    @Override
    public MetricSnapshots collect() {
        long[] totals = source.trafficTotals();
        long unparsed = source.unparsedPackets();
        long[] second = source.lastSecondTotals();
        long bans = source.bansTotal();
        long banned = source.bannedHosts();
        long tickNanos = source.speedRecalculationNanos();
        List<MetricsSource.CaptureCounters> captures = source.captures();

        long v4 = 0, v6 = 0;
        for (Direction d : Direction.values()) {
            v4 += totals[CounterShard.totalIndex(d, 4, PACKETS)];
            v6 += totals[CounterShard.totalIndex(d, 6, PACKETS)];
        }

        MetricSnapshots.Builder b = MetricSnapshots.builder();
        // FastNetMon CE's names
        b.metricSnapshot(untyped("fastnetmon_total_simple_packets_processed",
                "Total number of simple packets processed (parsed or not)", v4 + v6 + unparsed));
        b.metricSnapshot(untyped("fastnetmon_total_ipv4_packets", "Total number of IPv4 simple packets processed", v4));
        b.metricSnapshot(untyped("fastnetmon_total_ipv6_packets", "Total number of IPv6 simple packets processed", v6));
        b.metricSnapshot(untyped("fastnetmon_total_unparsed_packets", "Total number of packets we failed to parse", unparsed));
        b.metricSnapshot(gauge("fastnetmon_speed_recalculation_time_seconds",
                "Time consumed by recalculation for all IPs (whole seconds)", tickNanos / 1_000_000_000L));
        b.metricSnapshot(gauge("fastnetmon_speed_recalculation_time_microseconds",
                "Time consumed by recalculation for all IPs (microseconds beyond the whole seconds)",
                tickNanos % 1_000_000_000L / 1_000L));
        b.metricSnapshot(perDirection("fastnetmon_total_traffic_packets",
                "Total traffic in packets per second (last second)", "traffic_direction", second, PACKETS, 1, false));
        b.metricSnapshot(perDirection("fastnetmon_total_traffic_bits",
                "Total traffic in bits per second (last second)", "traffic_direction", second, BYTES, 8, false));

        // Cumulative counters
        b.metricSnapshot(perDirection("fastnetmon_traffic_packets",
                "Packets counted since start, by direction and IP version", "direction", totals, PACKETS, 1, true));
        b.metricSnapshot(perDirection("fastnetmon_traffic_bytes",
                "Bytes counted since start, by direction and IP version", "direction", totals, BYTES, 1, true));
        b.metricSnapshot(counter("fastnetmon_unparsed_packets", "Packets that could not be parsed", unparsed));

        CounterSnapshot.Builder received = CounterSnapshot.builder().name("fastnetmon_capture_packets_received")
                .help("Packets the kernel or capture library delivered, per interface");
        CounterSnapshot.Builder dropped = CounterSnapshot.builder().name("fastnetmon_capture_packets_dropped")
                .help("Packets the kernel or capture library dropped for lack of room, per interface");
        for (MetricsSource.CaptureCounters c : captures) {
            Labels l = Labels.of("interface", c.interfaceName());
            received.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(c.received()).build());
            dropped.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(c.dropped()).build());
        }
        b.metricSnapshot(received.build());
        b.metricSnapshot(dropped.build());

        b.metricSnapshot(counter("fastnetmon_bans", "Bans since start", bans));
        b.metricSnapshot(gauge("fastnetmon_banned_hosts", "Hosts banned now", banned));
        return b.build();
    }

    private static MetricSnapshot perDirection(String name, String help, String directionLabel, long[] values,
                                               int metric, long factor, boolean counter) {
        CounterSnapshot.Builder cb = counter ? CounterSnapshot.builder().name(name).help(help) : null;
        GaugeSnapshot.Builder gb = counter ? null : GaugeSnapshot.builder().name(name).help(help);
        for (Direction d : Direction.values()) {
            for (String version : VERSIONS) {
                Labels l = Labels.of(directionLabel, d.text(), "protocol_version", version);
                double v = (double) values[CounterShard.totalIndex(d, version.equals("ipv6") ? 6 : 4, metric)] * factor;
                if (counter) {
                    cb.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(v).build());
                } else {
                    gb.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(v).build());
                }
            }
        }
        return counter ? cb.build() : gb.build();
    }

    private static UnknownSnapshot untyped(String name, String help, long value) {
        return UnknownSnapshot.builder().name(name).help(help)
                .dataPoint(UnknownDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, long value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** Exposed as {@code name_total}. */
    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }
}
