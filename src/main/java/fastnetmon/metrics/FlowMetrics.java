package fastnetmon.metrics;

import fastnetmon.metrics.MetricFamily.Type;
import fastnetmon.source.flow.FlowExporter;
import fastnetmon.source.flow.FlowPipeline;
import fastnetmon.source.flow.FlowProtocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The flow collectors' metrics, read from the running {@link FlowPipeline}s at scrape time. FastNetMon
 * CE's flow counters keep its names and types (counters without a {@code _total} suffix, see
 * {@link FastNetMonCollector}); ours add per-exporter figures (an exporter seen by several receiving threads
 * is summed) and per-socket figures: the kernel drops datagrams per socket, before anyone knows which
 * exporter sent them. Safe from several scrape threads at once (it keeps no state).
 */
final class FlowMetrics {
    private static final FlowProtocol[] PROTOCOLS = FlowProtocol.values();
    private static final int P = PROTOCOLS.length;
    // per exporter: datagrams[P], records[P], packets, bytes, template misses, decode errors, sequence gaps, counter samples
    private static final int PACKETS = 2 * P, BYTES = PACKETS + 1, MISSES = BYTES + 1, ERRORS = MISSES + 1, GAPS = ERRORS + 1,
            COUNTER_SAMPLES = GAPS + 1, SIZE = COUNTER_SAMPLES + 1;

    private final Supplier<Collection<FlowPipeline>> pipelines;

    FlowMetrics(Supplier<Collection<FlowPipeline>> pipelines) {
        this.pipelines = pipelines;
    }

    List<MetricFamily> collect() {
        Map<String, long[]> byExporter = new TreeMap<>();
        long netflowDrops = 0, sflowDrops = 0;
        MetricFamily.Builder received = counter("fastnetmon_flow_socket_datagrams_received_total", "Datagrams a flow socket delivered");
        MetricFamily.Builder dropped = counter("fastnetmon_flow_socket_datagrams_dropped_total", "Datagrams the kernel dropped on a flow socket for lack of room (SO_RXQ_OVFL)");
        MetricFamily.Builder truncated = counter("fastnetmon_flow_socket_datagrams_truncated_total", "Datagrams longer than the receive slot (only their start was decoded)");
        MetricFamily.Builder early = counter("fastnetmon_flow_records_counted_early_total", "Flow records counted at once because the time buffer was full");
        MetricFamily.Builder moved = counter("fastnetmon_flow_records_moved_forward_total", "Flow records that arrived after seconds they cover were evaluated (counted from the next second on)");
        MetricFamily.Builder lag = MetricFamily.builder("fastnetmon_flow_lag_seconds",
                "Seconds a second waits for its flow records before it is evaluated", Type.GAUGE);
        for (FlowPipeline p : pipelines.get()) {
            String[] l = {"collector", p.name()};
            received.sample(p.socketReceived(), l);
            dropped.sample(p.socketDropped(), l);
            truncated.sample(p.socketTruncated(), l);
            early.sample(p.countedEarly(), l);
            moved.sample(p.movedForward(), l);
            lag.sample(p.lagSeconds(), l);
            if (p.name().startsWith("sflow")) {
                sflowDrops += p.socketDropped();
            } else {
                netflowDrops += p.socketDropped();
            }
            for (FlowExporter e : p.exporters()) {
                long[] c = byExporter.computeIfAbsent(e.address(), k -> new long[SIZE]);
                for (int i = 0; i < P; i++) {
                    c[i] += e.datagrams(PROTOCOLS[i]);
                    c[P + i] += e.records(PROTOCOLS[i]);
                }
                c[PACKETS] += e.packets();
                c[BYTES] += e.bytes();
                c[MISSES] += e.templateMisses();
                c[ERRORS] += e.decodeErrors();
                c[GAPS] += e.sequenceGaps();
                c[COUNTER_SAMPLES] += e.counterSamples();
            }
        }
        long[] sum = new long[SIZE];
        byExporter.values().forEach(c -> {
            for (int i = 0; i < SIZE; i++) {
                sum[i] += c[i];
            }
        });
        int sflow = FlowProtocol.SFLOW5.ordinal(), v5 = FlowProtocol.NETFLOW5.ordinal(), v9 = FlowProtocol.NETFLOW9.ordinal(),
                ipfix = FlowProtocol.IPFIX.ordinal();

        List<MetricFamily> out = new ArrayList<>();
        // FastNetMon CE's names and types
        out.add(MetricFamily.counter("fastnetmon_netflow_ipfix_total_packets", "Total number of Netflow or IPFIX UDP packets received",
                sum[v5] + sum[v9] + sum[ipfix]));
        out.add(MetricFamily.counter("fastnetmon_netflow_ipfix_all_protocols_total_flows",
                "Total number of flows summarized for all kinds of Netflow and IPFIX", sum[P + v5] + sum[P + v9] + sum[P + ipfix]));
        out.add(MetricFamily.counter("fastnetmon_netflow_ipfix_udp_packet_drops", "Number of UDP packets dropped by system on our socket", netflowDrops));
        out.add(MetricFamily.counter("fastnetmon_netflow_v5_total_packets", "Total number of Netflow v5 UDP packets received", sum[v5]));
        out.add(MetricFamily.counter("fastnetmon_netflow_v5_total_flows", "Total number of Netflow v5 flows (multiple in each packet)", sum[P + v5]));
        out.add(MetricFamily.counter("fastnetmon_netflow_v9_total_packets", "Total number of Netflow v9 UDP packets received", sum[v9]));
        out.add(MetricFamily.counter("fastnetmon_netflow_v9_total_flows", "Total number of Netflow v9 flows (multiple in each packet)", sum[P + v9]));
        out.add(MetricFamily.counter("fastnetmon_ipfix_total_packets", "Total number of IPFIX UDP packets received", sum[ipfix]));
        out.add(MetricFamily.counter("fastnetmon_ipfix_total_flows", "Total number of IPFIX flows (multiple in each packet)", sum[P + ipfix]));
        out.add(MetricFamily.counter("fastnetmon_sflow_total_packets", "Total number of sFlow UDP packets received", sum[sflow]));
        out.add(MetricFamily.counter("fastnetmon_sflow_raw_packet_headers_total", "Total number of sFlow flow samples (raw packet headers)", sum[P + sflow]));
        out.add(MetricFamily.counter("fastnetmon_sflow_counter_sample", "Total number of sFlow counter samples", sum[COUNTER_SAMPLES]));
        out.add(MetricFamily.counter("fastnetmon_sflow_udp_packet_drops", "Number of sFlow UDP packets dropped by system on our socket", sflowDrops));

        // Per exporter
        MetricFamily.Builder datagrams = counter("fastnetmon_flow_exporter_datagrams_total", "Datagrams from an exporter, by protocol");
        MetricFamily.Builder records = counter("fastnetmon_flow_exporter_records_total", "Flow records (sFlow flow samples) from an exporter, by protocol and version");
        MetricFamily.Builder packets = counter("fastnetmon_flow_exporter_packets_total", "Packets the exporter's records stand for (sampling applied)");
        MetricFamily.Builder bytes = counter("fastnetmon_flow_exporter_bytes_total", "Bytes the exporter's records stand for (sampling applied)");
        MetricFamily.Builder misses = counter("fastnetmon_flow_exporter_template_misses_total", "Data sets whose template was not known when they arrived");
        MetricFamily.Builder errors = counter("fastnetmon_flow_exporter_decode_errors_total", "Malformed datagrams, sets or records");
        MetricFamily.Builder gaps = counter("fastnetmon_flow_exporter_sequence_gaps_total", "Exports lost on the way, as the protocol's sequence numbers count them");
        for (Map.Entry<String, long[]> en : byExporter.entrySet()) {
            long[] c = en.getValue();
            for (int i = 0; i < P; i++) {
                if (c[i] != 0 || c[P + i] != 0) {
                    String[] l = {"exporter", en.getKey(), "protocol", PROTOCOLS[i].name().toLowerCase(Locale.ROOT)};
                    datagrams.sample(c[i], l);
                    records.sample(c[P + i], l);
                }
            }
            String[] l = {"exporter", en.getKey()};
            packets.sample(c[PACKETS], l);
            bytes.sample(c[BYTES], l);
            misses.sample(c[MISSES], l);
            errors.sample(c[ERRORS], l);
            gaps.sample(c[GAPS], l);
        }
        for (MetricFamily.Builder b : List.of(datagrams, records, packets, bytes, misses, errors, gaps,
                received, dropped, truncated, early, moved, lag)) {
            out.add(b.build());
        }
        return out;
    }

    private static MetricFamily.Builder counter(String name, String help) {
        return MetricFamily.builder(name, help, Type.COUNTER);
    }
}
