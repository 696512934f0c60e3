package fastnetmon.detection;

/** One packet collected for an attack's details; made off the hot path from a sample ring. */
public record SamplePacket(long timestampNanos, String srcIp, int srcPort, String dstIp, int dstPort,
                           int protocol, int tcpFlags, boolean fragmented, long packets, int length, int ttl) {
}
