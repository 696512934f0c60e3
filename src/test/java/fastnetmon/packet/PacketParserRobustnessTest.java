package fastnetmon.packet;

import fastnetmon.tools.FrameBuilder;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static fastnetmon.packet.PacketParser.*;
import static org.junit.jupiter.api.Assertions.*;

class PacketParserRobustnessTest {
    private final PacketRecord rec = new PacketRecord();

    private static List<byte[]> validFrames() {
        return List.of(
                FrameBuilder.ipv4("10.0.0.1", "192.0.2.2").tcp(1234, 80, 2).payload(6).ethernet(),
                FrameBuilder.ipv4("10.0.0.1", "192.0.2.2").qinq(1, 2).ipv4Options(12).udp(53, 53).ethernet(),
                FrameBuilder.ipv4("10.0.0.1", "192.0.2.2").mpls(1, 2, 3).icmp(0, 0).ethernet(),
                FrameBuilder.ipv6("2001:db8::1", "::2").vlan(9).ipv6Ext(0, 6).ipv6Ext(51, 10).udp(1, 2).fragment(0, true).ethernet(),
                FrameBuilder.ipv6("2001:db8::1", "::2").ipv6Ext(43, 14).tcp(5, 6, 0x18).ethernet());
    }

    /** Per frame above: end of the IP header (shorter prefixes are MALFORMED) and end of the transport header (ports known). */
    private static final int[] IP_END = {34, 54, 46, 58, 54};
    private static final int[] L4_END = {54, 62, 54, 98, 90};

    @Test
    void everyPrefixOfValidFrames() {
        List<byte[]> frames = validFrames();
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            assertEquals(PARSED, PacketParser.parse(LINKTYPE_ETHERNET, ByteBuffer.wrap(f), 0, f.length, f.length, rec));
            int fullSrc = rec.srcPort, fullDst = rec.dstPort, fullProto = rec.protocol;
            long fullDstLo = rec.dstLo;
            for (int len = 0; len <= f.length; len++) {
                // the buffer ends where the capture ends, so any read past it would throw
                ByteBuffer cut = ByteBuffer.wrap(f, 0, len).slice();
                int r = PacketParser.parse(LINKTYPE_ETHERNET, cut, 0, len, f.length, rec);
                String at = "frame " + i + " prefix " + len;
                assertEquals(f.length, rec.length, at);
                if (len < IP_END[i]) {
                    assertEquals(MALFORMED, r, at);
                    continue;
                }
                assertEquals(PARSED, r, at);
                assertEquals(fullDstLo, rec.dstLo, at);
                assertEquals(len >= L4_END[i] ? fullSrc : 0, rec.srcPort, at);
                assertEquals(len >= L4_END[i] ? fullDst : 0, rec.dstPort, at);
                if (len >= L4_END[i]) {
                    assertEquals(fullProto, rec.protocol, at);
                }
            }
        }
    }

    @Test
    void randomBytesNeverThrow() {
        SplittableRandom rnd = new SplittableRandom(42);
        int[] linkTypes = {LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_NULL};
        List<byte[]> seeds = validFrames();
        byte[] data = new byte[256];
        ByteBuffer buf = ByteBuffer.wrap(data);
        int[] results = new int[3];
        for (int i = 0; i < 200_000; i++) {
            int len;
            if (i % 2 == 0) {
                len = rnd.nextInt(data.length + 1);
                for (int j = 0; j < len; j++) {
                    data[j] = (byte) rnd.nextInt();
                }
                // steer random frames towards interesting ethertypes and IP versions
                if (len > 14 && rnd.nextBoolean()) {
                    int[] types = {0x0800, 0x86dd, 0x8100, 0x88a8, 0x8847, 0x8864};
                    int t = types[rnd.nextInt(types.length)];
                    data[12] = (byte) (t >>> 8);
                    data[13] = (byte) t;
                    data[14] = (byte) ((rnd.nextBoolean() ? 0x40 : 0x60) | (data[14] & 0x0f));
                }
            } else {
                // mutate a valid frame: flip a few bytes
                byte[] s = seeds.get(rnd.nextInt(seeds.size()));
                System.arraycopy(s, 0, data, 0, s.length);
                len = rnd.nextInt(s.length + 1);
                for (int k = rnd.nextInt(4); k >= 0; k--) {
                    data[rnd.nextInt(s.length)] = (byte) rnd.nextInt();
                }
            }
            int r = PacketParser.parse(linkTypes[rnd.nextInt(linkTypes.length)], buf, 0, len, len, rec);
            results[r]++;
        }
        assertTrue(results[PARSED] > 1000, "fuzz reached the IP parser: " + results[PARSED]);
        assertTrue(results[MALFORMED] > 1000);
    }

    @Test
    void parseAllocatesNothing() {
        List<byte[]> frames = validFrames();
        ByteBuffer[] bufs = new ByteBuffer[frames.size()];
        for (int i = 0; i < bufs.length; i++) {
            byte[] f = frames.get(i);
            bufs[i] = ByteBuffer.allocateDirect(f.length).put(0, f);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long sink = loop(bufs, 300_000); // warm-up: JIT
        long before = mx.getThreadAllocatedBytes(tid);
        sink += loop(bufs, 1_000_000);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(sink != 0);
        assertTrue(allocated < 4096, "parse allocated " + allocated + " bytes over 1M packets");
    }

    private long loop(ByteBuffer[] bufs, int n) {
        long sink = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer b = bufs[i % bufs.length];
            int cap = (i & 7) == 0 ? b.capacity() / 2 : b.capacity(); // include truncated ones
            sink += PacketParser.parse(LINKTYPE_ETHERNET, b, 0, cap, b.capacity(), rec) + rec.srcPort + rec.dstLo;
        }
        return sink;
    }
}
