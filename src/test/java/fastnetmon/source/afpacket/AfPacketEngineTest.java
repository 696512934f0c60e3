package fastnetmon.source.afpacket;

import fastnetmon.counters.TestShards;
import fastnetmon.source.NativeLibC;

import fastnetmon.counters.Direction;
import fastnetmon.source.SourceException;
import fastnetmon.source.SourceRunner;
import fastnetmon.source.PacketCounter;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Captures for real on the loopback interface (traffic never leaves the machine). Needs CAP_NET_RAW:
 * skipped without it, unless CI=true, where a missing permission fails the build instead.
 *
 * <p>Other processes may use lo at the same time (127.0.0.1 is busy on a shared build machine), so
 * each test sends to an address of its own in 127.0.0.0/8 and counts only the packets to it.
 */
@Timeout(60)
class AfPacketEngineTest {
    private static final AfPacketEngine.Settings LO = AfPacketEngine.Settings.of("lo").withPromiscuous(false);

    private final List<Running> running = new ArrayList<>();
    private DatagramSocket receiver;
    private DatagramSocket sender;
    private InetAddress target;

    @BeforeEach
    void setUp() throws Exception {
        assumeCaptureAllowed();
        // 127.a.b.c with a in 100..227: away from 127.0.0.1, 127.0.0.53, 127.0.1.1
        int v4 = 0x7f000000 | (100 + ThreadLocalRandom.current().nextInt(128)) << 16 | ThreadLocalRandom.current().nextInt(1, 0xffff);
        target = InetAddress.getByAddress(new byte[] {127, (byte) (v4 >> 16), (byte) (v4 >> 8), (byte) v4});
        receiver = new DatagramSocket(new InetSocketAddress(target, 0)); // so no ICMP port-unreachable comes back
        sender = new DatagramSocket(new InetSocketAddress(target, 0));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Running r : running) {
            r.runner.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (sender != null) {
            sender.close();
        }
    }

    static void assumeCaptureAllowed() {
        String why = null;
        try {
            int fd = NativeLibC.libc().socket(LinuxPacket.AF_PACKET, LinuxPacket.SOCK_RAW, 0);
            if (fd < 0) {
                why = "AF_PACKET socket not permitted (" + NativeLibC.strerror(NativeLibC.errno())
                        + "): these tests need root or CAP_NET_RAW";
            } else {
                NativeLibC.libc().close(fd);
            }
        } catch (Throwable t) {
            why = "libc not usable through jnr-ffi: " + t;
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " (CI=true: not skipping)");
            }
            Assumptions.abort(why);
        }
    }

    /** One engine capturing on its own runner thread. */
    private record Running(AfPacketEngine engine, CounterShard shard, SourceRunner runner) {
    }

    private List<Running> start(AfPacketEngine.Settings settings, int members) throws SourceException {
        List<CounterShard> shards = new ArrayList<>();
        List<AfPacketEngine> engines = AfPacketEngine.members(settings, members, AfPacketEngine.fanoutGroupFor(7), i -> {
            CounterShard s = TestShards.shard("afp" + i, PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 12);
            shards.add(s);
            return new PacketCounter(s);
        });
        List<Running> list = new ArrayList<>();
        for (int i = 0; i < engines.size(); i++) {
            AfPacketEngine e = engines.get(i);
            Running r = new Running(e, shards.get(i), SourceRunner.start(e));
            list.add(r);
            running.add(r);
        }
        return list;
    }

    private void send(int count) throws Exception {
        byte[] payload = new byte[64];
        DatagramPacket p = new DatagramPacket(payload, payload.length, target, receiver.getLocalPort());
        for (int i = 0; i < count; i++) {
            payload[0] = (byte) i;
            sender.send(p);
        }
    }

    /** Waits until the engines have handed at least {@code atLeast} packets to their counters. */
    private static void awaitReceived(List<Running> rs, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (total(rs) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(250); // others may use lo too: give our last block time to retire (10 ms) and be read
    }

    private static long total(List<Running> rs) {
        return rs.stream().mapToLong(r -> r.engine.received()).sum();
    }

    /** Stops all (their runners close them) and returns how long that took, in ms. */
    private static long stopAll(List<Running> rs) throws Exception {
        long t0 = System.nanoTime();
        for (Running r : rs) {
            r.runner.close();
            assertFalse(r.runner.running(), "capture still running 5 s after close()");
            if (r.runner.failure() != null) {
                throw new AssertionError("capture failed: " + r.runner.failure());
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** UDP packets counted towards the target (after the threads stopped, so read safely). */
    private long udpToTarget(List<Running> rs) {
        byte[] a = target.getAddress();
        long key = PacketRecord.V4_MAPPED_PREFIX | ((a[0] & 0xffL) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff));
        long n = 0;
        long[] c = new long[CounterShard.COUNTERS];
        for (Running r : rs) {
            int slot = r.shard.slotOf(0, key);
            if (slot >= 0) {
                r.shard.readCounters(slot, c, 0);
                n += c[CounterShard.counter(Direction.INCOMING, TrafficClass.UDP, 0)];
            }
        }
        return n;
    }

    @Test
    void countsEveryDatagramOnceOnLoopback() throws Exception {
        List<Running> rs = start(LO, 1);
        AfPacketEngine e = rs.get(0).engine;
        assertEquals(PacketParser.LINKTYPE_ETHERNET, e.linkType());
        int n = 5000;
        send(n);
        awaitReceived(rs, n);
        long stopMillis = stopAll(rs);

        assertEquals(n, udpToTarget(rs), "UDP packets to " + target + "");
        assertEquals(0, e.dropped(), "dropped");
        assertTrue(stopMillis < 1000, "close() took " + stopMillis + " ms");
        // lo shows every packet twice (sent and received); the engine counts the received copy only.
        assertTrue(e.outgoingSkipped() >= n, "sent copies skipped: " + e.outgoingSkipped());
        assertTrue(e.received() >= n, "received " + e.received());
        assertTrue(e.kernelPackets() >= 2L * n, "kernel saw " + e.kernelPackets());
    }

    @Test
    void fanoutGroupOfTwoSplitsAndCountsEveryDatagramOnce() throws Exception {
        List<Running> rs = start(LO.withFanoutMode(FanoutMode.LB), 2);
        int n = 5000;
        send(n);
        awaitReceived(rs, n);
        long stopMillis = stopAll(rs);

        assertEquals(n, udpToTarget(rs), "UDP packets to " + target + " over both members");
        // Round robin on lo alternates sent and received copies, so one member may get all the received
        // ones (and the other all the skipped sent ones): check that both members took part.
        for (Running r : rs) {
            long seen = r.engine.received() + r.engine.outgoingSkipped();
            assertTrue(seen > n / 4, r.engine + " saw only " + seen + " packets");
            assertEquals(0, r.engine.dropped(), "dropped");
        }
        assertTrue(stopMillis < 1000, "close() took " + stopMillis + " ms");
    }

    @Test
    void everyFanoutModeIsAccepted() throws Exception {
        for (FanoutMode m : FanoutMode.values()) {
            List<AfPacketEngine> es = AfPacketEngine.members(LO.withFanoutMode(m).withRing(1 << 16, 4, 10), 2,
                    AfPacketEngine.fanoutGroupFor(100 + m.ordinal()), i -> new PacketCounter(
                            TestShards.shard("m", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8)));
            es.forEach(AfPacketEngine::close);
        }
    }

    @Test
    void stopsPromptlyWhenIdle() throws Exception {
        List<Running> rs = start(LO, 1);
        Thread.sleep(300);
        assertTrue(stopAll(rs) < 1000);
    }

    @Test
    void promiscuousModeOnLoopbackWorks() throws Exception {
        List<Running> rs = start(LO.withPromiscuous(true), 1);
        send(100);
        awaitReceived(rs, 100);
        stopAll(rs);
        assertEquals(100, udpToTarget(rs));
    }

    @Test
    void unknownInterfaceIsOneActionableLine() {
        CounterShard s = TestShards.shard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8);
        SourceException e = assertThrows(SourceException.class,
                () -> AfPacketEngine.open(AfPacketEngine.Settings.of("eth9nosuch"), -1, new PacketCounter(s)));
        assertEquals("interface eth9nosuch does not exist", e.getMessage());
    }

    @Test
    void badRingSettingsNameTheSetting() {
        CounterShard s = TestShards.shard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8);
        SourceException e = assertThrows(SourceException.class,
                () -> AfPacketEngine.open(LO.withRing(5000, 64, 10), -1, new PacketCounter(s)));
        assertTrue(e.getMessage().contains("af_packet_block_size"), e.getMessage());
        e = assertThrows(SourceException.class,
                () -> AfPacketEngine.open(LO.withRing(1 << 30, 8, 10), -1, new PacketCounter(s)));
        assertTrue(e.getMessage().contains("af_packet_block_count"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void joiningAGroupUsedWithAnotherModeFailsClearly() throws Exception {
        CounterShard s = TestShards.shard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8);
        int group = AfPacketEngine.fanoutGroupFor(200);
        AfPacketEngine.Settings small = LO.withRing(1 << 16, 4, 10);
        try (AfPacketEngine a = AfPacketEngine.open(small.withFanoutMode(FanoutMode.CPU), group, new PacketCounter(s))) {
            SourceException e = assertThrows(SourceException.class,
                    () -> AfPacketEngine.open(small.withFanoutMode(FanoutMode.HASH), group, new PacketCounter(s)));
            assertTrue(e.getMessage().contains("fanout group " + group), e.getMessage());
        }
    }

    @Test
    void workAfterCloseFails() throws Exception {
        CounterShard s = TestShards.shard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8);
        AfPacketEngine e = AfPacketEngine.open(LO.withRing(1 << 16, 4, 10), -1, new PacketCounter(s));
        e.close();
        e.close();
        assertThrows(SourceException.class, e::doWork);
    }

    @Test
    void captureLoopAllocatesNothingPerPacket() throws Exception {
        List<Running> rs = start(LO, 1);
        Running r = rs.get(0);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = r.runner.thread().getId();
        send(30_000); // warm-up: JIT, the host's slot, the flow
        awaitReceived(rs, 30_000);
        long before = mx.getThreadAllocatedBytes(tid);
        int n = 50_000;
        send(n);
        awaitReceived(rs, 30_000 + n);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        stopAll(rs);
        System.out.println("capture thread allocated " + allocated + " bytes over " + n + " packets");
        assertEquals(30_000 + n, udpToTarget(rs));
        assertTrue(allocated < 32 * 1024, "capture thread allocated " + allocated + " bytes over " + n + " packets");
    }
}
