package fastnetmon.source.flow;

import org.junit.jupiter.api.Test;

import static fastnetmon.source.flow.DecoderDatagrams.*;
import static fastnetmon.source.flow.FlowDecoderSflowNetflow5Test.netflow5;
import static fastnetmon.source.flow.FlowDecoderSflowNetflow5Test.v5Record;
import static fastnetmon.source.flow.FlowDecoderTemplatesTest.ARRIVAL;
import static fastnetmon.source.flow.FlowDecoderTemplatesTest.EXPORT;
import static fastnetmon.source.flow.FlowStat.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-exporter, per-protocol figures behind FastNetMon's NetFlow / IPFIX counters, from hand-built datagrams. */
class FlowStatsTest {
    final FlowDecoder decoder = new FlowDecoder(FlowDecoderSettings.defaults());
    final Recorder sink = new Recorder();

    long inV9(FlowStat s) {
        return exporter(decoder, "192.0.2.1").count(s, FlowProtocol.NETFLOW9);
    }

    long inIpfix(FlowStat s) {
        return exporter(decoder, "192.0.2.1").count(s, FlowProtocol.IPFIX);
    }

    @Test
    void durationBucketsAreFastNetMonsWholeSecondsUpToEachBound() {
        // v5: uptime 1,000,000 ms; records of 0, 15.9, 16, 90, 180.5 and 181 s
        long[] lengthsMs = {0, 15_900, 16_000, 90_000, 180_500, 181_000};
        byte[][] records = new byte[lengthsMs.length][];
        for (int i = 0; i < lengthsMs.length; i++) {
            records[i] = v5Record("10.0.0.1", "192.0.2.9", 1, 60, 900_000 - lengthsMs[i], 900_000, 1, 2, 0, 17);
        }
        decode(decoder, netflow5(1_000_000, 0, 0, records.length, records), A_LO, ARRIVAL, sink);
        FlowExporter ex = exporter(decoder, "192.0.2.1");
        FlowProtocol v5 = FlowProtocol.NETFLOW5;
        assertEquals(2, ex.count(DURATION_15, v5), "0 s and 15.9 s (15 whole seconds)");
        assertEquals(1, ex.count(DURATION_30, v5));
        assertEquals(0, ex.count(DURATION_60, v5));
        assertEquals(1, ex.count(DURATION_90, v5), "90 s is up to 90");
        assertEquals(1, ex.count(DURATION_180, v5), "180.5 s is 180 whole seconds");
        assertEquals(1, ex.count(DURATION_LONGER, v5));
        assertEquals(6, ex.count(IPV4_RECORDS, v5));
        assertEquals(0, ex.count(DURATION_15, FlowProtocol.NETFLOW9));
    }

    @Test
    void v9SetsTemplatesSamplingAndTimeoutsAreCounted() {
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4, 22, 4, 21, 4, 89, 1);
        byte[] t6 = template(257, 27, 16, 28, 16, 2, 4, 1, 4);
        byte[] options = v9OptionsTemplate(300, new int[]{1, 4}, 48, 1, 50, 4, 36, 2, 37, 2);
        byte[] optionsData = new Bytes().u32(0).u8(1).u32(100).u16(60).u16(15).build();
        byte[] data = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(2).u32(200).u32(90_000).u32(99_000).u8(64)
                .addr("10.0.0.2").addr("192.0.2.9").u32(2).u32(200).u32(50_000).u32(99_000).u8(64).build();
        byte[] data6 = new Bytes().addr("2001:db8::1").addr("2001:db8::2").u32(1).u32(100).build();
        decode(decoder, v9(100_000, EXPORT, 1, 0, set(1, options), set(300, optionsData), set(0, t), set(0, t6),
                set(256, data), set(257, data6), set(258, new byte[8])), A_LO, ARRIVAL, sink);
        assertEquals(3, sink.got.size());
        assertEquals(2, inV9(IPV4_RECORDS));
        assertEquals(1, inV9(IPV6_RECORDS));
        assertEquals(2, inV9(DURATION_15), "9 s and the IPv6 record without times");
        assertEquals(1, inV9(DURATION_60), "49 s");
        assertEquals(2, inV9(FORWARDING_STATUS));
        assertEquals(2, inV9(DATA_SETS));
        assertEquals(1, inV9(OPTIONS_SETS));
        assertEquals(2, inV9(DATA_TEMPLATES));
        assertEquals(1, inV9(OPTIONS_TEMPLATES));
        assertEquals(1, inV9(UNKNOWN_TEMPLATE_SETS), "set 258 has no template");
        assertEquals(1, inV9(SAMPLING_RATES_RECEIVED));
        assertEquals(1, inV9(SAMPLING_RATE_CHANGES), "the first rate of a sampler is a change");
        assertEquals(1, inV9(ACTIVE_TIMEOUTS));
        assertEquals(1, inV9(INACTIVE_TIMEOUTS));
        assertEquals(0, inV9(TEMPLATE_SAME));

        // the refresh repeats template 256 and the rate; template 257 changes; the rate of sampler 1 changes later
        byte[] t6b = template(257, 27, 16, 28, 16, 2, 4, 1, 8);
        decode(decoder, v9(101_000, EXPORT, 2, 0, set(0, t), set(0, t6b), set(1, options), set(300, optionsData)),
                A_LO, ARRIVAL, sink);
        assertEquals(2, inV9(TEMPLATE_SAME), "template 256 and the options template repeat");
        assertEquals(4, inV9(DATA_TEMPLATES), "refreshes count as received");
        assertEquals(1, inV9(TEMPLATE_CHANGES), "template 257 got other fields");
        assertEquals(2, inV9(SAMPLING_RATES_RECEIVED));
        assertEquals(1, inV9(SAMPLING_RATE_CHANGES), "the same rate again is no change");
        byte[] other = new Bytes().u32(0).u8(1).u32(10).u16(60).u16(15).build();
        decode(decoder, v9(102_000, EXPORT, 3, 0, set(300, other)), A_LO, ARRIVAL, sink);
        assertEquals(2, inV9(SAMPLING_RATE_CHANGES));
        assertEquals(0, inV9(DECODE_ERRORS));
        byte[] cut = v9(103_000, EXPORT, 4, 0, set(256, data));
        decode(decoder, java.util.Arrays.copyOf(cut, cut.length - 10), A_LO, ARRIVAL, sink);
        assertEquals(1, inV9(DECODE_ERRORS), "a cut datagram is a broken packet");
        assertEquals(0, inIpfix(DECODE_ERRORS));
    }

    @Test
    void ipfixEndReasonsNegativeDurationsAndPadding() {
        byte[] t = template(256, 8, 4, 12, 4, 2, 8, 1, 8, 152, 8, 153, 8, 136, 1);
        long endMs = EXPORT * 1000 - 1000;
        Bytes recs = new Bytes();
        int[] reasons = {1, 2, 2, 3, 4, 5, 0};
        for (int reason : reasons) {
            recs.addr("10.0.0.1").addr("192.0.2.9").u64(1).u64(60).u64(endMs - 2000).u64(endMs).u8(reason);
        }
        recs.addr("10.0.0.1").addr("192.0.2.9").u64(1).u64(60).u64(endMs + 5000).u64(endMs).u8(1); // ends before it starts
        byte[] body = recs.build();
        byte[] padded = new Bytes().u16(256).u16(4 + body.length + 3).bytes(body).bytes(new byte[3]).build();
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, t), padded), A_LO, ARRIVAL, sink);
        assertEquals(8, sink.got.size());
        assertEquals(2, inIpfix(END_IDLE));
        assertEquals(2, inIpfix(END_ACTIVE));
        assertEquals(1, inIpfix(END_OF_FLOW));
        assertEquals(1, inIpfix(END_FORCED));
        assertEquals(1, inIpfix(END_LACK_OF_RESOURCES));
        assertEquals(1, inIpfix(DURATION_NEGATIVE));
        assertEquals(8, inIpfix(DURATION_15), "the negative one counts with duration 0");
        assertEquals(1, inIpfix(PADDED_MESSAGES));
        assertEquals(0, inIpfix(DECODE_ERRORS));
        assertEquals(0, inIpfix(UNKNOWN_TEMPLATE_SETS));
        assertEquals(1, inIpfix(DATA_SETS));
        assertEquals(1, inIpfix(DATA_TEMPLATES));
        // no padding in a set that ends with its last record
        decode(decoder, ipfix(EXPORT, 8, 1, new Bytes().u16(256).u16(4 + body.length).bytes(body).build()), A_LO, ARRIVAL, sink);
        assertEquals(1, inIpfix(PADDED_MESSAGES));
        assertEquals(2, inIpfix(DATA_SETS));
    }

    @Test
    void aDatagramWithNoKnownVersionIsCountedOnItsExporter() {
        decode(decoder, new byte[]{0, 7, 0, 0, 0, 0, 0, 0}, A_LO, ARRIVAL, sink);
        assertEquals(1, exporter(decoder, "192.0.2.1").unknownVersions());
        assertEquals(1, exporter(decoder, "192.0.2.1").decodeErrors());
    }
}
