package fastnetmon.metrics;

import fastnetmon.source.flow.FlowExporter;
import fastnetmon.source.flow.FlowPipeline;
import fastnetmon.source.flow.FlowProtocol;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The flow collectors' metrics, read from the running {@link FlowPipeline}s at scrape time. FastNetMon
 * CE's flow counters keep its names and its untyped exposition (see {@link FastNetMonCollector}); ours add
 * per-exporter figures (an exporter seen by several receiving threads is summed) and per-socket figures:
 * the kernel drops datagrams per socket, before anyone knows which exporter sent them.
 */
final class FlowMetrics implements MultiCollector {
    private static final FlowProtocol[] PROTOCOLS = FlowProtocol.values();
    private static final int P = PROTOCOLS.length;
    // per exporter: datagrams[P], records[P], packets, bytes, template misses, decode errors, sequence gaps, counter samples
    private static final int PACKETS = 2 * P, BYTES = PACKETS + 1, MISSES = BYTES + 1, ERRORS = MISSES + 1, GAPS = ERRORS + 1,
            COUNTER_SAMPLES = GAPS + 1, SIZE = COUNTER_SAMPLES + 1;

    private final Supplier<Collection<FlowPipeline>> pipelines;

    FlowMetrics(Supplier<Collection<FlowPipeline>> pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, long[]> byExporter = new TreeMap<>();
        long netflowDrops = 0, sflowDrops = 0;
        CounterSnapshot.Builder received = counter("fastnetmon_flow_socket_datagrams_received", "Datagrams a flow socket delivered");
        CounterSnapshot.Builder dropped = counter("fastnetmon_flow_socket_datagrams_dropped", "Datagrams the kernel dropped on a flow socket for lack of room (SO_RXQ_OVFL)");
        CounterSnapshot.Builder truncated = counter("fastnetmon_flow_socket_datagrams_truncated", "Datagrams longer than the receive slot (only their start was decoded)");
        CounterSnapshot.Builder early = counter("fastnetmon_flow_records_counted_early", "Flow records counted at once because the time buffer was full");
        CounterSnapshot.Builder moved = counter("fastnetmon_flow_records_moved_forward", "Flow records that arrived after seconds they cover were evaluated (counted from the next second on)");
        GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name("fastnetmon_flow_lag_seconds")
                .help("Seconds a second waits for its flow records before it is evaluated");
        for (FlowPipeline p : pipelines.get()) {
            Labels l = Labels.of("collector", p.name());
            received.dataPoint(point(l, p.socketReceived()));
            dropped.dataPoint(point(l, p.socketDropped()));
            truncated.dataPoint(point(l, p.socketTruncated()));
            early.dataPoint(point(l, p.countedEarly()));
            moved.dataPoint(point(l, p.movedForward()));
            lag.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(p.lagSeconds()).build());
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

        MetricSnapshots.Builder b = MetricSnapshots.builder();
        // FastNetMon CE's names
        b.metricSnapshot(untyped("fastnetmon_netflow_ipfix_total_packets", "Total number of Netflow or IPFIX UDP packets received",
                sum[v5] + sum[v9] + sum[ipfix]));
        b.metricSnapshot(untyped("fastnetmon_netflow_ipfix_all_protocols_total_flows",
                "Total number of flows summarized for all kinds of Netflow and IPFIX", sum[P + v5] + sum[P + v9] + sum[P + ipfix]));
        b.metricSnapshot(untyped("fastnetmon_netflow_ipfix_udp_packet_drops", "Number of UDP packets dropped by system on our socket", netflowDrops));
        b.metricSnapshot(untyped("fastnetmon_netflow_v5_total_packets", "Total number of Netflow v5 UDP packets received", sum[v5]));
        b.metricSnapshot(untyped("fastnetmon_netflow_v5_total_flows", "Total number of Netflow v5 flows (multiple in each packet)", sum[P + v5]));
        b.metricSnapshot(untyped("fastnetmon_netflow_v9_total_packets", "Total number of Netflow v9 UDP packets received", sum[v9]));
        b.metricSnapshot(untyped("fastnetmon_netflow_v9_total_flows", "Total number of Netflow v9 flows (multiple in each packet)", sum[P + v9]));
        b.metricSnapshot(untyped("fastnetmon_ipfix_total_packets", "Total number of IPFIX UDP packets received", sum[ipfix]));
        b.metricSnapshot(untyped("fastnetmon_ipfix_total_flows", "Total number of IPFIX flows (multiple in each packet)", sum[P + ipfix]));
        b.metricSnapshot(untyped("fastnetmon_sflow_total_packets", "Total number of sFlow UDP packets received", sum[sflow]));
        // CE's name ends in _total already: a counter, which the client exposes with that suffix
        b.metricSnapshot(counter("fastnetmon_sflow_raw_packet_headers", "Total number of sFlow flow samples (raw packet headers)")
                .dataPoint(point(Labels.EMPTY, sum[P + sflow])).build());
        b.metricSnapshot(untyped("fastnetmon_sflow_counter_sample", "Total number of sFlow counter samples", sum[COUNTER_SAMPLES]));
        b.metricSnapshot(untyped("fastnetmon_sflow_udp_packet_drops", "Number of sFlow UDP packets dropped by system on our socket", sflowDrops));

        // Per exporter
        CounterSnapshot.Builder datagrams = counter("fastnetmon_flow_exporter_datagrams", "Datagrams from an exporter, by protocol");
        CounterSnapshot.Builder records = counter("fastnetmon_flow_exporter_records", "Flow records (sFlow flow samples) from an exporter, by protocol and version");
        CounterSnapshot.Builder packets = counter("fastnetmon_flow_exporter_packets", "Packets the exporter's records stand for (sampling applied)");
        CounterSnapshot.Builder bytes = counter("fastnetmon_flow_exporter_bytes", "Bytes the exporter's records stand for (sampling applied)");
        CounterSnapshot.Builder misses = counter("fastnetmon_flow_exporter_template_misses", "Data sets whose template was not known when they arrived");
        CounterSnapshot.Builder errors = counter("fastnetmon_flow_exporter_decode_errors", "Malformed datagrams, sets or records");
        CounterSnapshot.Builder gaps = counter("fastnetmon_flow_exporter_sequence_gaps", "Exports lost on the way, as the protocol's sequence numbers count them");
        for (Map.Entry<String, long[]> en : byExporter.entrySet()) {
            long[] c = en.getValue();
            for (int i = 0; i < P; i++) {
                if (c[i] != 0 || c[P + i] != 0) {
                    Labels l = Labels.of("exporter", en.getKey(), "protocol", PROTOCOLS[i].name().toLowerCase(Locale.ROOT));
                    datagrams.dataPoint(point(l, c[i]));
                    records.dataPoint(point(l, c[P + i]));
                }
            }
            Labels l = Labels.of("exporter", en.getKey());
            packets.dataPoint(point(l, c[PACKETS]));
            bytes.dataPoint(point(l, c[BYTES]));
            misses.dataPoint(point(l, c[MISSES]));
            errors.dataPoint(point(l, c[ERRORS]));
            gaps.dataPoint(point(l, c[GAPS]));
        }
        for (CounterSnapshot.Builder cb : new CounterSnapshot.Builder[]{datagrams, records, packets, bytes, misses, errors, gaps,
                received, dropped, truncated, early, moved}) {
            b.metricSnapshot(cb.build());
        }
        b.metricSnapshot(lag.build());
        return b.build();
    }

    private static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    private static CounterDataPointSnapshot point(Labels l, long v) {
        return CounterDataPointSnapshot.builder().labels(l).value(v).build();
    }

    private static UnknownSnapshot untyped(String name, String help, long value) {
        return UnknownSnapshot.builder().name(name).help(help)
                .dataPoint(UnknownDataPointSnapshot.builder().value(value).build()).build();
    }
}
