package fastnetmon.source.flow;

import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression fixtures: exports recorded from softflowd and pmacctd (by {@link FlowDecoderExportersTest} with
 * FLOW_FIXTURES set) kept in src/test/resources/fastnetmon/source/flow/exports, decoded and checked against
 * tshark's reading of the same files; and cut short at every length.
 */
class FlowDecoderFixturesTest {
    static final FlowRecordSink NONE = (exporter, rec, start, end) -> { };

    @BeforeAll
    static void tools() {
        NetnsRig.assumeAvailable("tshark");
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(FlowDecoderFixturesTest.class.getResource("exports/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"softflowd-v5-s1.pcap", "softflowd-v5-s10.pcap", "softflowd-v9-s1.pcap", "softflowd-v9-s10.pcap",
            "softflowd-v10-s1.pcap", "softflowd-v10-s10.pcap"})
    void netflowFixturesMatchTshark(String name) throws Exception {
        Path file = fixture(name);
        int version = Integer.parseInt(name.replaceAll("softflowd-v(\\d+)-.*", "$1"));
        long sampling = Long.parseLong(name.replaceAll(".*-s(\\d+)\\.pcap", "$1"));
        DecoderExports.Checked c = DecoderExports.checkCflow(DecoderExports.readPcap(file), file, version);
        assertEquals(sampling, c.rate());
        assertTrue(c.exporter().records() > 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pmacct-sflow-s1.pcap", "pmacct-sflow-s10.pcap"})
    void sflowFixturesMatchTshark(String name) throws Exception {
        Path file = fixture(name);
        DecoderExports.Checked c = DecoderExports.checkSflow(DecoderExports.readPcap(file), file);
        assertEquals(Long.parseLong(name.replaceAll(".*-s(\\d+)\\.pcap", "$1")), c.rate());
        assertTrue(c.exporter().records() > 10);
    }

    /** A real export whose first datagram (the templates) comes after the second: the same records in the end. */
    @ParameterizedTest
    @ValueSource(strings = {"softflowd-v9-s10.pcap", "softflowd-v10-s1.pcap"})
    void templatesArrivingAfterTheirDataAreWaitedFor(String name) throws Exception {
        List<DecoderExports.Datagram> inOrder = DecoderExports.readPcap(fixture(name));
        List<DecoderExports.Datagram> late = new java.util.ArrayList<>(inOrder);
        late.set(0, inOrder.get(1));
        late.set(1, inOrder.get(0));
        FlowDecoder ordered = new FlowDecoder(FlowDecoderSettings.defaults());
        FlowDecoder reordered = new FlowDecoder(FlowDecoderSettings.defaults());
        DecoderExports.Totals a = DecoderExports.decode(ordered, inOrder, null);
        DecoderExports.Totals b = DecoderExports.decode(reordered, late, null);
        FlowExporter ex = DecoderExports.only(reordered);
        int heldSets = DecoderExports.sets(inOrder.get(1).data());
        assertEquals(heldSets, ex.templateMisses(), "every data set of the early datagram");
        assertEquals(heldSets, ex.pendingDecoded());
        assertEquals(0, ex.pendingDropped());
        assertEquals(a.records, b.records);
        assertEquals(a.packets, b.packets);
        assertEquals(a.bytes, b.bytes);
        assertEquals(0, ex.decodeErrors());
    }

    /** Every datagram of every fixture cut at every length: no fault, no more than the whole, errors counted. */
    @Test
    void truncatedDatagramsAreCountedNotThrown() throws Exception {
        DecoderExports.quietly(FlowDecoderFixturesTest::cutEverywhere);
    }

    private static void cutEverywhere() throws Exception {
        for (String name : List.of("softflowd-v5-s1.pcap", "softflowd-v9-s10.pcap", "softflowd-v10-s1.pcap", "pmacct-sflow-s10.pcap")) {
            List<DecoderExports.Datagram> datagrams = DecoderExports.readPcap(fixture(name));
            for (int k = 0; k < Math.min(3, datagrams.size()); k++) {
                byte[] whole = datagrams.get(k).data();
                long wholeRecords = -1;
                for (int len = whole.length; len >= 0; len--) {
                    FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
                    // the templates first (from datagram 0), then the cut datagram alone in its buffer
                    byte[] first = datagrams.get(0).data();
                    if (k > 0) {
                        d.decode(ByteBuffer.wrap(first), 0, first.length, 0, 1, null, 0, NONE);
                    }
                    long before = records(d);
                    ByteBuffer cut = ByteBuffer.wrap(whole, 0, len).slice();
                    d.decode(cut, 0, len, 0, 1, null, 0, NONE);
                    long got = records(d) - before;
                    if (wholeRecords < 0) {
                        wholeRecords = got;
                        assertTrue(got > 0, name + " datagram " + k);
                        assertEquals(0, d.exporters().iterator().next().decodeErrors());
                    }
                    assertTrue(got <= wholeRecords, name + " datagram " + k + " cut at " + len);
                    assertEquals(0, d.boundsFaults, name + " datagram " + k + " cut at " + len);
                    // a v9 datagram cut between two sets whose header count is short (softflowd's first) looks whole
                    boolean undetectable = name.contains("-v9-") && setBoundary(whole, len);
                    if (len < whole.length && got < wholeRecords && !undetectable) {
                        assertTrue(d.exporters().iterator().next().decodeErrors() > 0 || got == wholeRecords,
                                name + " datagram " + k + " cut at " + len + ": lost records without an error");
                    }
                }
            }
        }
    }

    private static boolean setBoundary(byte[] v9, int len) {
        ByteBuffer b = ByteBuffer.wrap(v9);
        int p = 20;
        while (p < len && v9.length - p >= 4 && (b.getShort(p + 2) & 0xffff) >= 4) {
            p += b.getShort(p + 2) & 0xffff;
        }
        return p == len;
    }

    private static long records(FlowDecoder d) {
        return d.exporters().stream().mapToLong(FlowExporter::records).sum();
    }
}
