package fastnetmon.packet;

import fastnetmon.networks.IpAddresses;

/**
 * The one compact packet record every traffic source fills: capture engines and capture files through
 * {@link PacketParser}, flow collectors from their records. It is a mutable flyweight: each source
 * thread owns one and refills it for every packet, so the hot path allocates nothing.
 *
 * <p>Addresses are kept as two longs each (high and low 64 bits). An IPv4 address is stored
 * IPv4-mapped (::ffff:a.b.c.d): {@code hi = 0}, {@code lo = 0xffff_0000_0000L | v4}, with the plain
 * 32-bit value also in {@link #src4}/{@link #dst4} for the fast IPv4 lookups.
 */
public final class PacketRecord {
    public static final long V4_MAPPED_PREFIX = IpAddresses.V4_MAPPED_PREFIX;

    /** Packet time in nanoseconds since the epoch. */
    public long timestampNanos;
    /** 4 or 6. */
    public int ipVersion;
    public int src4, dst4;
    public long srcHi, srcLo, dstHi, dstLo;
    /** IP protocol number of the transport header that was reached (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...). */
    public int protocol;
    public int srcPort, dstPort;
    /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20...), 0 for other protocols. */
    public int tcpFlags;
    public int ttl;
    /** True for any fragment of a fragmented IP packet (MF set or a non-zero offset, or an IPv6 fragment header). */
    public boolean fragmented;
    /** True when this is a non-first fragment: ports are unknown (0). */
    public boolean laterFragment;
    /** Length of the packet on the wire (frame length), what byte counters add. */
    public int length;
    /** IP total length from the IP header (IPv4 total length, IPv6 payload length + 40). */
    public int ipLength;
    /** How many real packets this record stands for (1 for captured packets; the sampling rate or flow packet count for flows). */
    public long packets;
    /** How many bytes this record stands for (the wire length for captured packets). */
    public long bytes;
    /** Where the record came from: {@link #ORIGIN_CAPTURE} or the flow protocol whose record it is (attack_details marks these). */
    public int origin;

    public static final int TCP = 6, UDP = 17, ICMP = 1, ICMPV6 = 58;
    public static final int ORIGIN_CAPTURE = 0, ORIGIN_SFLOW = 1, ORIGIN_NETFLOW5 = 2, ORIGIN_NETFLOW9 = 3, ORIGIN_IPFIX = 4;
    public static final int TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10, TCP_URG = 0x20;

    public void setIpv4(int src, int dst) {
        ipVersion = 4;
        src4 = src;
        dst4 = dst;
        srcHi = 0;
        srcLo = V4_MAPPED_PREFIX | (src & 0xffff_ffffL);
        dstHi = 0;
        dstLo = V4_MAPPED_PREFIX | (dst & 0xffff_ffffL);
    }

    public void setIpv6(long sHi, long sLo, long dHi, long dLo) {
        ipVersion = 6;
        src4 = 0;
        dst4 = 0;
        srcHi = sHi;
        srcLo = sLo;
        dstHi = dHi;
        dstLo = dLo;
    }

    /** Clears everything above the link layer, so a parser starts from a known state. */
    public void reset() {
        ipVersion = 0;
        src4 = dst4 = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        protocol = 0;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        ttl = 0;
        fragmented = false;
        laterFragment = false;
        length = 0;
        ipLength = 0;
        packets = 1;
        bytes = 0;
        origin = ORIGIN_CAPTURE;
    }

    /** As FastNetMon: any TCP packet with the SYN bit set counts as tcp_syn. */
    public boolean isSyn() {
        return protocol == TCP && (tcpFlags & TCP_SYN) != 0;
    }
}
