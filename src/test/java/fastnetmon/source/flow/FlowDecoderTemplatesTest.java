package fastnetmon.source.flow;

import org.junit.jupiter.api.Test;

import static fastnetmon.source.flow.DecoderDatagrams.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NetFlow v9 and IPFIX from hand-built datagrams: what the exporters installed here do not send. */
class FlowDecoderTemplatesTest {
    static final long EXPORT = 1_767_225_600L; // seconds
    static final long S = 1_000_000_000L, MS = 1_000_000L;
    static final long ARRIVAL = EXPORT * S + 300 * MS;

    final FlowDecoder decoder = new FlowDecoder(FlowDecoderSettings.defaults());
    final Recorder sink = new Recorder();

    static byte[] ipv4Template(int id) {
        return template(id, 8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 6, 2, 192, 1, 2, 8, 1, 8, 152, 8, 153, 8);
    }

    static byte[] ipv4Record(long startMs, long endMs) {
        return new Bytes().addr("10.0.0.1").addr("192.0.2.9").u16(1234).u16(80).u8(6).u16(0x12).u8(61)
                .u64(10).u64(15000).u64(startMs).u64(endMs).build();
    }

    @Test
    void ipfixTemplateThenDataGivesEveryField() {
        byte[] d = ipfix(EXPORT, 0, 1, set(2, ipv4Template(256)),
                set(256, ipv4Record(EXPORT * 1000 - 5000, EXPORT * 1000 - 1000)));
        decode(decoder, d, A_LO, ARRIVAL, sink);
        Rec r = sink.only();
        assertEquals(new Rec("192.0.2.1", "10.0.0.1", "192.0.2.9", 6, 1234, 80, 0x12, 61, 10, 15000, 1500,
                (EXPORT - 5) * S, (EXPORT - 1) * S), r);
        FlowExporter ex = exporter(decoder, "192.0.2.1");
        assertEquals(1, ex.records(FlowProtocol.IPFIX));
        assertEquals(1, ex.templates());
        assertEquals(0, ex.decodeErrors());
    }

    @Test
    void absoluteTimesFollowTheArrivalWhenTheExporterClockIsOff() {
        long hour = 3600 * S;
        byte[] d = ipfix(EXPORT, 0, 1, set(2, ipv4Template(256)),
                set(256, ipv4Record(EXPORT * 1000 - 5000, EXPORT * 1000 - 1000)));
        decode(decoder, d, A_LO, ARRIVAL + hour, sink);
        Rec r = sink.only();
        assertEquals((EXPORT - 5) * S + 300 * MS + hour, r.start());
        assertEquals((EXPORT - 1) * S + 300 * MS + hour, r.end());
    }

    @Test
    void ipv6TotalCountersNtpNanosecondsAndDuration() {
        long ntpSeconds = EXPORT - 2 + 2_208_988_800L;
        byte[] t = template(257, 27, 16, 28, 16, 4, 1, 86, 8, 85, 8, 156, 8, 161, 4);
        byte[] rec = new Bytes().addr("2001:db8::1").addr("2001:db8:1::2").u8(17).u64(3).u64(3000)
                .u64((ntpSeconds << 32) | 0x8000_0000L).u32(1500).build();
        decode(decoder, ipfix(EXPORT, 0, 7, set(2, t), set(257, rec)), A_LO, ARRIVAL, sink);
        Rec r = sink.only();
        assertEquals("2001:db8::1", r.src());
        assertEquals("2001:db8:1::2", r.dst());
        assertEquals(17, r.protocol());
        assertEquals(3, r.packets());
        assertEquals(3000, r.bytes());
        assertEquals((EXPORT - 2) * S + S / 2, r.start());
        assertEquals((EXPORT - 2) * S + S / 2 + 1500 * MS, r.end());
    }

    @Test
    void variableLengthAndEnterpriseFieldsAreSkipped() {
        // src, an enterprise field of 3 bytes, interfaceName (variable), dst, packets, an enterprise variable field, octets
        byte[] t = template(258, 8, 4, 0x8000 | 100, 3, 82, 65535, 12, 4, 2, 4, 0x8000 | 5, 65535, 1, 4);
        byte[] shortForm = new Bytes().addr("10.0.0.1").u8(1).u8(2).u8(3).u8(5).bytes("eth0x".getBytes())
                .addr("192.0.2.10").u32(4).u8(0).u32(400).build();
        byte[] longForm = new Bytes().addr("10.0.0.2").u8(1).u8(2).u8(3).u8(255).u16(291).bytes(new byte[291])
                .addr("192.0.2.11").u32(6).u8(2).u16(0xffff).u32(900).build();
        byte[] data = new Bytes().bytes(shortForm).bytes(longForm).build();
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, t), set(258, data)), A_LO, ARRIVAL, sink);
        assertEquals(2, sink.got.size());
        assertEquals("192.0.2.10", sink.got.get(0).dst());
        assertEquals(4, sink.got.get(0).packets());
        assertEquals(400, sink.got.get(0).bytes());
        assertEquals("10.0.0.2", sink.got.get(1).src());
        assertEquals("192.0.2.11", sink.got.get(1).dst());
        assertEquals(900, sink.got.get(1).bytes());
        assertEquals(0, exporter(decoder, "192.0.2.1").decodeErrors());
    }

    @Test
    void variableLengthFieldPastTheSetIsAnError() {
        byte[] t = template(258, 8, 4, 82, 65535, 2, 4);
        byte[] data = new Bytes().addr("10.0.0.1").u8(200).bytes(new byte[10]).build();
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, t), set(258, data)), A_LO, ARRIVAL, sink);
        assertEquals(0, sink.got.size());
        assertEquals(1, exporter(decoder, "192.0.2.1").decodeErrors());
    }

    @Test
    void ipfixWithdrawalOfOneTemplateAndOfAll() {
        byte[] rec = ipv4Record(EXPORT * 1000, EXPORT * 1000);
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, ipv4Template(256)), set(2, ipv4Template(257))), A_LO, ARRIVAL, sink);
        FlowExporter ex = exporter(decoder, "192.0.2.1");
        assertEquals(2, ex.templates());
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, new Bytes().u16(256).u16(0).build()), set(256, rec), set(257, rec)),
                A_LO, ARRIVAL, sink);
        assertEquals(1, ex.templateMisses(), "256 withdrawn before its data");
        assertEquals(1, sink.got.size(), "257 still there");
        assertEquals(1, ex.templates());
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, new Bytes().u16(2).u16(0).build()), set(257, rec)), A_LO, ARRIVAL, sink);
        assertEquals(0, ex.templates(), "all withdrawn");
        assertEquals(2, ex.templateMisses());
        assertEquals(1, sink.got.size());
    }

    @Test
    void aTemplateWithTheSameIdReplacesTheOldOne() {
        byte[] t1 = template(256, 8, 4, 12, 4, 2, 4, 1, 4);
        byte[] t2 = template(256, 12, 4, 8, 4, 1, 4, 2, 4); // v9 refresh with another layout
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(5).u32(500).build();
        decode(decoder, v9(1000, EXPORT, 1, 3, set(0, t1), set(256, rec)), A_LO, ARRIVAL, sink);
        decode(decoder, v9(2000, EXPORT, 2, 3, set(0, t2), set(256, rec)), A_LO, ARRIVAL, sink);
        assertEquals("10.0.0.1", sink.got.get(0).src());
        assertEquals(5, sink.got.get(0).packets());
        assertEquals("192.0.2.9", sink.got.get(1).src());
        assertEquals(500, sink.got.get(1).packets());
        assertEquals(5, sink.got.get(1).bytes());
        assertEquals(1, exporter(decoder, "192.0.2.1").templates());
    }

    @Test
    void dataBeforeItsTemplateIsHeldAndDecodedWhenItComes() {
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4);
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(2).u32(120).build();
        decode(decoder, v9(1000, EXPORT, 1, 0, set(256, rec), set(256, rec)), A_LO, ARRIVAL, sink);
        FlowExporter ex = exporter(decoder, "192.0.2.1");
        assertEquals(2, ex.templateMisses());
        assertEquals(0, sink.got.size(), "never guessed");
        decode(decoder, v9(3000, EXPORT + 2, 2, 0, set(0, t)), A_LO, ARRIVAL + 2 * S, sink);
        assertEquals(2, sink.got.size());
        assertEquals(ARRIVAL, sink.got.get(0).end(), "timed by the datagram it came in");
        assertEquals(2, ex.pendingDecoded());
        assertEquals(0, ex.pendingDropped());
    }

    @Test
    void heldDataGrowsTooOldAndIsDropped() {
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4);
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(2).u32(120).build();
        decode(decoder, v9(1000, EXPORT, 1, 0, set(256, rec)), A_LO, ARRIVAL, sink);
        decode(decoder, v9(3000, EXPORT + 31, 2, 0, set(0, t)), A_LO, ARRIVAL + 31 * S, sink);
        assertEquals(0, sink.got.size());
        assertEquals(1, exporter(decoder, "192.0.2.1").pendingDropped());
    }

    @Test
    void twoExportersWithTheSameSourceIdKeepTheirOwnTemplates() {
        byte[] ta = template(256, 8, 4, 12, 4, 2, 4, 1, 4);
        byte[] tb = template(256, 1, 4, 2, 4, 12, 4, 8, 4);
        byte[] ra = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(3).u32(300).build();
        byte[] rb = new Bytes().u32(700).u32(7).addr("192.0.2.8").addr("10.0.0.2").build();
        decode(decoder, v9(1000, EXPORT, 1, 5, set(0, ta)), A_LO, ARRIVAL, sink);
        decode(decoder, v9(1000, EXPORT, 1, 5, set(0, tb)), B_LO, ARRIVAL, sink);
        decode(decoder, v9(1000, EXPORT, 2, 5, set(256, ra)), A_LO, ARRIVAL, sink);
        decode(decoder, v9(1000, EXPORT, 2, 5, set(256, rb)), B_LO, ARRIVAL, sink);
        assertEquals(new Rec("192.0.2.1", "10.0.0.1", "192.0.2.9", 0, 0, 0, 0, 0, 3, 300, 100, ARRIVAL, ARRIVAL), sink.got.get(0));
        assertEquals(new Rec("192.0.2.2", "10.0.0.2", "192.0.2.8", 0, 0, 0, 0, 0, 7, 700, 100, ARRIVAL, ARRIVAL), sink.got.get(1));
        assertEquals(2, decoder.exporters().size());
    }

    @Test
    void v9SamplingFromOptionsDataPerSamplerThenExporterWideThenTheConfiguredRatio() {
        FlowDecoder d = new FlowDecoder(new FlowDecoderSettings(7, false, 16, 16, 4));
        byte[] options = v9OptionsTemplate(300, new int[]{1, 4}, 48, 1, 50, 4);
        byte[] optionsData = new Bytes().u32(0).u8(1).u32(100).u32(0).u8(2).u32(1000).build();
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4, 48, 1, 22, 4, 21, 4);
        byte[] data = new Bytes()
                .addr("10.0.0.1").addr("192.0.2.9").u32(2).u32(200).u8(1).u32(90_000).u32(99_000)
                .addr("10.0.0.2").addr("192.0.2.9").u32(2).u32(200).u8(2).u32(90_000).u32(99_000)
                .addr("10.0.0.3").addr("192.0.2.9").u32(2).u32(200).u8(3).u32(90_000).u32(99_000).build();
        decode(d, v9(100_000, EXPORT, 1, 0, set(1, options), set(300, optionsData), set(0, t), set(256, data)), A_LO, ARRIVAL, sink);
        assertEquals(3, sink.got.size());
        assertEquals(200, sink.got.get(0).packets());
        assertEquals(20_000, sink.got.get(0).bytes());
        assertEquals(100, sink.got.get(0).length(), "the average packet length is the unsampled one");
        assertEquals(2000, sink.got.get(1).packets());
        assertEquals(14, sink.got.get(2).packets(), "sampler 3 unknown: netflow_sampling_ratio");
        assertEquals(ARRIVAL - 10 * S, sink.got.get(0).start(), "FIRST_SWITCHED 10 s before sysUptime");
        assertEquals(ARRIVAL - S, sink.got.get(0).end());
        // an options record without a sampler id sets the exporter-wide rate
        byte[] wide = v9OptionsTemplate(301, new int[]{1, 4}, 34, 4);
        decode(d, v9(100_000, EXPORT, 2, 0, set(1, wide), set(301, new Bytes().u32(0).u32(50).build()), set(256, data)),
                A_LO, ARRIVAL, sink);
        assertEquals(200, sink.got.get(3).packets());
        assertEquals(100, sink.got.get(5).packets(), "sampler 3: the exporter-wide 1:50");
        assertEquals(3, exporter(d, "192.0.2.1").optionsSamplingRecords(), "two samplers and one exporter-wide");
    }

    @Test
    void anEndAheadOfTheArrivalMovesToItWithTheSpanKept() {
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4, 22, 4, 21, 4);
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(1).u32(64).u32(5000).u32(8000).build();
        decode(decoder, v9(1000, EXPORT, 1, 0, set(0, t), set(256, rec)), A_LO, ARRIVAL, sink); // uptime behind the record
        assertEquals(ARRIVAL, sink.only().end());
        assertEquals(ARRIVAL - 3 * S, sink.only().start());
    }

    @Test
    void samplersPerExporterAreBounded() {
        byte[] options = v9OptionsTemplate(300, new int[]{1, 4}, 48, 2, 50, 4);
        Bytes rates = new Bytes();
        for (int id = 0; id < ExporterState.MAX_SAMPLERS + 44; id++) {
            rates.u32(0).u16(id).u32(10);
        }
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4, 48, 2);
        byte[] data = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(1).u32(100).u16(5)
                .addr("10.0.0.1").addr("192.0.2.9").u32(1).u32(100).u16(ExporterState.MAX_SAMPLERS + 5).build();
        decode(decoder, v9(1000, EXPORT, 1, 0, set(1, options), set(300, rates.build()), set(0, t), set(256, data)),
                A_LO, ARRIVAL, sink);
        assertEquals(10, sink.got.get(0).packets());
        assertEquals(1, sink.got.get(1).packets(), "a sampler past the bound is not followed");
    }

    @Test
    void ipfixSysUpTimeWithSystemInitTimeFromOptions() {
        byte[] options = ipfixOptionsTemplate(400, 1, 149, 4, 160, 8);
        byte[] init = new Bytes().u32(1).u64(EXPORT * 1000 - 60_000).build();
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4, 22, 4, 21, 4);
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(1).u32(64).u32(50_000).u32(59_000).build();
        decode(decoder, ipfix(EXPORT, 0, 1, set(3, options), set(400, init), set(2, t), set(256, rec)), A_LO, ARRIVAL, sink);
        Rec r = sink.only();
        assertEquals((EXPORT - 10) * S, r.start());
        assertEquals((EXPORT - 1) * S, r.end());
    }

    @Test
    void ipfixSamplingFromPacketIntervalAndSpace() {
        byte[] options = ipfixOptionsTemplate(400, 1, 149, 4, 305, 4, 306, 4);
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4);
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(1).u32(64).build();
        decode(decoder, ipfix(EXPORT, 0, 1, set(3, options), set(400, new Bytes().u32(1).u32(1).u32(99).build()),
                set(2, t), set(256, rec)), A_LO, ARRIVAL, sink);
        assertEquals(100, sink.only().packets());
        assertEquals(6400, sink.only().bytes());
    }

    @Test
    void ipfixSamplingProbabilityInTheRecord() {
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4, 311, 8);
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(3).u32(300)
                .u64(Double.doubleToLongBits(0.001)).build();
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, t), set(256, rec)), A_LO, ARRIVAL, sink);
        assertEquals(3000, sink.only().packets());
        assertEquals(300_000, sink.only().bytes());
    }

    @Test
    void sequenceGapsV9PerSourceIdAndIpfixPerDomain() {
        byte[] t = template(256, 8, 4, 12, 4, 2, 4, 1, 4);
        byte[] rec = new Bytes().addr("10.0.0.1").addr("192.0.2.9").u32(1).u32(64).build();
        for (long seq : new long[]{10, 11, 13, 12, 14}) { // 12 is lost, then comes late: counted once
            decode(decoder, v9(1000, EXPORT, seq, 1, set(0, t)), A_LO, ARRIVAL, sink);
        }
        decode(decoder, v9(1000, EXPORT, 500, 2, set(0, t)), A_LO, ARRIVAL, sink); // another source id
        FlowExporter ex = exporter(decoder, "192.0.2.1");
        assertEquals(1, ex.sequenceGaps());
        byte[] two = new Bytes().bytes(rec).bytes(rec).build();
        decode(decoder, ipfix(EXPORT, 0, 9, set(2, t), set(256, two)), A_LO, ARRIVAL, sink);
        decode(decoder, ipfix(EXPORT, 2, 9, set(256, rec)), A_LO, ARRIVAL, sink);
        decode(decoder, ipfix(EXPORT, 6, 9, set(256, rec)), A_LO, ARRIVAL, sink); // 3 records lost
        assertEquals(1 + 3, ex.sequenceGaps());
    }

    @Test
    void templateBoundRefusesMoreAndCountsThem() {
        FlowDecoder d = new FlowDecoder(new FlowDecoderSettings(1, false, 16, 2, 4));
        decode(d, ipfix(EXPORT, 0, 1, set(2, new Bytes().bytes(ipv4Template(256)).bytes(ipv4Template(257))
                .bytes(ipv4Template(258)).build())), A_LO, ARRIVAL, sink);
        FlowExporter ex = exporter(d, "192.0.2.1");
        assertEquals(2, ex.templates());
        assertEquals(1, ex.templatesRefused());
        // a refresh of a kept one is still taken
        decode(d, ipfix(EXPORT, 0, 1, set(2, ipv4Template(256))), A_LO, ARRIVAL, sink);
        assertEquals(1, ex.templatesRefused());
    }

    /** Many exporters each filling their template bound with the largest templates: all of them together stop at the budget. */
    @Test
    void allExportersTogetherHoldABoundedNumberOfTemplateFields() {
        int[] fields = new int[2 * TemplateDecoder.MAX_FIELDS];
        for (int i = 0; i < fields.length; i += 2) {
            fields[i] = 2;       // packetDeltaCount, again and again
            fields[i + 1] = 4;
        }
        int perExporter = FlowDecoderSettings.DEFAULT_MAX_TEMPLATES_PER_EXPORTER;
        long fitting = TemplateBudget.MAX_FIELDS / ((long) perExporter * TemplateDecoder.MAX_FIELDS); // exporters
        for (long e = 0; e <= fitting; e++) {
            for (int id = 256; id < 256 + perExporter; id += 30) {
                Bytes set = new Bytes();
                for (int k = id; k < Math.min(id + 30, 256 + perExporter); k++) {
                    set.bytes(template(k, fields));
                }
                decode(decoder, ipfix(EXPORT, 0, 1, set(2, set.build())), 0xffff_0a00_0000L | e, ARRIVAL, sink);
            }
        }
        FlowExporter first = exporter(decoder, "10.0.0.0"), last = exporter(decoder, "10.0.0." + fitting);
        assertEquals(perExporter, first.templates());
        assertEquals(0, last.templates());
        assertEquals(perExporter, last.templatesRefused());
        // a withdrawal gives room back
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, new Bytes().u16(2).u16(0).build())), 0xffff_0a00_0000L, ARRIVAL, sink);
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, template(300, fields))), 0xffff_0a00_0000L | fitting, ARRIVAL, sink);
        assertEquals(1, last.templates());
    }

    @Test
    void pendingBoundDropsTheOldest() {
        FlowDecoder d = new FlowDecoder(new FlowDecoderSettings(1, false, 16, 16, 2));
        byte[] rec = ipv4Record(0, 0);
        decode(d, ipfix(EXPORT, 0, 1, set(256, rec), set(257, rec), set(258, rec)), A_LO, ARRIVAL, sink);
        FlowExporter ex = exporter(d, "192.0.2.1");
        assertEquals(3, ex.templateMisses());
        assertEquals(1, ex.pendingDropped());
        decode(d, ipfix(EXPORT, 0, 1, set(2, new Bytes().bytes(ipv4Template(256)).bytes(ipv4Template(258)).build())),
                A_LO, ARRIVAL, sink);
        assertEquals(1, sink.got.size(), "256 was the oldest: dropped; 258 held and decoded");
        assertEquals(1, ex.pendingDecoded());
    }

    @Test
    void exporterBoundRefusesNewExporters() {
        FlowDecoder d = new FlowDecoder(new FlowDecoderSettings(1, false, 2, 16, 4));
        byte[] msg = ipfix(EXPORT, 0, 1, set(2, ipv4Template(256)));
        for (long lo = 1; lo <= 5; lo++) {
            decode(d, msg, 0xffff_0a00_0000L | lo, ARRIVAL, sink);
        }
        decode(d, msg, 0xffff_0a00_0001L, ARRIVAL, sink);
        assertEquals(2, d.exporters().size());
        assertEquals(3, d.exportersRefused());
        assertEquals(2, exporter(d, "10.0.0.1").datagrams());
    }

    @Test
    void templatesThatCannotMakeRecordsAreRefused() {
        decode(decoder, ipfix(EXPORT, 0, 1, set(2, template(256, 8, 0, 12, 0))), A_LO, ARRIVAL, sink);
        decode(decoder, v9(1, EXPORT, 0, 1, set(0, template(100, 8, 4))), A_LO, ARRIVAL, sink);
        FlowExporter ex = exporter(decoder, "192.0.2.1");
        assertEquals(0, ex.templates());
        assertTrue(ex.decodeErrors() >= 2);
    }
}
