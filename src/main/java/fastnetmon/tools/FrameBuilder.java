package fastnetmon.tools;

import fastnetmon.networks.IpAddresses;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds test and benchmark frames: Ethernet (optionally VLAN/QinQ tagged and/or MPLS labelled), raw IP,
 * Linux cooked SLL and SLL2, carrying IPv4 (options, fragments) or IPv6 (extension headers, fragment
 * header) with TCP, UDP, ICMP/ICMPv6 or a bare protocol number. Not for the hot path: allocates freely.
 *
 * <pre>byte[] f = FrameBuilder.ipv4("10.0.0.1", "192.0.2.1").vlan(100).tcp(1234, 80, TCP_SYN).frameLength(64).ethernet();</pre>
 */
public final class FrameBuilder {
    private static final byte[] DST_MAC = {0x02, 0, 0, 0, 0, 0x01};
    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x02};

    private final int version;
    private final byte[] src, dst;
    private int protocol = 17;
    private int transportLen = 8;
    private int srcPort = 1000, dstPort = 2000, tcpFlags, icmpType, icmpCode;
    private int ttl = 64;
    private final List<int[]> tags = new ArrayList<>();
    private int[] mplsLabels = new int[0];
    private byte[] ipv4Options = new byte[0];
    private boolean fragment, moreFragments;
    private int fragmentOffset;
    private final List<int[]> ipv6Ext = new ArrayList<>();
    private int payload, frameLength, padding;

    private FrameBuilder(int version, byte[] src, byte[] dst) {
        this.version = version;
        this.src = src;
        this.dst = dst;
    }

    public static FrameBuilder ipv4(int src, int dst) {
        return new FrameBuilder(4, be(src, 4), be(dst, 4));
    }

    public static FrameBuilder ipv4(String src, String dst) {
        return ipv4((int) addr(src)[1], (int) addr(dst)[1]);
    }

    public static FrameBuilder ipv6(long srcHi, long srcLo, long dstHi, long dstLo) {
        return new FrameBuilder(6, concat(be(srcHi, 8), be(srcLo, 8)), concat(be(dstHi, 8), be(dstLo, 8)));
    }

    public static FrameBuilder ipv6(String src, String dst) {
        long[] s = addr(src), d = addr(dst);
        return ipv6(s[0], s[1], d[0], d[1]);
    }

    /** A non-IP Ethernet II frame (ARP 0x0806, LLDP 0x88cc...) with {@code payloadLen} zero bytes. */
    public static byte[] ethernetFrame(int etherType, int payloadLen) {
        byte[] f = new byte[14 + payloadLen];
        System.arraycopy(DST_MAC, 0, f, 0, 6);
        System.arraycopy(SRC_MAC, 0, f, 6, 6);
        f[12] = (byte) (etherType >>> 8);
        f[13] = (byte) etherType;
        return f;
    }

    public FrameBuilder tcp(int srcPort, int dstPort, int flags) {
        return transport(6, 20, srcPort, dstPort).flags(flags);
    }

    public FrameBuilder udp(int srcPort, int dstPort) {
        return transport(17, 8, srcPort, dstPort);
    }

    /** ICMP for IPv4, ICMPv6 for IPv6. */
    public FrameBuilder icmp(int type, int code) {
        icmpType = type;
        icmpCode = code;
        return transport(version == 4 ? 1 : 58, 8, 0, 0);
    }

    /** Any protocol number with {@code headerLen} zero bytes of transport header. */
    public FrameBuilder protocol(int protocol, int headerLen) {
        return transport(protocol, headerLen, 0, 0);
    }

    private FrameBuilder transport(int proto, int len, int sp, int dp) {
        protocol = proto;
        transportLen = len;
        srcPort = sp;
        dstPort = dp;
        return this;
    }

    private FrameBuilder flags(int flags) {
        tcpFlags = flags;
        return this;
    }

    public FrameBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    /** An 802.1Q tag (TPID 0x8100); tags are written outermost first, in call order. */
    public FrameBuilder vlan(int id) {
        return tag(0x8100, id);
    }

    /** An 802.1ad service tag (0x88a8) followed by an 802.1Q customer tag. */
    public FrameBuilder qinq(int outerId, int innerId) {
        return tag(0x88a8, outerId).tag(0x8100, innerId);
    }

    public FrameBuilder tag(int tpid, int id) {
        tags.add(new int[]{tpid, id & 0xfff});
        return this;
    }

    /** MPLS label stack, outermost first; the last gets the bottom-of-stack bit. */
    public FrameBuilder mpls(int... labels) {
        mplsLabels = labels.clone();
        return this;
    }

    /** IPv4 options of {@code len} bytes (a multiple of 4, at most 40): NOPs ending with End of Options. */
    public FrameBuilder ipv4Options(int len) {
        if (len % 4 != 0 || len > 40) {
            throw new IllegalArgumentException("IPv4 options length " + len);
        }
        ipv4Options = new byte[len];
        java.util.Arrays.fill(ipv4Options, (byte) 1);
        if (len > 0) {
            ipv4Options[len - 1] = 0;
        }
        return this;
    }

    /**
     * Makes a fragment: offset in 8-byte units. IPv4 sets MF/offset; IPv6 appends a fragment header after
     * any other extension headers.
     */
    public FrameBuilder fragment(int offsetUnits, boolean more) {
        fragment = true;
        fragmentOffset = offsetUnits;
        moreFragments = more;
        return this;
    }

    /** An IPv6 extension header (0 hop-by-hop, 43 routing, 60 destination options, 51 AH) with a body of about bodyLen bytes. */
    public FrameBuilder ipv6Ext(int type, int bodyLen) {
        ipv6Ext.add(new int[]{type, bodyLen});
        return this;
    }

    /** Bytes after the transport header. */
    public FrameBuilder payload(int n) {
        payload = n;
        return this;
    }

    /** Grows the payload so the Ethernet frame (without FCS) is at least n bytes long. */
    public FrameBuilder frameLength(int n) {
        frameLength = n;
        return this;
    }

    /** Bytes after the IP packet (Ethernet padding), not counted in IP lengths. */
    public FrameBuilder padding(int n) {
        padding = n;
        return this;
    }

    public byte[] ethernet() {
        ByteArrayOutputStream o = new ByteArrayOutputStream(128);
        o.writeBytes(DST_MAC);
        o.writeBytes(SRC_MAC);
        o.writeBytes(l2Tail());
        return o.toByteArray();
    }

    /** Raw IP packet (LINKTYPE_RAW / IPV4 / IPV6), including any padding. */
    public byte[] ip() {
        return concat(ipPacket(), new byte[padding]);
    }

    /** Linux cooked capture v1 (LINKTYPE_LINUX_SLL): 16-byte header; VLAN tags/MPLS follow as in Ethernet. */
    public byte[] sll() {
        byte[] head = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0};
        return concat(head, l2Tail());
    }

    /** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): 20-byte header, protocol first. */
    public byte[] sll2() {
        byte[] tail = l2Tail();
        byte[] head = {tail[0], tail[1], 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0};
        byte[] rest = new byte[tail.length - 2];
        System.arraycopy(tail, 2, rest, 0, rest.length);
        return concat(head, rest);
    }

    /** Everything after the MAC addresses: tags, ethertype, MPLS stack, IP packet, padding. */
    private byte[] l2Tail() {
        ByteArrayOutputStream o = new ByteArrayOutputStream(128);
        for (int[] t : tags) {
            o.writeBytes(be(t[0], 2));
            o.writeBytes(be(t[1], 2));
        }
        o.writeBytes(be(mplsLabels.length > 0 ? 0x8847 : version == 4 ? 0x0800 : 0x86dd, 2));
        for (int i = 0; i < mplsLabels.length; i++) {
            o.writeBytes(be((mplsLabels[i] << 12) | (i == mplsLabels.length - 1 ? 0x100 : 0) | 64, 4));
        }
        o.writeBytes(ipPacket());
        o.writeBytes(new byte[padding]);
        return o.toByteArray();
    }

    private int headerLength() {
        if (version == 4) {
            return 20 + ipv4Options.length + transportLen;
        }
        int n = 40 + transportLen + (fragment ? 8 : 0);
        for (int[] e : ipv6Ext) {
            n += extLength(e[1]);
        }
        return n;
    }

    private static int extLength(int bodyLen) {
        return Math.max(8, (2 + bodyLen + 7) & ~7);
    }

    /** The payload, grown to reach {@link #frameLength} in the Ethernet layout. */
    private int payloadLength() {
        int l2 = 14 + 4 * tags.size() + 4 * mplsLabels.length;
        return Math.max(payload, frameLength - l2 - headerLength());
    }

    private byte[] ipPacket() {
        byte[] l4 = new byte[transportLen + payloadLength()];
        for (int i = transportLen; i < l4.length; i++) {
            l4[i] = (byte) i;
        }
        if ((protocol == 6 && transportLen >= 20) || (protocol == 17 && transportLen >= 8)) {
            put(l4, 0, srcPort, 2);
            put(l4, 2, dstPort, 2);
        }
        if (protocol == 6 && transportLen >= 20) {
            put(l4, 4, 0x01020304, 4);
            l4[12] = 0x50;
            l4[13] = (byte) tcpFlags;
            put(l4, 14, 0xffff, 2);
        } else if (protocol == 17 && transportLen >= 8) {
            put(l4, 4, l4.length, 2);
        } else if ((protocol == 1 || protocol == 58) && transportLen >= 2) {
            l4[0] = (byte) icmpType;
            l4[1] = (byte) icmpCode;
        }
        return version == 4 ? ipv4Packet(l4) : ipv6Packet(l4);
    }

    private byte[] ipv4Packet(byte[] l4) {
        int ihl = 20 + ipv4Options.length;
        byte[] h = new byte[ihl];
        h[0] = (byte) (0x40 | (ihl >> 2));
        put(h, 2, ihl + l4.length, 2);
        put(h, 4, 0x1234, 2);
        put(h, 6, (fragment && moreFragments ? 0x2000 : 0) | (fragment ? fragmentOffset & 0x1fff : 0), 2);
        h[8] = (byte) ttl;
        h[9] = (byte) protocol;
        System.arraycopy(src, 0, h, 12, 4);
        System.arraycopy(dst, 0, h, 16, 4);
        System.arraycopy(ipv4Options, 0, h, 20, ipv4Options.length);
        int sum = 0;
        for (int i = 0; i < ihl; i += 2) {
            sum += ((h[i] & 0xff) << 8) | (h[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum += sum >>> 16;
        put(h, 10, ~sum & 0xffff, 2);
        return concat(h, l4);
    }

    private byte[] ipv6Packet(byte[] l4) {
        List<int[]> chain = new ArrayList<>(ipv6Ext);
        if (fragment) {
            chain.add(new int[]{44, 6});
        }
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        for (int i = 0; i < chain.size(); i++) {
            int type = chain.get(i)[0];
            int next = i + 1 < chain.size() ? chain.get(i + 1)[0] : protocol;
            byte[] e;
            if (type == 44) {
                e = new byte[8];
                put(e, 2, (fragmentOffset << 3) | (moreFragments ? 1 : 0), 2);
                put(e, 4, 0xabcd1234, 4);
            } else {
                e = new byte[extLength(chain.get(i)[1])];
                e[1] = (byte) (type == 51 ? e.length / 4 - 2 : e.length / 8 - 1);
            }
            e[0] = (byte) next;
            ext.writeBytes(e);
        }
        byte[] h = new byte[40];
        h[0] = 0x60;
        put(h, 4, ext.size() + l4.length, 2);
        h[6] = (byte) (chain.isEmpty() ? protocol : chain.get(0)[0]);
        h[7] = (byte) ttl;
        System.arraycopy(src, 0, h, 8, 16);
        System.arraycopy(dst, 0, h, 24, 16);
        return concat(concat(h, ext.toByteArray()), l4);
    }

    private static long[] addr(String s) {
        long[] a = IpAddresses.parse(s);
        if (a == null) {
            throw new IllegalArgumentException("not an IP address: " + s);
        }
        return a;
    }

    private static void put(byte[] b, int off, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) (v >>> (8 * (n - 1 - i)));
        }
    }

    private static byte[] be(long v, int n) {
        byte[] b = new byte[n];
        put(b, 0, v, n);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
