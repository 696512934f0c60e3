package fastnetmon.source.pcap;

import fastnetmon.counters.TestShards;
import fastnetmon.source.SourceException;
import fastnetmon.source.SourceRunner;
import fastnetmon.source.PacketCounter;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Captures real traffic on the loopback interface (it never leaves the machine). Needs libpcap and
 * CAP_NET_RAW: without them the tests are skipped, unless the environment variable CI is "true", where
 * they fail instead.
 */
@Timeout(60)
class PcapEngineTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));
    private static final int SENT = 3000;
    private static final int PAYLOAD = 100;
    private static final int LOCALHOST = 0x7f00_0001;

    /** Opens a capture, or skips (fails on CI) when libpcap or the capture permission is missing. */
    private static PcapEngine openOrSkip(String iface, String filter, PacketCounter counter) throws SourceException {
        try {
            return PcapEngine.open(iface, filter, PcapEngine.DEFAULT_SNAPLEN, false, counter);
        } catch (PcapException e) {
            if (e.kind() == PcapException.Kind.PERMISSION || e.kind() == PcapException.Kind.NOT_INSTALLED) {
                if (CI) {
                    fail("CI=true but live capture is not possible: " + e.getMessage(), e);
                }
                assumeTrue(false, "live pcap capture not possible here (set CI=true to make this a failure): "
                        + e.getMessage());
            }
            throw e;
        }
    }

    private static void requireCapture() throws SourceException {
        openOrSkip("lo", null, counter(shard())).close();
    }

    private static CounterShard shard() {
        return TestShards.shard("pcap-test", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 12);
    }

    private static PacketCounter counter(CounterShard shard) {
        return new PacketCounter(shard);
    }

    /** Runs the engine on a runner of its own, which closes it when closed. */
    private static SourceRunner start(PcapEngine engine) {
        return SourceRunner.start(engine);
    }

    /** Closes the runner (and so the engine) and checks that it stopped on time and without a failure. */
    private static void stop(SourceRunner runner) {
        long t0 = System.nanoTime();
        runner.close();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertFalse(runner.running(), "capture still running after close()");
        assertTrue(ms < 1000, "close took " + ms + " ms");
        assertEquals(null, runner.failure());
    }

    private static long[] hostCounters(CounterShard shard, int v4) {
        int slot = shard.slotOf(0, IpAddresses.v4ToLo(v4));
        assertTrue(slot >= 0, "no counters for " + IpAddresses.formatV4(v4));
        long[] c = new long[CounterShard.COUNTERS];
        shard.readCounters(slot, c, 0);
        return c;
    }

    private static int linkHeaderLength(int linkType) {
        switch (linkType) {
            case PacketParser.LINKTYPE_ETHERNET:
                return 14;
            case PacketParser.LINKTYPE_LINUX_SLL:
                return 16;
            case PacketParser.LINKTYPE_LINUX_SLL2:
                return 20;
            default:
                throw new AssertionError("unexpected link type " + linkType);
        }
    }

    /** Sends SENT datagrams to 127.0.0.1 and checks that exactly they are counted. */
    private static void countsLoopbackUdp(String iface) throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setReceiveBufferSize(1 << 20);
            int port = receiver.getLocalPort();
            CounterShard shard = shard();
            PcapEngine engine = openOrSkip(iface, "udp and port " + port, counter(shard));
            SourceRunner capture = null;
            long firstSecond, lastSecond;
            try {
                assertEquals(port + "", engine.filter().replaceAll("\\D", ""));
                capture = start(engine);
                byte[] payload = new byte[PAYLOAD];
                firstSecond = System.currentTimeMillis() / 1000;
                DatagramPacket dp = new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port);
                for (int i = 0; i < SENT; i++) {
                    payload[0] = (byte) i;
                    sender.send(dp);
                    if ((i & 255) == 255) {
                        Thread.sleep(1); // let the receiving socket keep up; the capture does not depend on it
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (engine.received() < SENT && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(300 + PcapEngine.TIMEOUT_MS); // anything extra (a duplicate) would arrive by now
                lastSecond = System.currentTimeMillis() / 1000;
                stop(capture);
            } finally {
                if (capture == null) {
                    engine.close();
                }
            }

            assertEquals(SENT, engine.received(), "packets handed to the counter on " + iface);
            assertEquals(0, shard.unparsed(), "unparsed packets on " + iface + " (link type " + engine.linkType() + ")");
            long[] c = hostCounters(shard, LOCALHOST);
            long wire = linkHeaderLength(engine.linkType()) + 20 + 8 + PAYLOAD;
            assertEquals(SENT, c[CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0)], "incoming packets to 127.0.0.1");
            assertEquals(SENT, c[CounterShard.counter(Direction.INCOMING, TrafficClass.UDP, 0)], "incoming UDP packets to 127.0.0.1");
            assertEquals(SENT * wire, c[CounterShard.counter(Direction.INCOMING, TrafficClass.UDP, 1)], "incoming UDP bytes to 127.0.0.1");
            assertEquals(SENT, c[CounterShard.counter(Direction.OUTGOING, TrafficClass.UDP, 0)], "outgoing UDP packets from 127.0.0.1");
            // One flow, counted once in every second it was seen (the counter's seconds follow the wall clock).
            long flows = c[CounterShard.counter(Direction.INCOMING, TrafficClass.UDP, 2)];
            assertTrue(flows >= 1 && flows <= lastSecond - firstSecond + 1, "one flow per second seen, got " + flows);
            long[] totals = new long[CounterShard.TOTALS];
            shard.readTotals(totals);
            assertEquals(SENT, totals[CounterShard.totalIndex(Direction.INTERNAL, 4, 0)], "internal IPv4 packets");
            assertEquals(0, engine.dropped(), "dropped");
        }
    }

    @Test
    void countsExactlyTheDatagramsSentOnLoopback() throws Exception {
        countsLoopbackUdp("lo");
    }

    @Test
    void countsExactlyTheDatagramsSentOnAny() throws Exception {
        countsLoopbackUdp("any");
    }

    @Test
    void linkTypes() throws Exception {
        CounterShard shard = shard();
        try (PcapEngine lo = openOrSkip("lo", null, counter(shard))) {
            assertEquals(PacketParser.LINKTYPE_ETHERNET, lo.linkType());
            assertEquals("lo", lo.interfaceName());
            assertEquals(PcapEngine.DEFAULT_SNAPLEN, lo.snaplen());
        }
        try (PcapEngine any = openOrSkip("any", "", counter(shard))) {
            int t = any.linkType();
            assertTrue(t == PacketParser.LINKTYPE_LINUX_SLL || t == PacketParser.LINKTYPE_LINUX_SLL2, "link type " + t);
            assertEquals(null, any.filter());
        }
    }

    @Test
    void badFilterIsOneLineWithLibpcapsReason() throws Exception {
        requireCapture();
        String filter = "udp and port";
        PcapException e = assertThrows(PcapException.class,
                () -> PcapEngine.open("lo", filter, PcapEngine.DEFAULT_SNAPLEN, false, counter(shard())));
        assertEquals(PcapException.Kind.BAD_FILTER, e.kind());
        assertOneLine(e.getMessage());
        assertTrue(e.getMessage().contains("\"" + filter + "\""), e.getMessage());
        assertTrue(e.getMessage().contains("syntax error"), e.getMessage()); // pcap_geterr's text
    }

    @Test
    void nonexistentInterfaceIsOneLine() throws Exception {
        requireCapture();
        PcapException e = assertThrows(PcapException.class,
                () -> PcapEngine.open("nosuchif0", null, PcapEngine.DEFAULT_SNAPLEN, true, counter(shard())));
        assertEquals(PcapException.Kind.NO_SUCH_DEVICE, e.kind());
        assertOneLine(e.getMessage());
        assertTrue(e.getMessage().startsWith("no such network interface: nosuchif0"), e.getMessage());
    }

    @Test
    void badArgumentsAreRejectedBeforeLoading() {
        PacketCounter c = counter(shard());
        assertThrows(PcapException.class, () -> PcapEngine.open("lo", null, 10, false, c));
        assertThrows(PcapException.class, () -> PcapEngine.open(" ", null, 1500, false, c));
        assertThrows(NullPointerException.class, () -> PcapEngine.open("lo", null, 1500, false, null));
    }

    @Test
    void stopReturnsWithinOneSecond() throws Exception {
        // An idle capture: nothing matches, so every round waits out the pcap read timeout.
        PcapEngine engine = openOrSkip("lo", "udp and port 9 and host 127.1.2.3", counter(shard()));
        SourceRunner capture = start(engine);
        Thread.sleep(1300); // past a stats refresh and many timeouts
        assertTrue(capture.running());
        stop(capture);
        assertEquals(0, engine.received());
    }

    @Test
    void closeBeforeRunningAndWorkAfterClose() throws Exception {
        PcapEngine engine = openOrSkip("lo", "udp and port 9 and host 127.1.2.3", counter(shard()));
        engine.close();
        engine.close(); // idempotent
        assertThrows(PcapException.class, engine::doWork);

        PcapEngine running = openOrSkip("lo", null, counter(shard()));
        SourceRunner capture = start(running);
        Thread.sleep(200);
        stop(capture); // the runner stops the rounds first, then closes the handle on its thread
        assertThrows(PcapException.class, running::doWork);
    }

    /** Runs {@link PcapProbe} in a child JVM and returns its last output line. */
    private static String probe(List<String> prefix, String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PcapProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }

    /**
     * Without CAP_NET_RAW: checked in this JVM when it lacks the capability, or in a child JVM whose
     * capability bounding set drops it (needs root and setpriv).
     */
    @Test
    void permissionProblemIsOneActionableLine() throws Exception {
        String message;
        try (PcapEngine e = PcapEngine.open("lo", null, 1500, true, counter(shard()))) {
            // we may capture: look at a child JVM that may not
            Path setpriv = Path.of("/usr/bin/setpriv");
            assumeTrue(Files.isExecutable(setpriv), "setpriv not available to drop CAP_NET_RAW in a child JVM");
            String line = probe(List.of(setpriv.toString(), "--bounding-set=-net_raw,-net_admin", "--inh-caps=-all"));
            assertTrue(line.startsWith("PERMISSION "), line);
            message = line.substring("PERMISSION ".length());
        } catch (PcapException e) {
            if (e.kind() == PcapException.Kind.NOT_INSTALLED) {
                if (CI) {
                    fail(e.getMessage(), e);
                }
                assumeTrue(false, e.getMessage());
            }
            assertEquals(PcapException.Kind.PERMISSION, e.kind(), e.getMessage());
            message = e.getMessage();
        }
        assertOneLine(message);
        assertTrue(message.startsWith("capturing on lo needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode): "
                + "run as root or grant them with setcap cap_net_raw,cap_net_admin+eip /"), message);
        assertTrue(message.contains("java"), message);
    }

    @Test
    void missingLibpcapIsOneActionableLine() throws Exception {
        String line = probe(List.of(), "-D" + LibPcap.Holder.LIBRARY_PROPERTY + "=libpcap-not-here.so.0,nopcap");
        assertEquals("NOT_INSTALLED libpcap is not installed: libpcap.so was not found (apt-get install libpcap0.8)", line);
    }

    /** The header fields reach the counter: nanosecond timestamps on the wall clock, ports, TTL, length. */
    @Test
    void packetFieldsReachTheCounter() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = receiver.getLocalPort();
            CounterShard shard = shard();
            PcapEngine engine = openOrSkip("lo", "udp and dst port " + port, counter(shard));
            SourceRunner capture = start(engine);
            DatagramPacket dp = new DatagramPacket(new byte[PAYLOAD], PAYLOAD, InetAddress.getLoopbackAddress(), port);
            sender.send(dp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.received() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // 127.0.0.1 has slot 0 now: start sampling its incoming packets (bit 0)
            assertEquals(1, shard.acquireSlotCount());
            shard.setSampleFlags(0, 1);
            long before = System.currentTimeMillis() * 1_000_000L;
            for (int i = 0; i < 10; i++) {
                sender.send(dp);
            }
            while (engine.received() < 11 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long after = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
            stop(capture);
            List<String> samples = new ArrayList<>();
            shard.samples().drain((t, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol, tcpFlags, ttl, frag,
                                   packets, length, direction) -> {
                assertTrue(t >= before && t <= after, "timestamp " + t + " not in [" + before + ", " + after + "]");
                samples.add(IpAddresses.format(srcHi, srcLo) + ":" + srcPort + ">" + IpAddresses.format(dstHi, dstLo)
                        + ":" + dstPort + " p" + protocol + " ttl" + ttl + " len" + length + " dir" + direction);
            });
            String expected = "127.0.0.1:" + sender.getLocalPort() + ">127.0.0.1:" + port + " p17 ttl64 len"
                    + (14 + 20 + 8 + PAYLOAD) + " dir" + Direction.INCOMING;
            assertTrue(samples.size() >= 1, "no samples");
            for (String sample : samples) {
                assertEquals(expected, sample);
            }
        }
    }

    @Test
    void libraryVersionIsReported() {
        String v = PcapEngine.libraryVersion();
        assertNotNull(v);
        if (CI) {
            assertTrue(v.startsWith("libpcap version"), v);
        }
    }

    private static void assertOneLine(String message) {
        assertNotNull(message);
        assertFalse(message.isBlank());
        assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
    }
}
