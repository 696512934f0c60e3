package fastnetmon.source.flow;

import fastnetmon.packet.PacketRecord;

/**
 * Where a {@link FlowDecoder} puts each record. Called on the decoding thread, synchronously from
 * {@link FlowDecoder#decode}; {@code rec} is reused after the call returns, so copy what must be kept.
 */
public interface FlowRecordSink {
    /**
     * One NetFlow/IPFIX flow record or one sFlow flow sample as a PacketRecord: addresses, protocol,
     * ports, tcpFlags, ttl (0 if unknown), fragmented, length = average packet length (bytes/packets,
     * at least 1), packets and bytes already multiplied by the sampling rate in force for it.
     * {@code startNanos..endNanos}: the span the record covers, in ns since the epoch (equal for sFlow
     * samples and for records without timing: then both are the datagram's arrival time as given to
     * {@link FlowDecoder#decode}, which stands for its export time). Never after that arrival time; the
     * exporter's own clock is followed only while it agrees with ours (see README, Decoding).
     * {@code rec.timestampNanos == endNanos}.
     */
    void record(FlowExporter exporter, PacketRecord rec, long startNanos, long endNanos);
}
