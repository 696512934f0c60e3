package fastnetmon.packet;

import fastnetmon.networks.IpAddresses;
import fastnetmon.tools.FrameBuilder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static fastnetmon.packet.PacketParser.*;
import static org.junit.jupiter.api.Assertions.*;

class PacketParserTest {
    private final PacketRecord rec = new PacketRecord();

    private int eth(byte[] f) {
        return parse(LINKTYPE_ETHERNET, f);
    }

    private int parse(int linkType, byte[] f) {
        // Put the frame at a non-zero offset with garbage around it to catch offset and bound mistakes.
        ByteBuffer buf = ByteBuffer.allocate(f.length + 20);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0x5a);
        }
        buf.put(7, f);
        int r = PacketParser.parse(linkType, buf, 7, f.length, f.length + 4, rec);
        assertEquals(0, buf.position());
        assertEquals(buf.capacity(), buf.limit());
        return r;
    }

    private void assertV4(String src, String dst) {
        assertEquals(4, rec.ipVersion);
        assertEquals(src, IpAddresses.formatV4(rec.src4));
        assertEquals(dst, IpAddresses.formatV4(rec.dst4));
        assertEquals(src, IpAddresses.format(rec.srcHi, rec.srcLo));
        assertEquals(dst, IpAddresses.format(rec.dstHi, rec.dstLo));
    }

    private void assertV6(String src, String dst) {
        assertEquals(6, rec.ipVersion);
        assertEquals(src, IpAddresses.format(rec.srcHi, rec.srcLo));
        assertEquals(dst, IpAddresses.format(rec.dstHi, rec.dstLo));
    }

    private void assertPorts(int protocol, int src, int dst) {
        assertEquals(protocol, rec.protocol);
        assertEquals(src, rec.srcPort);
        assertEquals(dst, rec.dstPort);
    }

    @Test
    void ipv4Tcp() {
        byte[] f = FrameBuilder.ipv4("192.0.2.1", "10.1.2.3").tcp(40000, 80, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK).ttl(57).payload(10).ethernet();
        assertEquals(PARSED, eth(f));
        assertV4("192.0.2.1", "10.1.2.3");
        assertPorts(6, 40000, 80);
        assertEquals(0x12, rec.tcpFlags);
        assertTrue(rec.isSyn());
        assertEquals(57, rec.ttl);
        assertEquals(50, rec.ipLength);
        assertEquals(f.length + 4, rec.length);
        assertEquals(f.length + 4, rec.bytes);
        assertEquals(1, rec.packets);
        assertFalse(rec.fragmented);
        assertFalse(rec.laterFragment);
    }

    @Test
    void ipv4UdpAndIcmp() {
        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").udp(53, 65535).ethernet()));
        assertPorts(17, 53, 65535);
        assertEquals(0, rec.tcpFlags);
        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").icmp(8, 0).ethernet()));
        assertPorts(1, 0, 0);
        assertV4("1.2.3.4", "5.6.7.8");
        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").protocol(47, 4).ethernet()));
        assertPorts(47, 0, 0);
    }

    @Test
    void everyTcpFlagIsKept() {
        for (int flags = 0; flags < 256; flags++) {
            assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").tcp(1, 2, flags).ethernet()));
            assertEquals(flags, rec.tcpFlags);
        }
    }

    @Test
    void ethernetPaddingIsNotReadAsTransport() {
        byte[] f = FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").udp(1, 2).padding(18).ethernet();
        assertEquals(PARSED, eth(f));
        assertPorts(17, 1, 2);
        f[17] = 24; // IP total length now ends inside the UDP header; the rest counts as Ethernet padding
        assertEquals(PARSED, eth(f));
        assertPorts(17, 0, 0);
        assertEquals(24, rec.ipLength);
    }

    @Test
    void ipv4Options() {
        for (int opt = 0; opt <= 40; opt += 4) {
            byte[] f = FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").ipv4Options(opt).udp(1111, 2222).ethernet();
            assertEquals(PARSED, eth(f));
            assertPorts(17, 1111, 2222);
            assertEquals(28 + opt, rec.ipLength);
        }
    }

    @Test
    void ipv4Fragments() {
        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").udp(1, 2).payload(100).fragment(0, true).ethernet()));
        assertTrue(rec.fragmented);
        assertFalse(rec.laterFragment);
        assertPorts(17, 1, 2);

        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").udp(1, 2).fragment(14, true).ethernet()));
        assertTrue(rec.fragmented);
        assertTrue(rec.laterFragment);
        assertPorts(17, 0, 0);

        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").tcp(1, 2, 2).fragment(100, false).ethernet()));
        assertTrue(rec.fragmented);
        assertTrue(rec.laterFragment);
        assertPorts(6, 0, 0);
        assertEquals(0, rec.tcpFlags);
        assertV4("1.2.3.4", "5.6.7.8");
    }

    @Test
    void vlanQinqAndDeepStacks() {
        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").vlan(100).udp(1, 2).ethernet()));
        assertPorts(17, 1, 2);
        assertEquals(PARSED, eth(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").qinq(10, 20).tcp(3, 4, 2).ethernet()));
        assertPorts(6, 3, 4);
        assertV6("2001:db8::1", "2001:db8::2");
        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").tag(0x9100, 1).tag(0x88a8, 2).vlan(3).udp(5, 6).ethernet()));
        assertPorts(17, 5, 6);

        FrameBuilder max = FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").udp(7, 8);
        for (int i = 0; i < MAX_VLAN_TAGS; i++) {
            max.vlan(i);
        }
        assertEquals(PARSED, eth(max.ethernet()));
        assertEquals(MALFORMED, eth(max.vlan(99).ethernet()));
    }

    @Test
    void mpls() {
        assertEquals(PARSED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").mpls(16).udp(1, 2).ethernet()));
        assertPorts(17, 1, 2);
        assertEquals(PARSED, eth(FrameBuilder.ipv6("::1", "::2").vlan(5).mpls(100, 200, 300, 400).icmp(128, 0).ethernet()));
        assertPorts(58, 0, 0);
        assertV6("::1", "::2");
        byte[] f = FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").mpls(1, 2).udp(1, 2).ethernet();
        f[12] = (byte) 0x88;
        f[13] = 0x48; // multicast MPLS
        assertEquals(PARSED, eth(f));
        f[22] = 0x00; // IP version nibble after the stack: not IP
        assertEquals(NOT_IP, eth(f));
        byte[] noBottom = FrameBuilder.ethernetFrame(0x8847, 8); // two labels, neither bottom-of-stack
        assertEquals(MALFORMED, eth(noBottom));
        assertEquals(MALFORMED, eth(FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").mpls(new int[MAX_MPLS_LABELS + 1]).ethernet()));
    }

    @Test
    void ipv6ExtensionHeaders() {
        byte[] f = FrameBuilder.ipv6("2001:db8::a", "2001:db8::b").ipv6Ext(0, 6).ipv6Ext(43, 22).ipv6Ext(60, 14).ipv6Ext(51, 18)
                .tcp(443, 50000, PacketRecord.TCP_RST).ttl(3).payload(7).ethernet();
        assertEquals(PARSED, eth(f));
        assertPorts(6, 443, 50000);
        assertEquals(PacketRecord.TCP_RST, rec.tcpFlags);
        assertEquals(3, rec.ttl);
        assertEquals(f.length - 14, rec.ipLength);
        assertFalse(rec.fragmented);
        assertEquals(PARSED, eth(FrameBuilder.ipv6("::1", "::2").icmp(135, 0).ethernet()));
        assertPorts(58, 0, 0);
        assertEquals(PARSED, eth(FrameBuilder.ipv6("::1", "::2").protocol(50, 8).ethernet()));
        assertPorts(50, 0, 0);
        assertEquals(PARSED, eth(FrameBuilder.ipv6("::1", "::2").ipv6Ext(0, 6).protocol(59, 0).ethernet()));
        assertPorts(59, 0, 0);

        FrameBuilder chain = FrameBuilder.ipv6("::1", "::2").udp(1, 2);
        for (int i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
            chain.ipv6Ext(60, 6);
        }
        assertEquals(PARSED, eth(chain.ethernet()));
        assertPorts(17, 1, 2);
        assertEquals(PARSED, eth(chain.ipv6Ext(60, 6).ethernet()));
        assertPorts(60, 0, 0); // too long a chain: addresses kept, transport unknown
        assertV6("::1", "::2");
    }

    @Test
    void ipv6Fragments() {
        assertEquals(PARSED, eth(FrameBuilder.ipv6("::1", "::2").ipv6Ext(0, 6).udp(9, 10).fragment(0, true).ethernet()));
        assertTrue(rec.fragmented);
        assertFalse(rec.laterFragment);
        assertPorts(17, 9, 10);
        assertEquals(PARSED, eth(FrameBuilder.ipv6("::1", "::2").udp(9, 10).fragment(185, false).ethernet()));
        assertTrue(rec.fragmented);
        assertTrue(rec.laterFragment);
        assertPorts(17, 0, 0);
    }

    @Test
    void linuxCookedAndRaw() {
        FrameBuilder b = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(100, 200);
        assertEquals(PARSED, parse(LINKTYPE_LINUX_SLL, b.sll()));
        assertPorts(17, 100, 200);
        assertEquals(PARSED, parse(LINKTYPE_LINUX_SLL2, b.sll2()));
        assertPorts(17, 100, 200);
        FrameBuilder v = FrameBuilder.ipv6("::5", "::6").vlan(7).tcp(1, 2, 1);
        assertEquals(PARSED, parse(LINKTYPE_LINUX_SLL, v.sll()));
        assertPorts(6, 1, 2);
        assertEquals(PARSED, parse(LINKTYPE_LINUX_SLL2, v.sll2()));
        assertPorts(6, 1, 2);
        assertV6("::5", "::6");

        for (int lt : new int[]{LINKTYPE_RAW, LINKTYPE_RAW_12, LINKTYPE_RAW_14}) {
            assertEquals(PARSED, parse(lt, b.ip()));
            assertV4("10.0.0.1", "10.0.0.2");
            assertEquals(PARSED, parse(lt, v.ip()));
            assertV6("::5", "::6");
        }
        assertEquals(PARSED, parse(LINKTYPE_IPV4, b.ip()));
        assertEquals(MALFORMED, parse(LINKTYPE_IPV4, v.ip()));
        assertEquals(PARSED, parse(LINKTYPE_IPV6, v.ip()));
        assertEquals(MALFORMED, parse(LINKTYPE_IPV6, b.ip()));
        byte[] ip = b.ip();
        ByteBuffer buf = ByteBuffer.wrap(ip);
        assertEquals(PARSED, PacketParser.parseIp(buf, 0, ip.length, 1500, rec));
        assertEquals(1500, rec.length);
        byte[] e = b.ethernet();
        assertEquals(PARSED, PacketParser.parseEthernet(ByteBuffer.wrap(e), 0, e.length, e.length, rec));
        assertPorts(17, 100, 200);
    }

    @Test
    void bsdLoopback() {
        byte[] ip = FrameBuilder.ipv4("127.0.0.1", "127.0.0.2").udp(1, 2).ip();
        byte[] f = new byte[ip.length + 4];
        System.arraycopy(ip, 0, f, 4, ip.length);
        f[0] = 2; // AF_INET little-endian (NULL)
        assertEquals(PARSED, parse(LINKTYPE_NULL, f));
        f[0] = 0;
        f[3] = 2; // network order (LOOP)
        assertEquals(PARSED, parse(LINKTYPE_LOOP, f));
        f[3] = 17;
        assertEquals(NOT_IP, parse(LINKTYPE_LOOP, f));
    }

    @Test
    void notIp() {
        assertEquals(NOT_IP, eth(FrameBuilder.ethernetFrame(0x0806, 28))); // ARP
        assertEquals(NOT_IP, eth(FrameBuilder.ethernetFrame(0x88cc, 40))); // LLDP
        assertEquals(NOT_IP, eth(FrameBuilder.ethernetFrame(0x0026, 46))); // 802.3 length field
        assertEquals(0, rec.ipVersion);
        assertEquals(NOT_IP, parse(9999, new byte[60]));
    }

    @Test
    void pppoeSession() {
        byte[] ip = FrameBuilder.ipv6("::1", "::2").udp(3, 4).ip();
        byte[] f = new byte[22 + ip.length];
        System.arraycopy(FrameBuilder.ethernetFrame(0x8864, 0), 0, f, 0, 14);
        f[14] = 0x11;
        f[20] = 0x00;
        f[21] = 0x57;
        System.arraycopy(ip, 0, f, 22, ip.length);
        assertEquals(PARSED, eth(f));
        assertPorts(17, 3, 4);
        f[21] = (byte) 0xc0;
        assertEquals(NOT_IP, eth(f));
    }

    @Test
    void invalidIpHeaders() {
        byte[] f = FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").udp(1, 2).ethernet();
        f[14] = 0x65; // version 6 under ethertype IPv4
        assertEquals(MALFORMED, eth(f));
        f[14] = 0x44; // IHL 4 < 5
        assertEquals(MALFORMED, eth(f));
        f[14] = 0x4f; // IHL 60 > captured header
        assertEquals(MALFORMED, eth(f));
        f[14] = 0x45;
        f[16] = 0;
        f[17] = 10; // total length below the header length
        assertEquals(MALFORMED, eth(f));
        byte[] g = FrameBuilder.ipv6("::1", "::2").udp(1, 2).ethernet();
        g[14] = 0x45;
        assertEquals(MALFORMED, eth(g));
        assertEquals(MALFORMED, parse(LINKTYPE_RAW, new byte[0]));
        assertEquals(MALFORMED, parse(LINKTYPE_RAW, new byte[]{0x20, 0, 0}));
    }

    @Test
    void truncatedTransportIsStillParsed() {
        byte[] f = FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").tcp(1, 2, 2).ethernet();
        ByteBuffer buf = ByteBuffer.wrap(f);
        assertEquals(PARSED, PacketParser.parse(LINKTYPE_ETHERNET, buf, 0, 34 + 19, 1514, rec));
        assertPorts(6, 0, 0);
        assertEquals(0, rec.tcpFlags);
        assertV4("1.2.3.4", "5.6.7.8");
        assertEquals(1514, rec.length);
        assertEquals(PARSED, PacketParser.parse(LINKTYPE_ETHERNET, buf, 0, 34 + 20, 1514, rec));
        assertPorts(6, 1, 2);
        assertEquals(MALFORMED, PacketParser.parse(LINKTYPE_ETHERNET, buf, 0, 33, 1514, rec));
    }

    @Test
    void argumentsOutsideTheBufferAreMalformedNotExceptions() {
        byte[] f = FrameBuilder.ipv4("1.2.3.4", "5.6.7.8").udp(1, 2).ethernet();
        ByteBuffer buf = ByteBuffer.wrap(f);
        assertEquals(MALFORMED, PacketParser.parse(LINKTYPE_ETHERNET, buf, -1, 10, 10, rec));
        assertEquals(MALFORMED, PacketParser.parse(LINKTYPE_ETHERNET, buf, 0, -5, 10, rec));
        assertEquals(MALFORMED, PacketParser.parse(LINKTYPE_ETHERNET, buf, f.length + 1, 10, 10, rec));
        // a captured length beyond the buffer is clamped to its limit
        assertEquals(PARSED, PacketParser.parse(LINKTYPE_ETHERNET, buf, 0, Integer.MAX_VALUE, 10, rec));
        assertPorts(17, 1, 2);
        assertEquals(MALFORMED, PacketParser.parse(LINKTYPE_ETHERNET, buf.duplicate().limit(30), 0, f.length, 10, rec));
    }

    @Test
    void resetsTheRecordAndWorksOnDirectLittleEndianBuffers() {
        byte[] f = FrameBuilder.ipv6("2001:db8::1:2:3:4", "ff02::1").vlan(1).udp(546, 547).ethernet();
        ByteBuffer direct = ByteBuffer.allocateDirect(f.length + 3).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(3, f);
        assertEquals(PARSED, PacketParser.parse(LINKTYPE_ETHERNET, direct, 3, f.length, f.length, rec));
        assertV6("2001:db8::1:2:3:4", "ff02::1");
        assertPorts(17, 546, 547);
        byte[] v4 = FrameBuilder.ipv4("198.51.100.7", "203.0.113.9").tcp(1, 2, 2).ethernet();
        direct = ByteBuffer.allocateDirect(v4.length).order(ByteOrder.LITTLE_ENDIAN).put(0, v4);
        assertEquals(PARSED, PacketParser.parse(LINKTYPE_ETHERNET, direct, 0, v4.length, v4.length, rec));
        assertV4("198.51.100.7", "203.0.113.9");

        rec.fragmented = true;
        rec.srcPort = 9;
        assertEquals(NOT_IP, eth(FrameBuilder.ethernetFrame(0x0806, 28)));
        assertFalse(rec.fragmented);
        assertEquals(0, rec.srcPort);
        assertEquals(0, rec.ipVersion);
        assertEquals(46, rec.length);
    }
}
