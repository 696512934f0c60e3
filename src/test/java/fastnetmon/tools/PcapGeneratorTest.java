package fastnetmon.tools;

import fastnetmon.source.file.CaptureFileReader;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class PcapGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void benchmarkFileHasTheAdvertisedMix() throws IOException {
        Path p = dir.resolve("bench.pcap");
        int n = 100_000;
        long size = PcapGenerator.generate(p, n, 7);
        assertEquals(Files.size(p), size);

        PacketRecord rec = new PacketRecord();
        long bytes = 0, v6 = 0, monitored = 0, syn = 0, udp = 0, icmp = 0;
        int minLen = Integer.MAX_VALUE, maxLen = 0;
        Set<Long> hosts = new HashSet<>();
        try (CaptureFileReader r = CaptureFileReader.open(p)) {
            for (int i = 0; i < n; i++) {
                assertTrue(r.next());
                assertEquals(PcapGenerator.START_NANOS + i * 1000L, r.timestampNanos());
                assertEquals(PacketParser.PARSED, PacketParser.parse(r.linkType(), r.buffer(), r.offset(), r.capturedLength(), r.wireLength(), rec));
                bytes += rec.length;
                minLen = Math.min(minLen, rec.length);
                maxLen = Math.max(maxLen, rec.length);
                boolean srcMon, dstMon;
                if (rec.ipVersion == 6) {
                    v6++;
                    srcMon = rec.srcHi >>> 32 == 0x2001_0db8L;
                    dstMon = rec.dstHi >>> 32 == 0x2001_0db8L;
                } else {
                    srcMon = rec.src4 >>> 24 == 10;
                    dstMon = rec.dst4 >>> 24 == 10;
                }
                assertFalse(srcMon && dstMon);
                if (srcMon || dstMon) {
                    monitored++;
                    hosts.add(srcMon ? rec.srcLo : rec.dstLo);
                }
                syn += rec.isSyn() ? 1 : 0;
                udp += rec.protocol == PacketRecord.UDP ? 1 : 0;
                icmp += rec.protocol == PacketRecord.ICMP || rec.protocol == PacketRecord.ICMPV6 ? 1 : 0;
            }
            assertFalse(r.next());
        }
        double avg = (double) bytes / n;
        assertTrue(avg > 82 && avg < 88, "average frame length " + avg);
        assertEquals(60, minLen);
        assertEquals(110, maxLen);
        assertTrue(v6 > n * 0.08 && v6 < n * 0.12, "IPv6 " + v6);
        assertTrue(monitored > n * 0.45 && monitored < n * 0.55, "monitored " + monitored);
        assertTrue(hosts.size() > 2000 && hosts.size() <= 2500, "monitored hosts " + hosts.size());
        assertTrue(syn > n * 0.25 && syn < n * 0.35);
        assertTrue(udp > n * 0.2 && udp < n * 0.3);
        assertTrue(icmp > n * 0.07 && icmp < n * 0.13);

        // same seed, same file
        Path again = dir.resolve("again.pcap");
        PcapGenerator.generate(again, n, 7);
        assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(again));
    }

    @Test
    void pcapWriterLayout() throws IOException {
        Path p = dir.resolve("layout.pcap");
        byte[] frame = {1, 2, 3, 4, 5};
        try (PcapWriter w = PcapWriter.pcap(p, 101, true)) {
            w.write(3_000_000_007L, frame, 3, 60);
            assertEquals(1, w.packetCount());
            assertEquals(24 + 16 + 3, w.bytesWritten());
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(43, b.capacity());
        assertEquals(0xa1b23c4d, b.getInt(0));
        assertEquals(101, b.getInt(20));
        assertEquals(3, b.getInt(24));
        assertEquals(7, b.getInt(28));
        assertEquals(3, b.getInt(32));
        assertEquals(60, b.getInt(36));
        assertArrayEquals(new byte[]{1, 2, 3}, Arrays.copyOfRange(b.array(), 40, 43));

        Path ng = dir.resolve("layout.pcapng");
        try (PcapWriter w = PcapWriter.pcapng(ng, 1, false)) {
            w.write(3_000_000_007L, frame);
        }
        b = ByteBuffer.wrap(Files.readAllBytes(ng)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(28 + 20 + 40, b.capacity()); // SHB, IDB without options, EPB with 8 padded bytes
        assertEquals(6, b.getInt(48));
        assertEquals(3_000_000, b.getInt(64)); // microseconds, low word
        assertEquals(40, b.getInt(84));
    }

    /** Many packets make a whole file, record after record (its speed is the replay benchmark's to measure). */
    @Test
    void writesManyPacketsAsWholeRecords() throws IOException {
        Path p = dir.resolve("many.pcap");
        PcapGenerator.generate(p, 200_000, 1);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        int records = 0;
        int at = 24; // after the global header
        while (at < b.capacity()) {
            int included = b.getInt(at + 8);
            assertTrue(included > 0 && included <= 65_535, "record " + records + " has " + included + " bytes");
            at += 16 + included;
            records++;
        }
        assertEquals(b.capacity(), at, "the last record ends the file");
        assertEquals(200_000, records);
    }
}
