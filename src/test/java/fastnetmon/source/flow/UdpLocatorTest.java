package fastnetmon.source.flow;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpLocatorTest {
    private final UdpLocator u = new UdpLocator();

    /** Locates the datagram in {@code frame} (after {@code before} bytes of something else) and checks where it is. */
    private void located(int linkType, byte[] frame, int payload) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 10);
        b.position(10);
        b.put(frame);
        assertTrue(u.locate(linkType, b, 10, frame.length));
        assertEquals(2055, u.dstPort);
        assertEquals(payload, u.payloadLength);
        assertEquals(10 + frame.length - payload, u.payloadOffset);
    }

    @Test
    void everyLinkTypeOfTheReplay() {
        located(PacketParser.LINKTYPE_ETHERNET, FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").udp(9, 2055).payload(100).ethernet(), 100);
        assertEquals(0, u.srcHi);
        assertEquals(PacketRecord.V4_MAPPED_PREFIX | 0xc0000201L, u.srcLo);
        located(PacketParser.LINKTYPE_ETHERNET, FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").qinq(10, 20).udp(9, 2055).payload(64).ethernet(), 64);
        located(PacketParser.LINKTYPE_LINUX_SLL, FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").udp(9, 2055).payload(50).sll(), 50);
        located(PacketParser.LINKTYPE_LINUX_SLL2, FrameBuilder.ipv6("2001:db8::1", "::1").udp(9, 2055).payload(50).sll2(), 50);
        assertEquals(0x20010db800000000L, u.srcHi);
        assertEquals(1, u.srcLo);
        located(PacketParser.LINKTYPE_RAW, FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").ipv4Options(8).udp(9, 2055).payload(30).ip(), 30);
        located(PacketParser.LINKTYPE_IPV6, FrameBuilder.ipv6("2001:db8::1", "::1").ipv6Ext(0, 6).ipv6Ext(60, 14).udp(9, 2055).payload(40).ip(), 40);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] frame = FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").udp(9, 2055).payload(4).padding(14).ethernet();
        assertTrue(u.locate(PacketParser.LINKTYPE_ETHERNET, ByteBuffer.wrap(frame), 0, frame.length));
        assertEquals(4, u.payloadLength);
    }

    @Test
    void aPayloadCutByTheSnapshotLengthIsWhatWasCaptured() {
        byte[] frame = FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").udp(9, 2055).payload(1000).ethernet();
        assertTrue(u.locate(PacketParser.LINKTYPE_ETHERNET, ByteBuffer.wrap(frame), 0, 14 + 20 + 8 + 300));
        assertEquals(300, u.payloadLength);
    }

    @Test
    void fragmentsTcpAndCutHeadersAreNotDatagrams() {
        byte[] frag = FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").udp(9, 2055).payload(100).fragment(0, true).ethernet();
        assertFalse(u.locate(PacketParser.LINKTYPE_ETHERNET, ByteBuffer.wrap(frag), 0, frag.length));
        byte[] frag6 = FrameBuilder.ipv6("2001:db8::1", "::1").udp(9, 2055).payload(100).fragment(0, true).ethernet();
        assertFalse(u.locate(PacketParser.LINKTYPE_ETHERNET, ByteBuffer.wrap(frag6), 0, frag6.length));
        byte[] tcp = FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").tcp(9, 2055, 2).ethernet();
        assertFalse(u.locate(PacketParser.LINKTYPE_ETHERNET, ByteBuffer.wrap(tcp), 0, tcp.length));
        byte[] udp = FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").udp(9, 2055).payload(10).ethernet();
        for (int cut = 0; cut < 14 + 20 + 8; cut++) {
            assertFalse(u.locate(PacketParser.LINKTYPE_ETHERNET, ByteBuffer.wrap(udp), 0, cut), "cut at " + cut);
        }
        assertFalse(u.locate(PacketParser.LINKTYPE_ETHERNET + 1000, ByteBuffer.wrap(udp), 0, udp.length));
    }
}
