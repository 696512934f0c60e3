package fastnetmon.source.pfring;

import fastnetmon.counters.TestShards;
import fastnetmon.source.SourceException;
import fastnetmon.source.SourceRunner;
import fastnetmon.source.PacketCounter;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.packet.PacketParser;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static fastnetmon.counters.TestPackets.addr;
import static fastnetmon.counters.TestPackets.networks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JNI binding and {@link PfRingEngine} for real, over the stand-in libpfring.so serving packets
 * from pcap files written here.
 */
class PfRingEngineTest {
    private static final long T0 = 1_700_000_000_123_456_000L;
    private static final int PACKETS = 0, BYTES = 1;

    @TempDir
    Path tmp;

    private PfRingLibrary lib;
    private final CounterShard shard = TestShards.shard("pfring", networks("10.0.0.0/8", "2001:db8::/32"), 12);

    @BeforeEach
    void loadStandIn() throws Exception {
        lib = StandIn.load();
    }

    /** Frames of the mixed capture, in file order. */
    private static List<byte[]> mixedFrames() {
        List<byte[]> frames = new ArrayList<>();
        byte[] udpIn = FrameBuilder.ipv4("198.51.100.1", "10.0.0.1").udp(1000, 53).frameLength(100).ethernet();
        byte[] synIn = FrameBuilder.ipv4("203.0.113.9", "10.0.0.2").tcp(40000, 80, 0x02).frameLength(64).ethernet();
        byte[] udpOut = FrameBuilder.ipv4("10.0.0.1", "192.0.2.7").udp(53, 1000).frameLength(200).ethernet();
        byte[] v6In = FrameBuilder.ipv6("2001:db9::1", "2001:db8:1::1").udp(5000, 6000).frameLength(120).ethernet();
        byte[] arp = FrameBuilder.ethernetFrame(0x0806, 28);
        byte[] truncatedIp = java.util.Arrays.copyOf(udpIn, 24); // Ethernet + 10 bytes of IPv4 header
        for (int i = 0; i < 100; i++) {
            frames.add(udpIn);
            if (i % 2 == 0) {
                frames.add(synIn);
            }
            if (i % 5 == 0) {
                frames.add(udpOut);
                frames.add(udpOut);
            }
            if (i % 10 == 0) {
                frames.add(v6In);
            }
            if (i < 7) {
                frames.add(arp);
            }
            if (i < 3) {
                frames.add(truncatedIp);
            }
        }
        return frames;
    }

    private Path writePcap(String name, List<byte[]> frames, boolean nanos) throws Exception {
        Path file = tmp.resolve(name);
        try (PcapWriter w = PcapWriter.pcap(file, PacketParser.LINKTYPE_ETHERNET, nanos)) {
            for (int i = 0; i < frames.size(); i++) {
                w.write(T0 + i * 1_000_000L, frames.get(i));
            }
        }
        return file;
    }

    private long counter(String host, Direction dir, int cls, int metric) {
        long[] a = addr(host);
        int slot = shard.slotOf(a[0], a[1]);
        assertTrue(slot >= 0, host + " was not counted");
        long[] c = new long[CounterShard.COUNTERS];
        shard.readCounters(slot, c, 0);
        return c[CounterShard.counter(dir, cls, metric)];
    }

    /** Runs the engine on its own thread until PF_RING's statistics show {@code expected} packets, then stops it. */
    private static void runUntilReceived(PfRingEngine engine, long expected) throws Exception {
        SourceRunner runner = SourceRunner.start(engine);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (engine.received() < expected && System.nanoTime() < deadline && runner.running()) {
            Thread.sleep(20);
        }
        runner.close();
        assertFalse(runner.running(), "capture did not stop after close()");
        if (runner.failure() != null) {
            throw new AssertionError("capture failed: " + runner.failure());
        }
    }

    @Test
    void countsEveryPacketServedByLibpfringExactly() throws Exception {
        List<byte[]> frames = mixedFrames();
        Path pcap = writePcap("mixed.pcap", frames, false);
        try (PfRingEngine engine = PfRingEngine.open(lib, "file:" + pcap, PfRingEngine.DEFAULT_CAPLEN, true,
                new PacketCounter(shard))) {
            assertEquals("file:" + pcap, engine.interfaceName());
            runUntilReceived(engine, frames.size());
            assertEquals(frames.size(), engine.received(), "pfring_stats recv");
            assertEquals(0, engine.dropped());
        }
        assertEquals(210, frames.size());
        Direction in = Direction.INCOMING, out = Direction.OUTGOING;
        assertEquals(100, counter("10.0.0.1", in, TrafficClass.TOTAL, PACKETS));
        assertEquals(100 * 100, counter("10.0.0.1", in, TrafficClass.TOTAL, BYTES));
        assertEquals(100, counter("10.0.0.1", in, TrafficClass.UDP, PACKETS));
        assertEquals(40, counter("10.0.0.1", out, TrafficClass.TOTAL, PACKETS));
        assertEquals(40 * 200, counter("10.0.0.1", out, TrafficClass.TOTAL, BYTES));
        assertEquals(50, counter("10.0.0.2", in, TrafficClass.TOTAL, PACKETS));
        assertEquals(50 * 64, counter("10.0.0.2", in, TrafficClass.TOTAL, BYTES));
        assertEquals(50, counter("10.0.0.2", in, TrafficClass.TCP_SYN, PACKETS));
        assertEquals(10, counter("2001:db8:1::1", in, TrafficClass.TOTAL, PACKETS));
        assertEquals(10 * 120, counter("2001:db8:1::1", in, TrafficClass.TOTAL, BYTES));
        assertEquals(10, shard.unparsed(), "7 ARP + 3 truncated IPv4");
        long[] totals = new long[CounterShard.TOTALS];
        shard.readTotals(totals);
        assertEquals(150, totals[CounterShard.totalIndex(Direction.INCOMING, 4, PACKETS)]);
        assertEquals(40, totals[CounterShard.totalIndex(Direction.OUTGOING, 4, PACKETS)]);
        assertEquals(10, totals[CounterShard.totalIndex(Direction.INCOMING, 6, PACKETS)]);
    }

    @Test
    void shortCaptureLengthStillCountsWireLengthAndDropsAreReported() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            frames.add(FrameBuilder.ipv4("198.51.100.2", "10.0.0.3").tcp(1234, 443, 0x10).frameLength(1400).ethernet());
        }
        Path pcap = writePcap("big.pcap", frames, true);
        try (PfRingEngine engine = PfRingEngine.open(lib, "file:" + pcap + ",drop=7", 64, false,
                new PacketCounter(shard))) {
            runUntilReceived(engine, 30);
            assertEquals(30, engine.received());
            assertEquals(7, engine.dropped(), "pfring_stats drop");
        }
        assertEquals(30, counter("10.0.0.3", Direction.INCOMING, TrafficClass.TCP, PACKETS));
        assertEquals(30 * 1400, counter("10.0.0.3", Direction.INCOMING, TrafficClass.TOTAL, BYTES));
        assertEquals(0, shard.unparsed());
    }

    @Test
    void oneNativeCallReturnsABatchOfRecords() throws Exception {
        List<byte[]> frames = mixedFrames();
        Path pcap = writePcap("records.pcap", frames, false);
        String[] err = new String[1];
        long ring = PfRingNative.open(lib.handle, "file:" + pcap, 1518, true, err);
        assertTrue(ring != 0, err[0]);
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
            assertEquals(frames.size(), PfRingNative.recvBatch(ring, buf, 1024, 0), "all packets in one call");
            int off = 0;
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                assertEquals(T0 / 1000 * 1000 + i * 1_000_000L, buf.getLong(off), "timestamp of packet " + i);
                assertEquals(f.length, buf.getInt(off + 8), "captured length of packet " + i);
                assertEquals(f.length, buf.getInt(off + 12), "wire length of packet " + i);
                byte[] data = new byte[f.length];
                buf.get(off + 16, data);
                assertArrayEquals(f, data, "bytes of packet " + i);
                int padded = (f.length + 7) & ~7;
                for (int j = f.length; j < padded; j++) {
                    assertEquals(0, buf.get(off + 16 + j), "padding of packet " + i);
                }
                off += 16 + padded;
            }
            assertEquals(0, PfRingNative.recvBatch(ring, buf, 1024, 0), "exhausted, no wait");
            long start = System.nanoTime();
            assertEquals(0, PfRingNative.recvBatch(ring, buf, 1024, 150), "exhausted, waits");
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs >= 140 && waitedMs < 2_000, "waited " + waitedMs + " ms for 150");
            long[] stats = new long[2];
            assertEquals(0, PfRingNative.stats(ring, stats));
            assertArrayEquals(new long[]{frames.size(), 0}, stats);
        } finally {
            PfRingNative.close(ring);
        }

        ring = PfRingNative.open(lib.handle, "file:" + pcap, 1518, true, err);
        try {
            ByteBuffer big = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
            assertEquals(7, PfRingNative.recvBatch(ring, big, 7, 0), "maxPackets");
            // room for one full-length (1518-byte) record and a little more: short batches, none lost,
            // never past the buffer's end
            ByteBuffer small = ByteBuffer.allocateDirect(3000).order(ByteOrder.nativeOrder());
            int total = 7, n;
            while ((n = PfRingNative.recvBatch(ring, small, 1024, 0)) > 0) {
                int off = 0;
                for (int i = 0; i < n; i++) {
                    off += 16 + ((small.getInt(off + 8) + 7) & ~7);
                }
                assertTrue(off <= 3000, "records end at " + off);
                assertTrue(n < 30, n + " records");
                total += n;
            }
            assertEquals(frames.size(), total);
        } finally {
            PfRingNative.close(ring);
        }
    }

    @Test
    void missingTimestampsGetTheClock() throws Exception {
        Path pcap = tmp.resolve("zero.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            w.write(0, FrameBuilder.ipv4("198.51.100.1", "10.0.0.1").udp(1, 2).ethernet());
        }
        String[] err = new String[1];
        long ring = PfRingNative.open(lib.handle, "file:" + pcap, 1518, true, err);
        assertTrue(ring != 0, err[0]);
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.nativeOrder());
            long before = System.currentTimeMillis() * 1_000_000L;
            assertEquals(1, PfRingNative.recvBatch(ring, buf, 16, 0));
            long after = (System.currentTimeMillis() + 1) * 1_000_000L;
            long ts = buf.getLong(0);
            assertTrue(ts >= before - 1_000_000L && ts <= after, "timestamp " + ts);
        } finally {
            PfRingNative.close(ring);
        }
    }

    @Test
    void opensPromiscuousRecvOnlyAndClosesTheRing() throws Exception {
        Path pcap = writePcap("one.pcap", List.of(FrameBuilder.ethernetFrame(0x0806, 28)), false);
        Path log = tmp.resolve("calls.log");
        try (PfRingEngine engine = PfRingEngine.open(lib, "file:" + pcap + ",log=" + log, 256, true,
                new PacketCounter(shard))) {
            assertEquals(List.of("open caplen=256 flags=520", "socket_mode 2", "enable"), Files.readAllLines(log));
        }
        assertEquals("close recv=0 drop=0", Files.readAllLines(log).get(3));

        Path log2 = tmp.resolve("calls2.log");
        PfRingEngine.open(lib, "file:" + pcap + ",log=" + log2, 1518, false, new PacketCounter(shard)).close();
        assertEquals(List.of("open caplen=1518 flags=512", "socket_mode 2", "enable", "close recv=0 drop=0"),
                Files.readAllLines(log2));
    }

    @Test
    void openErrorsAreOneLine() throws Exception {
        SourceException e = assertThrows(SourceException.class, () ->
                PfRingEngine.open(lib, "file:" + tmp.resolve("none.pcap"), 1518, true, new PacketCounter(shard)));
        assertEquals("PF_RING cannot capture on file:" + tmp.resolve("none.pcap") + ": pfring_open(file:"
                + tmp.resolve("none.pcap") + ") failed: No such device (no such interface)", e.getMessage());
        e = assertThrows(SourceException.class, () ->
                PfRingEngine.open(lib, "eth0", 10, true, new PacketCounter(shard)));
        assertEquals("PF_RING: capture length 10 is outside 64..65535", e.getMessage());
    }

    @Test
    void stopEndsCapturePromptlyWhenIdleOrBusy() throws Exception {
        List<byte[]> frames = mixedFrames();
        Path pcap = writePcap("loop.pcap", frames, false);
        for (String options : List.of("", ",nopoll")) {
            // idle: the file is served, then nothing more arrives
            PfRingEngine engine = PfRingEngine.open(lib, "file:" + pcap + options, 1518, true,
                    new PacketCounter(TestShards.shard("idle", networks("10.0.0.0/8"), 12)));
            SourceRunner runner = SourceRunner.start(engine);
            Thread.sleep(300);
            long start = System.nanoTime();
            runner.close();
            assertFalse(runner.running());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "stop took too long");
            assertEquals(frames.size(), engine.received());
        }
        // busy: the file is served over and over; stopped while running
        Path log = tmp.resolve("busy.log");
        PfRingEngine engine = PfRingEngine.open(lib, "file:" + pcap + ",loop,log=" + log, 1518, true,
                new PacketCounter(TestShards.shard("busy", networks("10.0.0.0/8"), 12)));
        SourceRunner runner = SourceRunner.start(engine);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (engine.received() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(engine.received() > 0);
        runner.close();
        assertFalse(runner.running(), "capture did not stop after close()");
        List<String> calls = Files.readAllLines(log);
        assertTrue(calls.get(calls.size() - 1).startsWith("close recv="), calls.toString());
        long served = Long.parseLong(calls.get(calls.size() - 1).replaceAll("close recv=(\\d+) .*", "$1"));
        assertEquals(served, engine.received(), "final statistics");
        SourceException e = assertThrows(SourceException.class, engine::doWork);
        assertEquals("PF_RING capture on file:" + pcap + ",loop,log=" + log + " is closed", e.getMessage());
    }

    @Test
    void capturingAllocatesNothingPerPacket() throws Exception {
        Path pcap = writePcap("alloc.pcap", mixedFrames(), false);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PfRingEngine engine = PfRingEngine.open(lib, "file:" + pcap + ",loop", PfRingEngine.DEFAULT_CAPLEN, true,
                new PacketCounter(TestShards.shard("alloc", networks("10.0.0.0/8", "2001:db8::/32"), 12)));
        SourceRunner runner = SourceRunner.start(engine);
        Thread t = runner.thread();
        try {
            Thread.sleep(1_500); // warm up: hosts added, code compiled
            long allocBefore = mx.getThreadAllocatedBytes(t.getId());
            long receivedBefore = engine.received();
            Thread.sleep(2_200);
            long allocated = mx.getThreadAllocatedBytes(t.getId()) - allocBefore;
            long packets = engine.received() - receivedBefore;
            assertTrue(packets > 100_000, "only " + packets + " packets in 2 s");
            assertTrue(allocated < 64 * 1024, "capture thread allocated " + allocated + " bytes over " + packets + " packets");
        } finally {
            runner.close();
        }
        assertFalse(runner.running());
    }
}
