package fastnetmon.source.flow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import fastnetmon.packet.PacketRecord;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz targets, one per protocol. An input is a few datagrams, each as a 2-byte big-endian prefix (14
 * bits of length; bit 14: take the protocol from the version field; bit 15: from a second exporter) and its
 * bytes (the last one may be cut short), decoded in order by one decoder with small bounds, so templates,
 * options and pending sets carry from one datagram to the next. Each datagram sits alone in a buffer of its
 * exact size at a non-zero offset: a read past it throws inside decode, which counts it in boundsFaults.
 *
 * <p>{@code mvn test} runs the corpus in src/test/resources/fastnetmon/source/flow/FlowDecoderFuzzTestInputs
 * (seeded from softflowd, pmacctd and hand-built exports). .ci/run fuzzes each target for a bounded time
 * with JAZZER_FUZZ=1.
 */
class FlowDecoderFuzzTest {
    static final int MAX_DATAGRAMS = 8;
    private static ch.qos.logback.classic.Level level;

    /** Every input is a fresh decoder, so every malformed one would log a line: the fuzzing runs quiet. */
    @org.junit.jupiter.api.BeforeAll
    static void quiet() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FlowDecoder.class);
        level = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.ERROR);
    }

    @org.junit.jupiter.api.AfterAll
    static void loud() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FlowDecoder.class)).setLevel(level);
    }

    @FuzzTest(maxDuration = "15s")
    void sflow(byte[] input) {
        run(input, FlowProtocol.SFLOW5);
    }

    @FuzzTest(maxDuration = "15s")
    void netflow5(byte[] input) {
        run(input, FlowProtocol.NETFLOW5);
    }

    @FuzzTest(maxDuration = "15s")
    void netflow9(byte[] input) {
        run(input, FlowProtocol.NETFLOW9);
    }

    @FuzzTest(maxDuration = "15s")
    void ipfix(byte[] input) {
        run(input, FlowProtocol.IPFIX);
    }

    /** Also used by the corpus test: decodes the framed datagrams and checks the decoder's promises. */
    static FlowDecoder run(byte[] input, FlowProtocol protocol) {
        FlowDecoder decoder = new FlowDecoder(new FlowDecoderSettings(3, false, 4, 8, 4));
        long[] sunk = new long[1];
        FlowRecordSink sink = (FlowExporter ex, PacketRecord rec, long start, long end) -> {
            assertTrue(rec.packets > 0 && rec.bytes >= 0 && rec.length >= 1, "record counts");
            assertTrue(start <= end && end == rec.timestampNanos, "record times");
            assertTrue(rec.ipVersion == 4 || rec.ipVersion == 6, "record address");
            sunk[0]++;
        };
        int p = 0, n = 0;
        long arrival = 1_767_225_600_000_000_000L;
        while (input.length - p >= 2 && n < MAX_DATAGRAMS) {
            int prefix = ((input[p] & 0xff) << 8) | (input[p + 1] & 0xff);
            int len = Math.min(prefix & 0x3fff, input.length - p - 2);
            p += 2;
            int offset = 3;
            ByteBuffer b = ByteBuffer.allocate(offset + len);
            b.put(offset, input, p, len);
            p += len;
            // bit 15 of the prefix: from a second exporter; bit 14: the protocol from the version field
            decoder.decode(b, offset, len, 0, PacketRecord.V4_MAPPED_PREFIX | (prefix >>> 15),
                    (prefix & 0x4000) != 0 ? null : protocol,
                    arrival + n * 1_000_000_000L, sink);
            n++;
        }
        assertEquals(0, decoder.boundsFaults, "a read past a datagram");
        long records = decoder.exporters().stream().mapToLong(FlowExporter::records).sum();
        assertTrue(sunk[0] <= records);
        assertTrue(decoder.exporters().stream().allMatch(e -> e.templates() <= 8));
        return decoder;
    }
}
