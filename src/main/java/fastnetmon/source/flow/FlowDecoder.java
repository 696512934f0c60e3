package fastnetmon.source.flow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;

/**
 * Decodes sFlow v5, NetFlow v5, NetFlow v9 and IPFIX datagrams into {@link fastnetmon.packet.PacketRecord}s.
 *
 * <p>Threading: one instance per collector thread, not thread-safe. It holds the bounded exporter table
 * (exporters, templates per exporter, pending data sets), so one exporter's state lives on one thread
 * (SO_REUSEPORT hashes an exporter's datagrams to one socket). {@link #exporters()} and
 * {@link #exportersRefused()} may be called from any thread.
 *
 * <p>Never throws on bad input, never reads outside the datagram, never loops longer than its bytes allow:
 * malformed datagrams are counted on the exporter ({@code decodeErrors}) and logged at most once a minute
 * per exporter; what came before the fault in a datagram is used. The steady path allocates nothing per
 * record or per datagram (templates are compiled once; a template refresh that changes nothing costs nothing).
 */
public final class FlowDecoder {
    private final FlowDecoderSettings settings;
    private final ExporterTable table;
    private final RecordOut out = new RecordOut();
    private final SflowDecoder sflow;
    private final Netflow5Decoder netflow5;
    private final TemplateDecoder templates;
    // A big-endian view of the caller's buffer when it is in little-endian order (made once per buffer).
    private ByteBuffer callerBuffer, view;
    /** Reads caught past a datagram's end: a missed bounds check (the tests and fuzz targets want 0). */
    long boundsFaults;

    public FlowDecoder(FlowDecoderSettings settings) {
        this.settings = settings;
        this.table = new ExporterTable(settings);
        this.sflow = new SflowDecoder(out, settings);
        this.netflow5 = new Netflow5Decoder(out, settings);
        this.templates = new TemplateDecoder(out, settings);
    }

    /**
     * Decodes one datagram and hands its records to {@code sink}.
     *
     * @param buf          holds the datagram; only {@code buf[offset, offset+length)} is read (and never past
     *                     its limit); its position, limit and byte order are left alone
     * @param exporterHi   the datagram's source address as in PacketRecord (IPv4 mapped ::ffff:a.b.c.d), high bits
     * @param exporterLo   low bits of that address
     * @param protocol     from the port it arrived on, or null to take it from the version field
     * @param arrivalNanos when it arrived (packet time in an export replay), ns since the epoch: record times
     *                     are anchored on it (see {@link FlowRecordSink})
     */
    public void decode(ByteBuffer buf, int offset, int length, long exporterHi, long exporterLo,
                       FlowProtocol protocol, long arrivalNanos, FlowRecordSink sink) {
        ExporterState st = table.find(exporterHi, exporterLo);
        if (st == null) {
            return; // the table is full: counted in exportersRefused
        }
        st.exporter.add(FlowExporter.DATAGRAMS, 1);
        ByteBuffer b = bigEndian(buf);
        if (offset < 0 || length < 0 || offset > b.limit()) {
            out.error(st, protocol, "offset or length outside the buffer", offset);
            return;
        }
        int end = (int) Math.min((long) offset + length, b.limit());
        FlowProtocol p = protocol != null ? protocol : fromVersion(b, offset, end);
        if (p == null) {
            st.exporter.add(FlowExporter.UNKNOWN_VERSION, 1);
            out.error(st, null, "no sFlow v5, NetFlow v5/v9 or IPFIX version field", end - offset);
            return;
        }
        st.exporter.add(FlowExporter.DATAGRAMS_BASE + p.ordinal(), 1);
        out.sink = sink;
        try {
            switch (p) {
                case SFLOW5 -> sflow.decode(b, offset, end, st, arrivalNanos);
                case NETFLOW5 -> netflow5.decode(b, offset, end, st, arrivalNanos);
                case NETFLOW9 -> templates.decode(b, offset, end, st, arrivalNanos, false);
                case IPFIX -> templates.decode(b, offset, end, st, arrivalNanos, true);
            }
        } catch (IndexOutOfBoundsException e) {
            boundsFaults++;
            // Every read is checked before it is made; this is the net under that, so one missed check
            // costs a datagram, not the collector.
            out.error(st, p, "read past the datagram (" + e.getMessage() + ")", end - offset);
        } finally {
            out.sink = null;
        }
    }

    /** The protocol a datagram's version field names, or null. */
    static FlowProtocol fromVersion(ByteBuffer b, int offset, int end) {
        if (end - offset < 4) {
            return null;
        }
        int first = Wire.u16(b, offset), second = Wire.u16(b, offset + 2);
        return switch (first) {
            case 5 -> FlowProtocol.NETFLOW5;
            case 9 -> FlowProtocol.NETFLOW9;
            case 10 -> FlowProtocol.IPFIX;
            case 0 -> second == 5 ? FlowProtocol.SFLOW5 : null;
            default -> null;
        };
    }

    private ByteBuffer bigEndian(ByteBuffer buf) {
        if (buf.order() == ByteOrder.BIG_ENDIAN) {
            return buf;
        }
        if (buf != callerBuffer) {
            callerBuffer = buf;
            view = buf.duplicate().order(ByteOrder.BIG_ENDIAN);
        }
        view.limit(buf.limit());
        return view;
    }

    /** The exporters seen so far (a live read-only view, safe to iterate from any thread), for metrics. */
    public Collection<FlowExporter> exporters() {
        return table.exporters();
    }

    /** Datagrams refused because the exporter table was full. */
    public long exportersRefused() {
        return table.refused();
    }

    public FlowDecoderSettings settings() {
        return settings;
    }
}
