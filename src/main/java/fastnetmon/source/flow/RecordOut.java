package fastnetmon.source.flow;

import fastnetmon.packet.PacketRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the decoders share at their output: the one reused {@link PacketRecord}, the hand-over of a record
 * to the sink (sampling applied, counted on the exporter) and the counting and rate-limited logging of
 * malformed input. Decoding thread only.
 */
final class RecordOut {
    private static final Logger LOG = LoggerFactory.getLogger(FlowDecoder.class);

    final PacketRecord rec = new PacketRecord();
    FlowRecordSink sink;

    /**
     * Finishes {@link #rec} (addresses, protocol, ports, flags, ttl already set by the decoder) with the
     * record's unsampled packets and bytes times {@code rate}, counts it, and hands it to the sink when it
     * has an IP address and packets. Times are ns since the epoch; {@code start} is clamped to {@code end}.
     */
    void flow(ExporterState st, FlowProtocol protocol, long packets, long bytes, long rate, long start, long end) {
        FlowExporter ex = st.exporter;
        if (packets < 0 || bytes < 0) { // unsigned 64-bit counters past 2^63: nothing real
            error(st, protocol, "a record's packet or byte counter is beyond 2^63", packets);
            return;
        }
        long r = Math.max(rate, 1);
        long p = times(packets, r), b = times(bytes, r);
        ex.add(FlowExporter.RECORDS_BASE + protocol.ordinal(), 1);
        ex.add(FlowExporter.PACKETS, p);
        ex.add(FlowExporter.BYTES, b);
        if (protocol != FlowProtocol.SFLOW5) { // sFlow samples are packets: no duration, no per-version count
            if (rec.ipVersion != 0) {
                ex.add(FlowExporter.stat(protocol, rec.ipVersion == 4 ? FlowStat.IPV4_RECORDS : FlowStat.IPV6_RECORDS), 1);
            }
            ex.add(FlowExporter.stat(protocol, FlowStat.duration(Math.max(0, end - start))), 1);
        }
        if (rec.ipVersion == 0 || p == 0) {
            return; // no IP flow (a layer-2 record) or nothing to count
        }
        long avg = Math.max(1, packets == 1 ? bytes : bytes / packets); // sFlow: always 1, no division
        rec.length = (int) Math.min(avg, Integer.MAX_VALUE);
        if (rec.ipLength == 0) {
            rec.ipLength = rec.length;
        }
        rec.packets = p;
        rec.bytes = b;
        rec.origin = origin(protocol);
        if (start > end) {
            start = end;
        }
        rec.timestampNanos = end;
        sink.record(ex, rec, start, end);
    }

    /** a * b, saturated at Long.MAX_VALUE (both non-negative). */
    static long times(long a, long b) {
        long p = a * b;
        return Math.multiplyHigh(a, b) != 0 || p < 0 ? Long.MAX_VALUE : p;
    }

    /** Counts a malformed datagram, set or record on the exporter and logs it at most once a minute. */
    void error(ExporterState st, FlowProtocol protocol, String what, long detail) {
        st.exporter.add(FlowExporter.DECODE_ERRORS, 1);
        if (protocol != null) {
            st.exporter.add(FlowExporter.stat(protocol, FlowStat.DECODE_ERRORS), 1);
        }
        if (st.mayLog(System.currentTimeMillis())) {
            LOG.warn("flow exporter {}: malformed {} datagram: {} ({}); its decode errors are counted and logged at most once a minute",
                    st.exporter.address(), protocol == null ? "flow" : name(protocol), what, detail);
        }
    }

    /** The record's mark for attack_details ({@link PacketRecord#origin}). */
    static int origin(FlowProtocol p) {
        return switch (p) {
            case SFLOW5 -> PacketRecord.ORIGIN_SFLOW;
            case NETFLOW5 -> PacketRecord.ORIGIN_NETFLOW5;
            case NETFLOW9 -> PacketRecord.ORIGIN_NETFLOW9;
            case IPFIX -> PacketRecord.ORIGIN_IPFIX;
        };
    }

    static String name(FlowProtocol p) {
        return switch (p) {
            case SFLOW5 -> "sFlow v5";
            case NETFLOW5 -> "NetFlow v5";
            case NETFLOW9 -> "NetFlow v9";
            case IPFIX -> "IPFIX";
        };
    }
}
