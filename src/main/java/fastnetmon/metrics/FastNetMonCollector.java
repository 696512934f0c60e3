package fastnetmon.metrics;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.metrics.MetricFamily.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds every metric from one read of the {@link MetricsSource} per scrape, so the figures of a scrape
 * agree with each other (e.g. {@code fastnetmon_total_simple_packets_processed} is exactly the sum of
 * {@code fastnetmon_traffic_packets_total} and {@code fastnetmon_unparsed_packets_total}). Safe to call
 * from several scrape threads at once (it keeps no state).
 *
 * <p>FastNetMon CE's metrics keep its names and types, as FastNetMon 1.2.4 serves them (the reference list
 * is {@code src/test/resources/fastnetmon-1.2.4/prometheus-metrics.txt}): its cumulative counters are typed
 * counter without a {@code _total} suffix, its per-second figures are gauges. Our own cumulative counters end
 * in {@code _total}. Every value is an integer.
 */
final class FastNetMonCollector {
    private static final String[] VERSIONS = {"ipv4", "ipv6"};
    private static final int PACKETS = 0, BYTES = 1;

    private final MetricsSource source;

    FastNetMonCollector(MetricsSource source) {
        this.source = source;
    }

    /** The page served on /metrics. */
    String scrape() {
        return TextExposition.write(collect());
    }

    List<MetricFamily> collect() {
        long[] totals = source.trafficTotals();
        long unparsed = source.unparsedPackets();
        long notIp = source.unknownIpVersionPackets();
        long[] second = source.lastSecondTotals();
        long[] flows = source.flowsPerSecond();
        long tickNanos = source.speedRecalculationNanos();

        long v4 = 0, v6 = 0;
        for (Direction d : Direction.values()) {
            v4 += totals[CounterShard.totalIndex(d, 4, PACKETS)];
            v6 += totals[CounterShard.totalIndex(d, 6, PACKETS)];
        }

        List<MetricFamily> out = new ArrayList<>();
        // FastNetMon CE's names, in its order
        out.add(MetricFamily.counter("fastnetmon_total_simple_packets_processed",
                "Total number of simple packets processed (parsed or not)", v4 + v6 + unparsed));
        out.add(MetricFamily.counter("fastnetmon_total_ipv4_packets", "Total number of IPv4 simple packets processed", v4));
        out.add(MetricFamily.counter("fastnetmon_total_ipv6_packets", "Total number of IPv6 simple packets processed", v6));
        out.add(MetricFamily.counter("fastnetmon_unknown_ip_version_packets", "Non IPv4 and non IPv6 packets", notIp));
        out.add(MetricFamily.counter("fastnetmon_total_unparsed_packets",
                "Total number of packets we failed to parse (non-IP frames included)", unparsed));
        out.add(MetricFamily.gauge("fastnetmon_total_unparsed_packets_speed",
                "Number of packets we fail to parse per second", source.unparsedPerSecond()));
        out.add(MetricFamily.gauge("fastnetmon_speed_recalculation_time_seconds",
                "Time consumed by recalculation for all IPs (whole seconds)", tickNanos / 1_000_000_000L));
        out.add(MetricFamily.gauge("fastnetmon_speed_recalculation_time_microseconds",
                "Time consumed by recalculation for all IPs (microseconds beyond the whole seconds)",
                tickNanos % 1_000_000_000L / 1_000L));
        out.add(MetricFamily.gauge("fastnetmon_total_number_of_hosts", "Total number of hosts in our networks (IPv4)",
                source.monitoredHosts()));
        out.add(perDirection("fastnetmon_total_traffic_packets", "Total traffic in packets per second (last second)",
                Type.GAUGE, "traffic_direction", second, PACKETS, 1));
        out.add(perDirection("fastnetmon_total_traffic_bits", "Total traffic in bits per second (last second)",
                Type.GAUGE, "traffic_direction", second, BYTES, 8));
        // CE reports flows for incoming and outgoing under the ipv4 label only; ours count both IP versions.
        out.add(MetricFamily.builder("fastnetmon_total_traffic_flows", "Total traffic in flows per second", Type.GAUGE)
                .sample(flows[Direction.INCOMING.ordinal()], "traffic_direction", "incoming", "protocol_version", "ipv4")
                .sample(flows[Direction.OUTGOING.ordinal()], "traffic_direction", "outgoing", "protocol_version", "ipv4")
                .build());

        // Our own cumulative counters
        out.add(perDirection("fastnetmon_traffic_packets_total",
                "Packets counted since start, by direction and IP version", Type.COUNTER, "direction", totals, PACKETS, 1));
        out.add(perDirection("fastnetmon_traffic_bytes_total",
                "Bytes counted since start, by direction and IP version", Type.COUNTER, "direction", totals, BYTES, 1));
        out.add(MetricFamily.counter("fastnetmon_unparsed_packets_total", "Packets that could not be parsed", unparsed));

        MetricFamily.Builder received = MetricFamily.builder("fastnetmon_capture_packets_received_total",
                "Packets the kernel or capture library delivered, per interface", Type.COUNTER);
        MetricFamily.Builder dropped = MetricFamily.builder("fastnetmon_capture_packets_dropped_total",
                "Packets the kernel or capture library dropped for lack of room, per interface", Type.COUNTER);
        for (MetricsSource.CaptureCounters c : source.captures()) {
            received.sample(c.received(), "interface", c.interfaceName());
            dropped.sample(c.dropped(), "interface", c.interfaceName());
        }
        out.add(received.build());
        out.add(dropped.build());
        out.add(MetricFamily.counter("fastnetmon_bans_total", "Bans since start", source.bansTotal()));
        out.add(MetricFamily.gauge("fastnetmon_banned_hosts", "Hosts banned now", source.bannedHosts()));
        out.addAll(topHosts(source.topHosts()));
        return out;
    }

    private static MetricFamily perDirection(String name, String help, Type type, String directionLabel, long[] values,
                                             int metric, long factor) {
        MetricFamily.Builder b = MetricFamily.builder(name, help, type);
        for (String version : VERSIONS) {
            for (Direction d : Direction.values()) {
                long v = values[CounterShard.totalIndex(d, version.equals("ipv6") ? 6 : 4, metric)] * factor;
                b.sample(v, directionLabel, d.text(), "protocol_version", version);
            }
        }
        return b.build();
    }

    /** The busiest hosts' averaged rates: a bounded set of series (see {@link MetricsSource#topHosts}). */
    private static List<MetricFamily> topHosts(List<MetricsSource.TopHost> hosts) {
        String which = " of the busiest hosts (the first " + MetricsSource.TOP_HOSTS
                + " per direction by packets, bytes and flows), averaged as on the console";
        MetricFamily.Builder packets = MetricFamily.builder("fastnetmon_top_host_packets", "Packets per second" + which, Type.GAUGE);
        MetricFamily.Builder bits = MetricFamily.builder("fastnetmon_top_host_bits", "Bits per second" + which, Type.GAUGE);
        MetricFamily.Builder flows = MetricFamily.builder("fastnetmon_top_host_flows", "Flows per second" + which, Type.GAUGE);
        for (MetricsSource.TopHost h : hosts) {
            packets.sample(h.pps(), "traffic_direction", h.direction(), "host", h.host());
            bits.sample(h.bitsPerSecond(), "traffic_direction", h.direction(), "host", h.host());
            flows.sample(h.flows(), "traffic_direction", h.direction(), "host", h.host());
        }
        return List.of(packets.build(), bits.build(), flows.build());
    }
}
