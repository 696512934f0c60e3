package fastnetmon.detection;

import fastnetmon.packet.PacketRecord;

/**
 * One packet collected for an attack's details; made off the hot path from a sample ring. A sample from a
 * flow collector stands for a flow record (or, for sFlow, a sampled packet): {@code origin} names its
 * protocol ({@link PacketRecord#origin}) and {@code packets}/{@code bytes} what it counted.
 */
public record SamplePacket(long timestampNanos, String srcIp, int srcPort, String dstIp, int dstPort,
                           int protocol, int tcpFlags, boolean fragmented, long packets, int length, int ttl,
                           long bytes, int origin) {
    /** A captured packet: it stands for its own length. */
    public SamplePacket(long timestampNanos, String srcIp, int srcPort, String dstIp, int dstPort,
                        int protocol, int tcpFlags, boolean fragmented, long packets, int length, int ttl) {
        this(timestampNanos, srcIp, srcPort, dstIp, dstPort, protocol, tcpFlags, fragmented, packets, length, ttl,
                (long) length * packets, PacketRecord.ORIGIN_CAPTURE);
    }

    public boolean fromFlowRecord() {
        return origin != PacketRecord.ORIGIN_CAPTURE;
    }
}
