package fastnetmon.source.flow;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;

/**
 * Decodes sFlow v5, NetFlow v5, NetFlow v9 and IPFIX datagrams into {@link fastnetmon.packet.PacketRecord}s.
 *
 * <p>Threading: one instance per collector thread, not thread-safe. It holds the bounded exporter table
 * (exporters, templates per exporter, pending data sets), so one exporter's state lives on one thread
 * (SO_REUSEPORT hashes an exporter's datagrams to one socket). {@link #exporters()} and
 * {@link #exportersRefused()} may be called from any thread.
 *
 * <p>Never throws on bad input: malformed datagrams are counted on the exporter ({@code decodeErrors}) and
 * logged at most once a minute per exporter.
 */
public final class FlowDecoder {
    private final FlowDecoderSettings settings;

    public FlowDecoder(FlowDecoderSettings settings) {
        this.settings = settings;
    }

    /**
     * Decodes one datagram.
     *
     * @param exporterHi   the datagram's source address as in PacketRecord (IPv4 mapped ::ffff:a.b.c.d), high bits
     * @param exporterLo   low bits of that address
     * @param protocol     from the port it arrived on, or null to take it from the version field
     * @param arrivalNanos when it arrived (packet time in an export replay), ns since the epoch
     *                     Reads only {@code buf[offset, offset+length)}; the buffer's position, limit and order are left alone.
     */
    public void decode(ByteBuffer buf, int offset, int length, long exporterHi, long exporterLo,
                       FlowProtocol protocol, long arrivalNanos, FlowRecordSink sink) {
        // decoding comes in the next commits
    }

    /** The exporters seen so far (a snapshot), for metrics. */
    public Collection<FlowExporter> exporters() {
        return List.of();
    }

    /** Datagrams refused because the exporter table was full. */
    public long exportersRefused() {
        return 0;
    }

    public FlowDecoderSettings settings() {
        return settings;
    }
}
