package fastnetmon.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes a captured frame into a {@link PacketRecord}. Hot path: allocates nothing, never throws on
 * malformed input, takes no locks, and only does absolute reads (the buffer's position, limit and
 * byte order are left alone; any byte order works). Every read is bounded by the captured length
 * and by the buffer's limit.
 */
public final class PacketParser {
    /** Reached the IP header and filled the record (ports stay 0 when the transport header was not captured). */
    public static final int PARSED = 0;
    /** A well-formed frame that carries no IPv4/IPv6 (ARP, LLDP, 802.3 LLC, unknown link type...). */
    public static final int NOT_IP = 1;
    /** Truncated or invalid link or IP header. */
    public static final int MALFORMED = 2;

    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    /** DLT_RAW as numbered on some BSDs; files written there carry 12 or 14 for raw IP. */
    public static final int LINKTYPE_RAW_12 = 12;
    public static final int LINKTYPE_RAW_14 = 14;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    public static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86dd, ETHERTYPE_VLAN = 0x8100,
            ETHERTYPE_QINQ = 0x88a8, ETHERTYPE_QINQ_9100 = 0x9100, ETHERTYPE_QINQ_9200 = 0x9200,
            ETHERTYPE_MPLS = 0x8847, ETHERTYPE_MPLS_MULTICAST = 0x8848, ETHERTYPE_PPPOE_SESSION = 0x8864;

    static final int MAX_VLAN_TAGS = 8, MAX_MPLS_LABELS = 16, MAX_IPV6_EXTENSIONS = 16;

    private PacketParser() {
    }

    /** Parses a frame of the given pcap link type starting at {@code offset}. */
    public static int parse(int linkType, ByteBuffer buf, int offset, int capturedLength, int wireLength, PacketRecord rec) {
        start(rec, wireLength);
        int end = end(buf, offset, capturedLength);
        if (end < 0) {
            return MALFORMED;
        }
        switch (linkType) {
            case LINKTYPE_ETHERNET:
                return ethernet(buf, offset, end, rec);
            case LINKTYPE_RAW:
            case LINKTYPE_RAW_12:
            case LINKTYPE_RAW_14:
                return ip(buf, offset, end, rec);
            case LINKTYPE_IPV4:
                return ipv4(buf, offset, end, rec);
            case LINKTYPE_IPV6:
                return ipv6(buf, offset, end, rec);
            case LINKTYPE_LINUX_SLL:
                return end - offset < 16 ? MALFORMED : etherType(buf, u16(buf, offset + 14), offset + 16, end, rec);
            case LINKTYPE_LINUX_SLL2:
                return end - offset < 20 ? MALFORMED : etherType(buf, u16(buf, offset), offset + 20, end, rec);
            case LINKTYPE_NULL:
            case LINKTYPE_LOOP: {
                if (end - offset < 4) {
                    return MALFORMED;
                }
                // 4-byte address family, host byte order (NULL) or network order (LOOP): values are < 256
                // so exactly one of the outer bytes holds it.
                int family = u8(buf, offset) | u8(buf, offset + 3);
                if (family == 2) {
                    return ipv4(buf, offset + 4, end, rec);
                }
                return family == 24 || family == 28 || family == 30 ? ipv6(buf, offset + 4, end, rec) : NOT_IP;
            }
            default:
                return NOT_IP;
        }
    }

    /** Parses an Ethernet II frame (with any VLAN/QinQ tags, MPLS or PPPoE session encapsulation). */
    public static int parseEthernet(ByteBuffer buf, int offset, int capturedLength, int wireLength, PacketRecord rec) {
        start(rec, wireLength);
        int end = end(buf, offset, capturedLength);
        return end < 0 ? MALFORMED : ethernet(buf, offset, end, rec);
    }

    /** Parses a raw IPv4 or IPv6 packet starting at {@code offset} (the version nibble decides). */
    public static int parseIp(ByteBuffer buf, int offset, int capturedLength, int wireLength, PacketRecord rec) {
        start(rec, wireLength);
        int end = end(buf, offset, capturedLength);
        return end < 0 ? MALFORMED : ip(buf, offset, end, rec);
    }

    private static void start(PacketRecord rec, int wireLength) {
        rec.reset();
        rec.length = wireLength;
        rec.bytes = wireLength;
        rec.packets = 1;
    }

    /** Exclusive end of readable bytes, or -1 when the arguments make no sense. */
    private static int end(ByteBuffer buf, int offset, int capturedLength) {
        int limit = buf.limit();
        if (offset < 0 || capturedLength < 0 || offset > limit) {
            return -1;
        }
        return (int) Math.min((long) offset + capturedLength, limit);
    }

    private static int ethernet(ByteBuffer buf, int off, int end, PacketRecord rec) {
        if (end - off < 14) {
            return MALFORMED;
        }
        return etherType(buf, u16(buf, off + 12), off + 14, end, rec);
    }

    /** Dispatches on an ethertype whose payload starts at {@code off}, unwrapping VLAN tags. */
    private static int etherType(ByteBuffer buf, int type, int off, int end, PacketRecord rec) {
        for (int tags = 0; ; tags++) {
            switch (type) {
                case ETHERTYPE_IPV4:
                    return ipv4(buf, off, end, rec);
                case ETHERTYPE_IPV6:
                    return ipv6(buf, off, end, rec);
                case ETHERTYPE_VLAN:
                case ETHERTYPE_QINQ:
                case ETHERTYPE_QINQ_9100:
                case ETHERTYPE_QINQ_9200:
                    if (tags == MAX_VLAN_TAGS || end - off < 4) {
                        return MALFORMED;
                    }
                    type = u16(buf, off + 2);
                    off += 4;
                    break;
                case ETHERTYPE_MPLS:
                case ETHERTYPE_MPLS_MULTICAST:
                    return mpls(buf, off, end, rec);
                case ETHERTYPE_PPPOE_SESSION: {
                    if (end - off < 8) {
                        return MALFORMED;
                    }
                    int ppp = u16(buf, off + 6);
                    return ppp == 0x0021 ? ipv4(buf, off + 8, end, rec) : ppp == 0x0057 ? ipv6(buf, off + 8, end, rec) : NOT_IP;
                }
                default:
                    return NOT_IP;
            }
        }
    }

    private static int mpls(ByteBuffer buf, int off, int end, PacketRecord rec) {
        for (int i = 0; i < MAX_MPLS_LABELS; i++) {
            if (end - off < 4) {
                return MALFORMED;
            }
            boolean bottom = (u8(buf, off + 2) & 1) != 0;
            off += 4;
            if (bottom) {
                if (off >= end) {
                    return MALFORMED;
                }
                // MPLS does not say what it carries: guess from the first nibble.
                int version = u8(buf, off) >>> 4;
                return version == 4 ? ipv4(buf, off, end, rec) : version == 6 ? ipv6(buf, off, end, rec) : NOT_IP;
            }
        }
        return MALFORMED;
    }

    private static int ip(ByteBuffer buf, int off, int end, PacketRecord rec) {
        if (off >= end) {
            return MALFORMED;
        }
        int version = u8(buf, off) >>> 4;
        return version == 4 ? ipv4(buf, off, end, rec) : version == 6 ? ipv6(buf, off, end, rec) : MALFORMED;
    }

    private static int ipv4(ByteBuffer buf, int off, int end, PacketRecord rec) {
        if (end - off < 20) {
            return MALFORMED;
        }
        // Two 8-byte reads cover the fixed header up to the source address (fewer bounds checks).
        long w0 = i64(buf, off);     // version/IHL, TOS, total length, identification, flags/fragment offset
        long w1 = i64(buf, off + 8); // TTL, protocol, checksum, source address
        int vihl = (int) (w0 >>> 56);
        int ihl = (vihl & 0x0f) << 2;
        int total = (int) (w0 >>> 32) & 0xffff;
        if ((vihl >>> 4) != 4 || ihl < 20 || end - off < ihl || total < ihl) {
            return MALFORMED;
        }
        int frag = (int) w0 & 0xffff;
        rec.ipLength = total;
        rec.ttl = (int) (w1 >>> 56);
        rec.protocol = (int) (w1 >>> 48) & 0xff;
        rec.setIpv4((int) w1, i32(buf, off + 16));
        int fragOffset = frag & 0x1fff;
        if ((frag & 0x2000) != 0 || fragOffset != 0) {
            rec.fragmented = true;
            if (fragOffset != 0) {
                rec.laterFragment = true;
                return PARSED;
            }
        }
        // The IP total length bounds the transport header, so Ethernet padding is never read as one.
        transport(buf, rec.protocol, off + ihl, Math.min(end, off + total), rec);
        return PARSED;
    }

    private static int ipv6(ByteBuffer buf, int off, int end, PacketRecord rec) {
        if (end - off < 40 || (u8(buf, off) >>> 4) != 6) {
            return MALFORMED;
        }
        int payload = u16(buf, off + 4);
        int next = u8(buf, off + 6);
        rec.ttl = u8(buf, off + 7);
        rec.ipLength = payload + 40;
        rec.setIpv6(i64(buf, off + 8), i64(buf, off + 16), i64(buf, off + 24), i64(buf, off + 32));
        // Payload length 0 means a jumbogram (or a TSO capture): bound by the capture only.
        int limit = payload == 0 ? end : Math.min(end, off + 40 + payload);
        int p = off + 40;
        // An extension chain cut short or too long still counts as PARSED: the addresses are known.
        for (int i = 0; ; i++) {
            rec.protocol = next;
            int len;
            switch (next) {
                case 0, 43, 60, 135, 139, 140: // hop-by-hop, routing, destination options, mobility, HIP, shim6
                    if (limit - p < 2) {
                        return PARSED;
                    }
                    len = (u8(buf, p + 1) + 1) << 3;
                    break;
                case 51: // AH counts in 4-byte words minus 2
                    if (limit - p < 2) {
                        return PARSED;
                    }
                    len = (u8(buf, p + 1) + 2) << 2;
                    break;
                case 44: // fragment
                    rec.fragmented = true;
                    if (limit - p < 8) {
                        return PARSED;
                    }
                    if ((u16(buf, p + 2) >>> 3) != 0) {
                        rec.laterFragment = true;
                        rec.protocol = u8(buf, p);
                        return PARSED;
                    }
                    len = 8;
                    break;
                default: // transport, ESP (50), no next header (59) or unknown
                    transport(buf, next, p, limit, rec);
                    return PARSED;
            }
            if (i == MAX_IPV6_EXTENSIONS) {
                return PARSED;
            }
            next = u8(buf, p);
            p += len;
        }
    }

    /** Fills ports and flags when the whole minimal transport header was captured. */
    private static void transport(ByteBuffer buf, int protocol, int p, int limit, PacketRecord rec) {
        int avail = limit - p;
        if (protocol == PacketRecord.TCP) {
            if (avail >= 20) {
                int ports = i32(buf, p);
                rec.srcPort = ports >>> 16;
                rec.dstPort = ports & 0xffff;
                rec.tcpFlags = u8(buf, p + 13);
            }
        } else if (protocol == PacketRecord.UDP) {
            if (avail >= 8) {
                int ports = i32(buf, p);
                rec.srcPort = ports >>> 16;
                rec.dstPort = ports & 0xffff;
            }
        }
    }

    private static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    private static int u16(ByteBuffer b, int i) {
        short v = b.getShort(i); // one bounds check instead of two byte reads
        return (b.order() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v)) & 0xffff;
    }

    private static int i32(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    private static long i64(ByteBuffer b, int i) {
        long v = b.getLong(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }
}
