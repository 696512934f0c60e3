package fastnetmon.source.flow;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;

import java.nio.ByteBuffer;

/**
 * Finds the UDP payload (an exported datagram) in a captured frame of any link type the replay reads:
 * Ethernet with VLAN/QinQ tags, Linux cooked v1/v2, raw IP, BSD loopback. The packet parser stops at the
 * transport header's fields; an export replay needs where the payload starts, so this walks the same
 * headers to it. Fragments are skipped (exporters on one link do not fragment; a capture of reassembled
 * traffic has none). A payload cut by the capture's snapshot length is returned as far as it was
 * captured: decoders see a truncated datagram. Single thread; the fields describe the last frame found.
 */
final class UdpLocator {
    int payloadOffset, payloadLength, dstPort;
    long srcHi, srcLo;

    /** True when the frame is a whole (unfragmented) UDP datagram over IPv4 or IPv6. */
    boolean locate(int linkType, ByteBuffer buf, int offset, int capturedLength) {
        int end = Math.min(offset + capturedLength, buf.limit());
        switch (linkType) {
            case PacketParser.LINKTYPE_ETHERNET:
                return end - offset >= 14 && etherType(buf, u16(buf, offset + 12), offset + 14, end);
            case PacketParser.LINKTYPE_LINUX_SLL:
                return end - offset >= 16 && etherType(buf, u16(buf, offset + 14), offset + 16, end);
            case PacketParser.LINKTYPE_LINUX_SLL2:
                return end - offset >= 20 && etherType(buf, u16(buf, offset), offset + 20, end);
            case PacketParser.LINKTYPE_RAW:
            case PacketParser.LINKTYPE_RAW_12:
            case PacketParser.LINKTYPE_RAW_14:
            case PacketParser.LINKTYPE_IPV4:
            case PacketParser.LINKTYPE_IPV6:
                return ip(buf, offset, end);
            case PacketParser.LINKTYPE_NULL:
            case PacketParser.LINKTYPE_LOOP:
                return end - offset >= 4 && ip(buf, offset + 4, end);
            default:
                return false;
        }
    }

    private boolean etherType(ByteBuffer buf, int type, int off, int end) {
        for (int tags = 0; tags < 8; tags++) {
            if (type == PacketParser.ETHERTYPE_IPV4 || type == PacketParser.ETHERTYPE_IPV6) {
                return ip(buf, off, end);
            }
            if (type != PacketParser.ETHERTYPE_VLAN && type != PacketParser.ETHERTYPE_QINQ
                    && type != PacketParser.ETHERTYPE_QINQ_9100 && type != PacketParser.ETHERTYPE_QINQ_9200 || end - off < 4) {
                return false;
            }
            type = u16(buf, off + 2);
            off += 4;
        }
        return false;
    }

    private boolean ip(ByteBuffer buf, int off, int end) {
        if (end - off < 1) {
            return false;
        }
        int version = (buf.get(off) & 0xff) >>> 4;
        if (version == 4) {
            if (end - off < 20) {
                return false;
            }
            int ihl = (buf.get(off) & 0x0f) * 4;
            int fragment = u16(buf, off + 6) & 0x3fff; // MF and the offset
            if (ihl < 20 || fragment != 0 || (buf.get(off + 9) & 0xff) != PacketRecord.UDP) {
                return false;
            }
            srcHi = 0;
            srcLo = PacketRecord.V4_MAPPED_PREFIX | Integer.toUnsignedLong(buf.getInt(off + 12));
            return udp(buf, off + ihl, end);
        }
        if (version == 6) {
            if (end - off < 40) {
                return false;
            }
            srcHi = buf.getLong(off + 8);
            srcLo = buf.getLong(off + 16);
            int next = buf.get(off + 6) & 0xff;
            int p = off + 40;
            for (int ext = 0; ext < 8 && next != PacketRecord.UDP; ext++) {
                // hop-by-hop, routing, destination options; a fragment header (44) or anything else ends it
                if ((next != 0 && next != 43 && next != 60) || end - p < 8) {
                    return false;
                }
                next = buf.get(p) & 0xff;
                p += 8 + (buf.get(p + 1) & 0xff) * 8;
            }
            return next == PacketRecord.UDP && udp(buf, p, end);
        }
        return false;
    }

    private boolean udp(ByteBuffer buf, int off, int end) {
        if (end - off < 8) {
            return false;
        }
        dstPort = u16(buf, off + 2);
        int udpLength = u16(buf, off + 4);
        payloadOffset = off + 8;
        int declared = udpLength >= 8 ? udpLength - 8 : end - payloadOffset; // 0: a jumbogram, take what is there
        payloadLength = Math.max(0, Math.min(declared, end - payloadOffset));
        return true;
    }

    private static int u16(ByteBuffer b, int i) {
        return b.getShort(i) & 0xffff;
    }
}
