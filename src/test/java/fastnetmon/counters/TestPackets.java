package fastnetmon.counters;

import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;

import java.util.ArrayList;
import java.util.List;

/** Builds {@link PacketRecord}s for counter and evaluator tests: {@code TestPackets.udp("1.2.3.4", 1000, "10.0.0.1", 53)}. */
public final class TestPackets {
    private TestPackets() {
    }

    /** A packet of the given protocol, 100 bytes, 1 packet, TTL 64; an address with ':' makes it IPv6. */
    public static PacketRecord packet(String src, int srcPort, String dst, int dstPort, int protocol) {
        PacketRecord r = new PacketRecord();
        r.reset();
        setAddresses(r, src, dst);
        r.protocol = protocol;
        r.srcPort = srcPort;
        r.dstPort = dstPort;
        r.ttl = 64;
        r.length = 100;
        r.ipLength = 100;
        r.bytes = 100;
        r.packets = 1;
        return r;
    }

    public static void setAddresses(PacketRecord r, String src, String dst) {
        if (src.indexOf(':') >= 0) {
            long[] s = addr(src), d = addr(dst);
            r.setIpv6(s[0], s[1], d[0], d[1]);
        } else {
            r.setIpv4(v4(src), v4(dst));
        }
    }

    public static PacketRecord udp(String src, int srcPort, String dst, int dstPort) {
        return packet(src, srcPort, dst, dstPort, PacketRecord.UDP);
    }

    public static PacketRecord tcp(String src, int srcPort, String dst, int dstPort, int flags) {
        PacketRecord r = packet(src, srcPort, dst, dstPort, PacketRecord.TCP);
        r.tcpFlags = flags;
        return r;
    }

    public static PacketRecord syn(String src, int srcPort, String dst, int dstPort) {
        return tcp(src, srcPort, dst, dstPort, PacketRecord.TCP_SYN);
    }

    /** ICMP for IPv4, ICMPv6 for IPv6 addresses. */
    public static PacketRecord icmp(String src, String dst) {
        return packet(src, 0, dst, 0, src.indexOf(':') >= 0 ? PacketRecord.ICMPV6 : PacketRecord.ICMP);
    }

    /** A UDP fragment (first fragment: ports known). */
    public static PacketRecord udpFragment(String src, int srcPort, String dst, int dstPort) {
        PacketRecord r = udp(src, srcPort, dst, dstPort);
        r.fragmented = true;
        return r;
    }

    /** Same packet with another size: both wire length and byte count. */
    public static PacketRecord sized(PacketRecord r, int bytes) {
        r.length = bytes;
        r.ipLength = bytes;
        r.bytes = bytes;
        return r;
    }

    public static int v4(String dotted) {
        Integer v = IpAddresses.parseV4(dotted);
        if (v == null) {
            throw new IllegalArgumentException(dotted);
        }
        return v;
    }

    /** Two-long form (IPv4 mapped) of an address. */
    public static long[] addr(String text) {
        long[] a = IpAddresses.parse(text);
        if (a == null) {
            throw new IllegalArgumentException(text);
        }
        return a;
    }

    public static PrefixMatcher networks(String... cidrs) {
        return PrefixMatcher.of(cidrs(cidrs));
    }

    public static List<Cidr> cidrs(String... cidrs) {
        List<Cidr> l = new ArrayList<>();
        for (String c : cidrs) {
            l.add(Cidr.parse(c));
        }
        return l;
    }
}
