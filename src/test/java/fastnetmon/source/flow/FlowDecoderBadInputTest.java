package fastnetmon.source.flow;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed input, buffers in any order or position, the log bound and the allocation-free steady path. */
class FlowDecoderBadInputTest {
    static final FlowRecordSink NONE = (exporter, rec, start, end) -> { };

    static Path corpus(String target) throws URISyntaxException {
        return Path.of(FlowDecoderBadInputTest.class.getResource("FlowDecoderFuzzTestInputs/" + target).toURI());
    }

    static List<byte[]> seeds(String target) throws IOException, URISyntaxException {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus(target))) {
            for (Path f : files.sorted().toList()) {
                out.add(Files.readAllBytes(f));
            }
        }
        return out;
    }

    static final String[] TARGETS = {"sflow", "netflow5", "netflow9", "ipfix"};
    static final FlowProtocol[] PROTOCOLS = {FlowProtocol.SFLOW5, FlowProtocol.NETFLOW5, FlowProtocol.NETFLOW9, FlowProtocol.IPFIX};

    @Test
    void everyFuzzSeedDecodesRecords() throws Exception {
        DecoderExports.quietly(FlowDecoderBadInputTest::decodeSeeds);
    }

    private static void decodeSeeds() throws Exception {
        for (int i = 0; i < TARGETS.length; i++) {
            List<byte[]> seeds = seeds(TARGETS[i]);
            assertTrue(seeds.size() >= 2, TARGETS[i]);
            for (byte[] seed : seeds) {
                FlowDecoder d = FlowDecoderFuzzTest.run(seed, PROTOCOLS[i]);
                assertTrue(d.exporters().stream().mapToLong(FlowExporter::records).sum() > 0, TARGETS[i]);
            }
        }
    }

    /** A fixed-seed mutation run over the corpus, in every mvn test (Jazzer's own runs are in .ci/run). */
    @Test
    void mutatedSeedsNeverFaultNorThrow() throws Exception {
        DecoderExports.quietly(FlowDecoderBadInputTest::mutateSeeds);
    }

    private static void mutateSeeds() throws Exception {
        SplittableRandom rnd = new SplittableRandom(20261130);
        for (int i = 0; i < TARGETS.length; i++) {
            for (byte[] seed : seeds(TARGETS[i])) {
                for (int round = 0; round < 300; round++) {
                    byte[] m = seed.clone();
                    for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
                        int at = rnd.nextInt(m.length);
                        m[at] = switch (rnd.nextInt(4)) {
                            case 0 -> (byte) rnd.nextInt(256);
                            case 1 -> (byte) 0xff;
                            case 2 -> 0;
                            default -> (byte) (m[at] ^ (1 << rnd.nextInt(8)));
                        };
                    }
                    FlowDecoderFuzzTest.run(m, PROTOCOLS[i]); // asserts no fault and sane records
                }
            }
        }
    }

    /** The same datagram alone, inside a little-endian buffer between garbage, or in a direct buffer: the same records. */
    @Test
    void bufferOrderOffsetAndKindDoNotMatter() throws Exception {
        byte[] dg = DecoderExports.readPcap(FlowDecoderFixturesTest.fixture("softflowd-v10-s1.pcap")).get(0).data();
        Long[] alone = totals(ByteBuffer.wrap(dg), 0, dg.length);
        assertTrue(alone[0] > 0);
        byte[] garbage = new byte[dg.length + 100];
        new SplittableRandom(1).nextBytes(garbage);
        System.arraycopy(dg, 0, garbage, 37, dg.length);
        ByteBuffer le = ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN);
        le.position(11);
        assertEquals(List.of(alone[0], alone[1], alone[2]), List.of(totals(le, 37, dg.length)));
        assertEquals(ByteOrder.LITTLE_ENDIAN, le.order());
        assertEquals(11, le.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(dg.length + 5);
        direct.put(5, dg);
        assertEquals(List.of(alone[0], alone[1], alone[2]), List.of(totals(direct, 5, dg.length)));
    }

    private static Long[] totals(ByteBuffer b, int offset, int length) {
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        d.decode(b, offset, length, 0, 1, null, 0, NONE);
        FlowExporter ex = d.exporters().iterator().next();
        return new Long[]{ex.records(), ex.packets(), ex.bytes()};
    }

    @Test
    void offsetsOutsideTheBufferAndUnknownVersionsAreCounted() {
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        ByteBuffer b = ByteBuffer.allocate(64);
        d.decode(b, 60, 100, 0, 1, null, 0, NONE); // runs past the limit: only 4 bytes are read, none is a version
        d.decode(b, 65, 1, 0, 1, null, 0, NONE);
        d.decode(b, -1, 1, 0, 1, FlowProtocol.IPFIX, 0, NONE);
        b.putShort(0, (short) 7);
        d.decode(b, 0, 64, 0, 1, null, 0, NONE);
        FlowExporter ex = d.exporters().iterator().next();
        assertEquals(4, ex.decodeErrors());
        assertEquals(4, ex.datagrams());
        assertEquals(0, d.boundsFaults);
    }

    @Test
    void decodeErrorsAreLoggedAtMostOnceAMinutePerExporter() {
        Logger logger = (Logger) LoggerFactory.getLogger(FlowDecoder.class);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
            byte[] bad = {0, 10, 0, 3};
            for (int i = 0; i < 100; i++) {
                d.decode(ByteBuffer.wrap(bad), 0, bad.length, 0, PacketRecord.V4_MAPPED_PREFIX | 0xc0000201L, null, 0, NONE);
                d.decode(ByteBuffer.wrap(bad), 0, bad.length, 0, PacketRecord.V4_MAPPED_PREFIX | 0xc0000202L, null, 0, NONE);
            }
            assertEquals(2, appender.list.size(), "one line per exporter");
            String line = appender.list.get(0).getFormattedMessage();
            assertTrue(line.startsWith("flow exporter 192.0.2.1: malformed IPFIX datagram: shorter than the header"), line);
            assertEquals(100, DecoderDatagrams.exporter(d, "192.0.2.2").decodeErrors());
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
    }

    /** Decoding real v9 / IPFIX / sFlow / v5 exports again and again allocates nothing (template refreshes included). */
    @Test
    void steadyPathAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        List<ByteBuffer> datagrams = new ArrayList<>();
        for (String f : List.of("softflowd-v9-s10.pcap", "softflowd-v10-s1.pcap", "pmacct-sflow-s10.pcap", "softflowd-v5-s1.pcap")) {
            for (DecoderExports.Datagram g : DecoderExports.readPcap(FlowDecoderFixturesTest.fixture(f))) {
                datagrams.add(ByteBuffer.wrap(g.data()));
            }
        }
        long[] sum = new long[1];
        FlowRecordSink sink = (exporter, rec, start, end) -> sum[0] += rec.packets;
        for (int warm = 0; warm < 200; warm++) { // until the JIT has settled (it allocates a little on its way)
            for (int i = 0; i < datagrams.size(); i++) {
                ByteBuffer b = datagrams.get(i);
                d.decode(b, 0, b.limit(), 0, 1, null, 1_767_225_600_000_000_000L, sink);
            }
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < datagrams.size(); i++) {
                ByteBuffer b = datagrams.get(i);
                d.decode(b, 0, b.limit(), 0, 1, null, 1_767_225_600_000_000_000L, sink);
            }
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sum[0] > 0);
        // one object (16 bytes or more) per datagram would be 16 per datagram; leave room for a late JIT event
        int decoded = 20 * datagrams.size();
        assertTrue(allocated < 2L * decoded, allocated + " bytes allocated decoding " + decoded + " datagrams");
    }
}
