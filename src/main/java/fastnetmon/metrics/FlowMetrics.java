package fastnetmon.metrics;

import fastnetmon.metrics.MetricFamily.Type;
import fastnetmon.source.flow.FlowExporter;
import fastnetmon.source.flow.FlowPipeline;
import fastnetmon.source.flow.FlowProtocol;
import fastnetmon.source.flow.FlowStat;

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
        long[][] stats = new long[P][FlowStat.values().length];
        long unknownVersions = 0;
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
                for (int i = 0; i < P; i++) {
                    for (FlowStat st : FlowStat.values()) {
                        stats[i][st.ordinal()] += e.count(st, PROTOCOLS[i]);
                    }
                }
                unknownVersions += e.unknownVersions();
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
        out.add(MetricFamily.counter("fastnetmon_netflow_ipfix_unknown_protocol_version",
                "Datagrams on a NetFlow port that are no NetFlow v5, v9 or IPFIX", unknownVersions));
        out.add(MetricFamily.counter("fastnetmon_template_update_attempts_with_same_template_data",
                "Template refreshes that repeated the template already kept", stats[v9][FlowStat.TEMPLATE_SAME.ordinal()]
                        + stats[ipfix][FlowStat.TEMPLATE_SAME.ordinal()]));
        durations(out, "fastnetmon_netflow_v5_", "Netflow v5", stats[v5]);
        templateFamilies(out, "fastnetmon_netflow_v9_", "Netflow v9", stats[v9]);
        out.add(fnm("fastnetmon_netflow_v9_broken_packets", "Malformed Netflow v9 datagrams, sets or records", stats[v9], FlowStat.DECODE_ERRORS));
        templateFamilies(out, "fastnetmon_ipfix_", "IPFIX", stats[ipfix]);
        out.add(fnm("fastnetmon_ipfix_duration_negative", "IPFIX flows whose end is before their start (counted with duration 0)",
                stats[ipfix], FlowStat.DURATION_NEGATIVE));
        out.add(fnm("fastnetmon_ipfix_packets_with_padding", "IPFIX messages with padding after the last record of a set",
                stats[ipfix], FlowStat.PADDED_MESSAGES));
        String[][] reasons = {{"idle_timeout", "idle timeout"}, {"active_timeout", "active timeout"},
                {"end_of_flow_timeout", "end of flow"}, {"force_end_timeout", "forced end"},
                {"lack_of_resource_timeout", "lack of resources"}};
        for (int i = 0; i < reasons.length; i++) {
            out.add(fnm("fastnetmon_ipfix_flows_end_reason_" + reasons[i][0], "IPFIX flows finished by " + reasons[i][1]
                    + " (flowEndReason)", stats[ipfix], FlowStat.values()[FlowStat.END_IDLE.ordinal() + i]));
        }
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

    /** FastNetMon's duration buckets of one protocol. */
    private static void durations(List<MetricFamily> out, String prefix, String what, long[] stats) {
        String[] bounds = {"less_15", "less_30", "less_60", "less_90", "less_180", "exceed_180"};
        for (int i = 0; i < bounds.length; i++) {
            out.add(fnm(prefix + "duration_" + bounds[i] + "_seconds", what + " flows lasting " + (i < 5
                    ? "up to " + bounds[i].substring(5) : "more than 180") + " seconds (last minus first switched)",
                    stats, FlowStat.values()[FlowStat.DURATION_15.ordinal() + i]));
        }
    }

    /** The families FastNetMon serves for both NetFlow v9 and IPFIX. */
    private static void templateFamilies(List<MetricFamily> out, String prefix, String what, long[] s) {
        out.add(fnm(prefix + "total_ipv4_flows", "Total number of " + what + " IPv4 flows", s, FlowStat.IPV4_RECORDS));
        out.add(fnm(prefix + "total_ipv6_flows", "Total number of " + what + " IPv6 flows", s, FlowStat.IPV6_RECORDS));
        durations(out, prefix, what, s);
        out.add(fnm(prefix + "data_packet_number", what + " data sets decoded with their template", s, FlowStat.DATA_SETS));
        out.add(fnm(prefix + "options_packet_number", what + " options data sets decoded with their template", s, FlowStat.OPTIONS_SETS));
        out.add(fnm(prefix + "data_templates_number", what + " data templates received (refreshes included)", s, FlowStat.DATA_TEMPLATES));
        out.add(fnm(prefix + "options_templates_number", what + " options templates received (refreshes included)", s,
                FlowStat.OPTIONS_TEMPLATES));
        out.add(fnm(prefix + "packets_with_unknown_templates", what + " data sets whose template was not known when they arrived",
                s, FlowStat.UNKNOWN_TEMPLATE_SETS));
        out.add(fnm(prefix + "template_updates_number_due_to_real_changes", what + " templates replaced by different fields",
                s, FlowStat.TEMPLATE_CHANGES));
        out.add(fnm(prefix + "custom_sampling_rate_received", what + " options data records carrying a sampling rate", s,
                FlowStat.SAMPLING_RATES_RECEIVED));
        out.add(fnm(prefix + "sampling_rate_changes", what + " sampling rates new or changed for their sampler", s,
                FlowStat.SAMPLING_RATE_CHANGES));
        out.add(fnm(prefix + "forwarding_status", what + " flows with a forwarding status", s, FlowStat.FORWARDING_STATUS));
        out.add(fnm(prefix + "active_flow_timeout_received", what + " options data records carrying the active flow timeout",
                s, FlowStat.ACTIVE_TIMEOUTS));
        out.add(fnm(prefix + "inactive_flow_timeout_received", what + " options data records carrying the idle flow timeout",
                s, FlowStat.INACTIVE_TIMEOUTS));
    }

    private static MetricFamily fnm(String name, String help, long[] stats, FlowStat stat) {
        return MetricFamily.counter(name, help, stats[stat.ordinal()]);
    }

    private static MetricFamily.Builder counter(String name, String help) {
        return MetricFamily.builder(name, help, Type.COUNTER);
    }
}
