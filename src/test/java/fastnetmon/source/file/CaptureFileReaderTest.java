package fastnetmon.source.file;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static fastnetmon.packet.PacketParser.*;
import static org.junit.jupiter.api.Assertions.*;

class CaptureFileReaderTest {
    static final long T0 = 1_767_225_600_123_456_789L;

    @TempDir
    Path dir;

    /** Hand-written file content in a chosen byte order. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteOrder order;

        Bytes(ByteOrder order) {
            this.order = order;
        }

        Bytes i32(long v) {
            out.writeBytes(ByteBuffer.allocate(4).order(order).putInt((int) v).array());
            return this;
        }

        Bytes i16(int v) {
            out.writeBytes(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
            return this;
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        /** A pcapng block: type, total length, body padded to 4, total length. */
        Bytes block(int type, byte[] body) {
            int padded = (body.length + 3) & ~3;
            i32(type).i32(12 + padded).raw(body).raw(new byte[padded - body.length]).i32(12 + padded);
            return this;
        }

        Bytes shb() {
            return block(0x0a0d0d0a, new Bytes(order).i32(0x1a2b3c4d).i16(1).i16(0).i32(-1).i32(-1).bytes());
        }

        Bytes idb(int linkType, int snaplen, int tsresol) {
            Bytes b = new Bytes(order).i16(linkType).i16(0).i32(snaplen);
            if (tsresol >= 0) {
                b.i16(2).i16(4).raw("eth0".getBytes()); // if_name, to be skipped
                b.i16(9).i16(1).raw(new byte[]{(byte) tsresol, 0, 0, 0});
            }
            b.i16(0).i16(0);
            return block(1, b.bytes());
        }

        Bytes epb(int ifId, long ticks, byte[] data, int wireLen) {
            Bytes b = new Bytes(order).i32(ifId).i32(ticks >>> 32).i32(ticks).i32(data.length).i32(wireLen).raw(data);
            b.raw(new byte[((data.length + 3) & ~3) - data.length]).i16(1).i16(3).raw("hi!".getBytes()).raw(new byte[1]).i16(0).i16(0);
            return block(6, b.bytes());
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static byte[] frame(int i) {
        return FrameBuilder.ipv4(0x0a000000 + i, 0xc0000201).udp(1000 + i, 53).payload(i % 50).ethernet();
    }

    private static byte[] captured(CaptureFileReader r) {
        byte[] b = new byte[r.capturedLength()];
        r.buffer().get(r.offset(), b);
        return b;
    }

    @Test
    void pcapWrittenByPcapWriterMicroAndNano() throws IOException {
        for (boolean nanos : new boolean[]{false, true}) {
            Path p = dir.resolve("w" + nanos + ".pcap");
            try (PcapWriter w = PcapWriter.pcap(p, LINKTYPE_ETHERNET, nanos)) {
                for (int i = 0; i < 100; i++) {
                    w.write(T0 + i * 1_000_001L, frame(i), frame(i).length, frame(i).length + 4);
                }
            }
            try (CaptureFileReader r = CaptureFileReader.open(p)) {
                assertFalse(r.isPcapng());
                PacketRecord rec = new PacketRecord();
                for (int i = 0; i < 100; i++) {
                    assertTrue(r.next());
                    long expected = T0 + i * 1_000_001L;
                    assertEquals(nanos ? expected : expected / 1000 * 1000, r.timestampNanos());
                    assertArrayEquals(frame(i), captured(r));
                    assertEquals(frame(i).length + 4, r.wireLength());
                    assertEquals(LINKTYPE_ETHERNET, r.linkType());
                    assertEquals(PARSED, PacketParser.parse(r.linkType(), r.buffer(), r.offset(), r.capturedLength(), r.wireLength(), rec));
                    assertEquals(1000 + i, rec.srcPort);
                }
                assertFalse(r.next());
                assertFalse(r.next());
                assertFalse(r.truncatedAtEnd());
            }
        }
    }

    @Test
    void pcapBothByteOrdersHandWritten() throws IOException {
        byte[] f = frame(7);
        for (ByteOrder order : new ByteOrder[]{ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (boolean nanos : new boolean[]{false, true}) {
                Bytes b = new Bytes(order).i32(nanos ? 0xa1b23c4d : 0xa1b2c3d4).i16(2).i16(4).i32(0).i32(0).i32(65535)
                        .i32(LINKTYPE_RAW | 0x1000_0000); // upper bits: FCS information, not link type
                byte[] ip = FrameBuilder.ipv6("2001:db8::1", "::1").tcp(1, 2, 2).ip();
                b.i32(1_767_225_600L).i32(nanos ? 999_999_999 : 999_999).i32(ip.length).i32(1500).raw(ip);
                b.i32(1_767_225_601L).i32(5).i32(f.length).i32(f.length).raw(f);
                Path p = write("h-" + order + nanos + ".pcap", b.bytes());
                try (CaptureFileReader r = CaptureFileReader.open(p)) {
                    assertTrue(r.next());
                    assertEquals(1_767_225_600_999_999_999L - (nanos ? 0 : 999), r.timestampNanos());
                    assertEquals(LINKTYPE_RAW, r.linkType());
                    assertEquals(1500, r.wireLength());
                    assertArrayEquals(ip, captured(r));
                    assertTrue(r.next());
                    assertEquals(1_767_225_601_000_000_000L + (nanos ? 5 : 5000), r.timestampNanos());
                    assertArrayEquals(f, captured(r));
                    assertFalse(r.next());
                    assertFalse(r.truncatedAtEnd());
                }
            }
        }
    }

    @Test
    void pcapngWrittenByPcapWriter() throws IOException {
        for (boolean nanos : new boolean[]{false, true}) {
            Path p = dir.resolve("w" + nanos + ".pcapng");
            try (PcapWriter w = PcapWriter.pcapng(p, LINKTYPE_ETHERNET, nanos)) {
                for (int i = 0; i < 50; i++) {
                    w.write(T0 + i, frame(i));
                }
            }
            try (CaptureFileReader r = CaptureFileReader.open(p)) {
                assertTrue(r.isPcapng());
                for (int i = 0; i < 50; i++) {
                    assertTrue(r.next());
                    assertEquals(nanos ? T0 + i : (T0 + i) / 1000 * 1000, r.timestampNanos());
                    assertArrayEquals(frame(i), captured(r));
                    assertEquals(frame(i).length, r.wireLength());
                }
                assertFalse(r.next());
                assertFalse(r.truncatedAtEnd());
            }
        }
    }

    @Test
    void pcapngSectionsInterfacesSimplePacketsAndUnknownBlocks() throws IOException {
        byte[] eth = frame(1);
        byte[] ip = FrameBuilder.ipv4("1.1.1.1", "2.2.2.2").icmp(8, 0).ip();
        byte[] sll = FrameBuilder.ipv6("::7", "::8").udp(7, 8).sll();
        Bytes be = new Bytes(ByteOrder.BIG_ENDIAN).shb()
                .idb(LINKTYPE_ETHERNET, 0, 0x94)        // 2^-20 s
                .block(0x0bad, new byte[]{1, 2, 3, 4, 5}) // unknown
                .idb(LINKTYPE_RAW, 40, 3)               // ms, snaplen 40
                .block(4, new byte[16])                  // name resolution block
                .epb(1, 1_767_225_600_500L, ip, ip.length)
                .epb(0, (1_767_225_600L << 20) + (1 << 19), eth, 200)
                .block(3, new Bytes(ByteOrder.BIG_ENDIAN).i32(eth.length).raw(eth).bytes()) // simple packet block
                .block(5, new byte[20]);                 // interface statistics
        Bytes le = new Bytes(ByteOrder.LITTLE_ENDIAN).shb()
                .idb(LINKTYPE_LINUX_SLL, 0, -1)         // default resolution: µs
                .epb(0, 1_767_225_602_000_001L, sll, sll.length);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(be.bytes());
        all.writeBytes(le.bytes());
        Path p = write("multi.pcapng", all.toByteArray());

        try (CaptureFileReader r = CaptureFileReader.open(p)) {
            PacketRecord rec = new PacketRecord();
            assertTrue(r.next());
            assertEquals(LINKTYPE_RAW, r.linkType());
            assertEquals(1_767_225_600_500_000_000L, r.timestampNanos());
            assertArrayEquals(ip, captured(r));
            assertEquals(PARSED, PacketParser.parse(r.linkType(), r.buffer(), r.offset(), r.capturedLength(), r.wireLength(), rec));
            assertEquals(PacketRecord.ICMP, rec.protocol);

            assertTrue(r.next());
            assertEquals(LINKTYPE_ETHERNET, r.linkType());
            assertEquals(1_767_225_600_500_000_000L, r.timestampNanos());
            assertArrayEquals(eth, captured(r));
            assertEquals(200, r.wireLength());

            assertTrue(r.next()); // SPB: interface 0, previous timestamp
            assertEquals(LINKTYPE_ETHERNET, r.linkType());
            assertArrayEquals(eth, captured(r));
            assertEquals(eth.length, r.wireLength());
            assertEquals(1_767_225_600_500_000_000L, r.timestampNanos());

            assertTrue(r.next()); // second section, little-endian, its own interface 0
            assertEquals(LINKTYPE_LINUX_SLL, r.linkType());
            assertEquals(1_767_225_602_000_001_000L, r.timestampNanos());
            assertEquals(PARSED, PacketParser.parse(r.linkType(), r.buffer(), r.offset(), r.capturedLength(), r.wireLength(), rec));
            assertEquals(8, rec.dstPort);
            assertFalse(r.next());
            assertFalse(r.truncatedAtEnd());
        }
    }

    @Test
    void simplePacketBlockIsCutToTheSnaplen() throws IOException {
        byte[] eth = frame(40);
        Bytes b = new Bytes(ByteOrder.LITTLE_ENDIAN).shb().idb(LINKTYPE_ETHERNET, 64, -1)
                .block(3, new Bytes(ByteOrder.LITTLE_ENDIAN).i32(eth.length).raw(java.util.Arrays.copyOf(eth, 64)).bytes());
        try (CaptureFileReader r = CaptureFileReader.open(write("spb.pcapng", b.bytes()))) {
            assertTrue(r.next());
            assertEquals(64, r.capturedLength());
            assertEquals(eth.length, r.wireLength());
            assertArrayEquals(java.util.Arrays.copyOf(eth, 64), captured(r));
        }
    }

    @Test
    void truncatedLastRecordIsNotAnError() throws IOException {
        Path full = dir.resolve("full.pcap");
        Path fullNg = dir.resolve("full.pcapng");
        try (PcapWriter w = PcapWriter.pcap(full, LINKTYPE_ETHERNET, false); PcapWriter n = PcapWriter.pcapng(fullNg, LINKTYPE_ETHERNET, true)) {
            for (int i = 0; i < 3; i++) {
                w.write(T0, frame(i));
                n.write(T0, frame(i));
            }
        }
        for (Path src : new Path[]{full, fullNg}) {
            byte[] content = Files.readAllBytes(src);
            int lastLen = frame(2).length;
            // cut inside the last packet's data, inside its header, and right after the previous packet
            for (int cut : new int[]{1, lastLen / 2, lastLen + 2}) {
                Path p = write("cut" + cut + src.getFileName(), java.util.Arrays.copyOf(content, content.length - cut));
                try (CaptureFileReader r = CaptureFileReader.open(p)) {
                    assertTrue(r.next());
                    assertTrue(r.next());
                    assertArrayEquals(frame(1), captured(r));
                    assertFalse(r.next(), "cut " + cut);
                    assertTrue(r.truncatedAtEnd(), "cut " + cut);
                }
            }
        }
    }

    private CaptureFileException expectError(String name, byte[] content, boolean atOpen) throws IOException {
        Path p = write(name, content);
        CaptureFileException e;
        if (atOpen) {
            e = assertThrows(CaptureFileException.class, () -> CaptureFileReader.open(p));
        } else {
            try (CaptureFileReader r = CaptureFileReader.open(p)) {
                e = assertThrows(CaptureFileException.class, () -> {
                    while (r.next()) {
                        // read until the corrupt record
                    }
                });
            }
        }
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        return e;
    }

    @Test
    void corruptFilesAreOneLineErrors() throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] garbage = new byte[4000];
        rnd.nextBytes(garbage);
        garbage[0] = 0x12;
        CaptureFileException e = expectError("garbage.bin", garbage, true);
        assertTrue(e.getMessage().contains("offset 0: not a pcap or pcapng file"), e.getMessage());
        expectError("empty.pcap", new byte[0], true);
        expectError("short.pcap", new byte[]{(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0}, true);

        byte[] f = frame(1);
        Bytes pcap = new Bytes(ByteOrder.LITTLE_ENDIAN).i32(0xa1b2c3d4).i16(2).i16(4).i32(0).i32(0).i32(65535).i32(1);
        pcap.i32(1).i32(0).i32(f.length).i32(f.length).raw(f);
        int badAt = pcap.bytes().length;
        pcap.i32(1).i32(0).i32(-1).i32(60).raw(f);
        e = expectError("capture.pcap", pcap.bytes(), false);
        assertEquals(dir.resolve("capture.pcap") + ": offset " + badAt + ": record length 4294967295 is not plausible", e.getMessage());
        assertEquals(badAt, e.offset());

        expectError("version.pcap", new Bytes(ByteOrder.BIG_ENDIAN).i32(0xa1b2c3d4).i16(9).i16(4).i32(0).i32(0).i32(65535).i32(1).bytes(), true);

        Bytes badBom = new Bytes(ByteOrder.LITTLE_ENDIAN).i32(0x0a0d0d0a).i32(28).i32(0x11223344).i16(1).i16(0).i32(-1).i32(-1).i32(28);
        assertTrue(expectError("bom.pcapng", badBom.bytes(), true).getMessage().contains("byte-order magic"));

        byte[] mismatch = new Bytes(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, -1).epb(0, 1, f, f.length).bytes();
        mismatch[mismatch.length - 1] = 0x7f;
        assertTrue(expectError("tail.pcapng", mismatch, false).getMessage().contains("does not match"));

        byte[] noIf = new Bytes(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, -1).epb(3, 1, f, f.length).bytes();
        assertTrue(expectError("noif.pcapng", noIf, false).getMessage().contains("interface 3"));

        byte[] oddLen = new Bytes(ByteOrder.LITTLE_ENDIAN).shb().i32(6).i32(33).raw(new byte[40]).bytes();
        assertTrue(expectError("odd.pcapng", oddLen, false).getMessage().contains("offset 28: block length 33"));

        Bytes bigCap = new Bytes(ByteOrder.BIG_ENDIAN).shb().idb(1, 0, -1);
        byte[] epb = new Bytes(ByteOrder.BIG_ENDIAN).epb(0, 1, f, f.length).bytes();
        ByteBuffer.wrap(epb).putInt(20, 1_000_000); // captured length larger than the block
        assertTrue(expectError("cap.pcapng", bigCap.raw(epb).bytes(), false).getMessage().contains("captured length 1000000"));
    }

    @Test
    void recordsCrossingMappingChunksAreReadWhole() throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            frames.add(FrameBuilder.ipv4(i, ~i).tcp(i & 0xffff, 80, 2).payload(rnd.nextInt(1400)).ethernet());
        }
        for (boolean ng : new boolean[]{false, true}) {
            Path p = dir.resolve("big" + ng);
            try (PcapWriter w = ng ? PcapWriter.pcapng(p, LINKTYPE_ETHERNET, true) : PcapWriter.pcap(p, LINKTYPE_ETHERNET, true)) {
                for (int i = 0; i < frames.size(); i++) {
                    w.write(T0 + i, frames.get(i));
                }
            }
            assertTrue(Files.size(p) > 2_000_000);
            for (long chunk : new long[]{64, 1000, 4096, 65_536, 1 << 20, CaptureFileReader.DEFAULT_CHUNK}) {
                try (CaptureFileReader r = CaptureFileReader.open(p, chunk)) {
                    for (int i = 0; i < frames.size(); i++) {
                        assertTrue(r.next());
                        assertEquals(T0 + i, r.timestampNanos());
                        assertArrayEquals(frames.get(i), captured(r), "packet " + i + " chunk " + chunk);
                    }
                    assertFalse(r.next());
                    assertFalse(r.truncatedAtEnd());
                }
            }
        }
    }

    @Test
    void readingAndParsingAllocatesNothingPerPacket() throws IOException {
        Path p = dir.resolve("alloc.pcapng");
        int n = 200_000;
        try (PcapWriter w = PcapWriter.pcapng(p, LINKTYPE_ETHERNET, true)) {
            for (int i = 0; i < n; i++) {
                w.write(T0 + i, frame(i & 63));
            }
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        PacketRecord rec = new PacketRecord();
        for (int round = 0; round < 3; round++) { // the first rounds warm up the JIT
            try (CaptureFileReader r = CaptureFileReader.open(p)) {
                long sum = 0, before = mx.getThreadAllocatedBytes(tid);
                int count = 0;
                while (r.next()) {
                    PacketParser.parse(r.linkType(), r.buffer(), r.offset(), r.capturedLength(), r.wireLength(), rec);
                    sum += rec.srcPort;
                    count++;
                }
                long allocated = mx.getThreadAllocatedBytes(tid) - before;
                assertEquals(n, count);
                assertTrue(sum > 0);
                if (round == 2) {
                    assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + n + " packets");
                }
            }
        }
    }

    @Test
    void truncatedFileWithOnlyPartOfTheSectionHeader() throws IOException {
        byte[] shb = new Bytes(ByteOrder.LITTLE_ENDIAN).shb().bytes();
        try (CaptureFileReader r = CaptureFileReader.open(write("partial.pcapng", java.util.Arrays.copyOf(shb, 20)))) {
            assertFalse(r.next());
            assertTrue(r.truncatedAtEnd());
        }
        // a file holding only the 24-byte pcap header is an empty capture
        try (FileChannel ch = FileChannel.open(dir.resolve("hdr.pcap"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new Bytes(ByteOrder.LITTLE_ENDIAN).i32(0xa1b2c3d4).i16(2).i16(4).i32(0).i32(0).i32(65535).i32(1).bytes()));
        }
        try (CaptureFileReader r = CaptureFileReader.open(dir.resolve("hdr.pcap"))) {
            assertFalse(r.next());
            assertFalse(r.truncatedAtEnd());
        }
    }
}
