package fastnetmon.source.flow;

import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import org.junit.jupiter.api.Test;

import static fastnetmon.source.flow.DecoderDatagrams.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** sFlow v5 and NetFlow v5 from hand-built datagrams. */
class FlowDecoderSflowNetflow5Test {
    static final long S = 1_000_000_000L;
    static final long ARRIVAL = 1_767_225_600L * S;

    final Recorder sink = new Recorder();

    static byte[] sflow(String agent, long subAgent, long seq, byte[]... samples) {
        byte[] a = ip(agent);
        Bytes b = new Bytes().u32(5).u32(a.length == 4 ? 1 : 2).bytes(a).u32(subAgent).u32(seq).u32(12345).u32(samples.length);
        for (byte[] s : samples) {
            b.bytes(s);
        }
        return b.build();
    }

    static byte[] element(int format, byte[] body) {
        return new Bytes().u32(format).u32(body.length).bytes(body).build();
    }

    static byte[] rawHeader(int headerProtocol, int frameLength, byte[] header) {
        int pad = (4 - header.length % 4) % 4;
        return element(1, new Bytes().u32(headerProtocol).u32(frameLength).u32(4).u32(header.length)
                .bytes(header).bytes(new byte[pad]).build());
    }

    static byte[] flowSample(long rate, byte[]... records) {
        Bytes b = new Bytes().u32(1).u32(3).u32(rate).u32(1000).u32(0).u32(1).u32(2).u32(records.length);
        for (byte[] r : records) {
            b.bytes(r);
        }
        return element(1, b.build());
    }

    static byte[] expandedFlowSample(long rate, byte[]... records) {
        Bytes b = new Bytes().u32(1).u32(0).u32(3).u32(rate).u32(1000).u32(0).u32(0).u32(1).u32(0).u32(2).u32(records.length);
        for (byte[] r : records) {
            b.bytes(r);
        }
        return element(3, b.build());
    }

    static byte[] counterSample() {
        return counterSample(3, 5000, 10, 6000, 11);
    }

    /** A counter sample with one generic interface counters record (and an Ethernet one before it). */
    static byte[] counterSample(int ifIndex, long inOctets, long inUcast, long outOctets, long outUcast) {
        byte[] generic = new Bytes().u32(ifIndex).u32(6).u64(1_000_000_000L).u32(1).u32(1).u64(inOctets).u32(inUcast)
                .u32(0).u32(0).u32(0).u32(0).u32(0).u64(outOctets).u32(outUcast).u32(0).u32(0).u32(0).u32(0).u32(0).build();
        return element(2, new Bytes().u32(1).u32(ifIndex).u32(2).bytes(element(2, new byte[52]))
                .bytes(element(1, generic)).build());
    }

    @Test
    void rawHeaderThroughThePacketParserWithTheSamplingRate() {
        byte[] frame = FrameBuilder.ipv4("10.0.0.1", "192.0.2.9").qinq(10, 20).mpls(100, 200)
                .tcp(4321, 443, PacketRecord.TCP_SYN).ttl(33).frameLength(120).ethernet();
        byte[] header = java.util.Arrays.copyOf(frame, 80); // what a switch keeps of it
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        decode(d, sflow("192.0.2.1", 0, 1, flowSample(100, element(1001, new byte[16]), rawHeader(1, 124, header))),
                A_LO, ARRIVAL, sink);
        assertEquals(new Rec("192.0.2.1", "10.0.0.1", "192.0.2.9", 6, 4321, 443, PacketRecord.TCP_SYN, 33,
                100, 12_400, 124, ARRIVAL, ARRIVAL), sink.only());
        assertEquals(1, exporter(d, "192.0.2.1").records(FlowProtocol.SFLOW5));
    }

    @Test
    void lengthFromTheIpHeaderWhenConfigured() {
        byte[] frame = FrameBuilder.ipv4("10.0.0.1", "192.0.2.9").vlan(7).udp(53, 5353).frameLength(200).ethernet();
        FlowDecoder d = new FlowDecoder(new FlowDecoderSettings(1, true, 16, 16, 4));
        decode(d, sflow("192.0.2.1", 0, 1, flowSample(10, rawHeader(1, 204, java.util.Arrays.copyOf(frame, 64)))),
                A_LO, ARRIVAL, sink);
        assertEquals(10 * (200 - 18), sink.only().bytes(), "IP total length: the frame less 14 + 4 bytes of VLAN Ethernet");
    }

    @Test
    void expandedSampleIpv6AgentAndIpv6Packet() {
        byte[] packet = FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(1000, 2000).payload(100).ip();
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        decode(d, sflow("2001:db8:ffff::1", 3, 9, expandedFlowSample(512, rawHeader(12, packet.length, packet))),
                A_LO, ARRIVAL, sink);
        Rec r = sink.only();
        assertEquals("2001:db8::1", r.src());
        assertEquals(17, r.protocol());
        assertEquals(512, r.packets());
        assertEquals(512L * packet.length, r.bytes());
    }

    @Test
    void sampledIpv4RecordWhenThereIsNoHeader() {
        byte[] sampled = new Bytes().u32(1400).u32(6).addr("10.0.0.5").addr("192.0.2.7").u32(80).u32(40000)
                .u32(0x12).u32(0).build();
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        decode(d, sflow("192.0.2.1", 0, 1, flowSample(4, element(3, sampled))), A_LO, ARRIVAL, sink);
        assertEquals(new Rec("192.0.2.1", "10.0.0.5", "192.0.2.7", 6, 80, 40000, 0x12, 0, 4, 5600, 1400, ARRIVAL, ARRIVAL),
                sink.only());
    }

    @Test
    void counterSamplesAndNonIpHeadersAreAcceptedWithoutRecordsOrErrors() {
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        byte[] arp = FrameBuilder.ethernetFrame(0x0806, 46);
        decode(d, sflow("192.0.2.1", 0, 1, counterSample(), flowSample(1, rawHeader(1, 64, arp)), counterSample()),
                A_LO, ARRIVAL, sink);
        FlowExporter ex = exporter(d, "192.0.2.1");
        assertEquals(2, ex.counterSamples());
        assertEquals(0, sink.got.size());
        assertEquals(0, ex.decodeErrors());
    }

    @Test
    void interfaceCountersGrowByWhatEachInterfaceCounted() {
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        // interface 3: in packets 10, 25, 2^30, 2^31, 2^32 - 16, then 3 (the 32-bit counter wrapped: +19),
        // then 1 (went back, a reset: nothing); interface 4 goes back too
        long[] inPackets = {10, 25, 1L << 30, 1L << 31, 0xffff_fff0L, 3, 1};
        for (int i = 0; i < inPackets.length; i++) {
            byte[] extra = i == 0 || i == 6 ? counterSample(4, 7, 7, 7, 7 - i) : counterSample(5, 0, 0, 0, 0);
            decode(d, sflow("192.0.2.1", 0, i + 1, counterSample(3, 1000L * (i + 1), inPackets[i], 50 + i, 5), extra),
                    A_LO, ARRIVAL, sink);
        }
        FlowExporter ex = exporter(d, "192.0.2.1");
        assertEquals(6000, ex.ifInOctets());
        assertEquals((0xffff_fff0L - 10) + 19, ex.ifInPackets());
        assertEquals(6, ex.ifOutOctets());
        assertEquals(0, ex.ifOutPackets());
        assertEquals(14, ex.counterSamples());
        assertEquals(0, ex.decodeErrors());
    }

    @Test
    void sequenceGapsPerAgentAndSubAgent() {
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        for (long seq : new long[]{1, 2, 5, 6}) {
            decode(d, sflow("192.0.2.1", 0, seq), A_LO, ARRIVAL, sink); // 3 and 4 lost
        }
        for (long seq : new long[]{100, 101, 102}) {
            decode(d, sflow("192.0.2.1", 1, seq), A_LO, ARRIVAL, sink); // another sub-agent, no loss
        }
        for (long seq : new long[]{7, 9}) {
            decode(d, sflow("192.0.2.50", 0, seq), A_LO, ARRIVAL, sink); // another agent behind the same address
        }
        assertEquals(2 + 1, exporter(d, "192.0.2.1").sequenceGaps());
    }

    static byte[] netflow5(long sysUptime, long flowSequence, int sampling, int declared, byte[]... records) {
        Bytes b = new Bytes().u16(5).u16(declared).u32(sysUptime).u32(1_767_225_600L).u32(0).u32(flowSequence)
                .u8(0).u8(1).u16(sampling);
        for (byte[] r : records) {
            b.bytes(r);
        }
        return b.build();
    }

    static byte[] v5Record(String src, String dst, long packets, long bytes, long first, long last, int sport, int dport,
                           int flags, int protocol) {
        return new Bytes().addr(src).addr(dst).u32(0).u16(1).u16(2).u32(packets).u32(bytes).u32(first).u32(last)
                .u16(sport).u16(dport).u8(0).u8(flags).u8(protocol).u8(0).u16(0).u16(0).u8(24).u8(24).u16(0).build();
    }

    @Test
    void netflow5SamplingFieldTimesAndFlowSequence() {
        FlowDecoder d = new FlowDecoder(new FlowDecoderSettings(3, false, 16, 16, 4));
        byte[] r = v5Record("10.0.0.1", "192.0.2.9", 5, 500, 50_000, 59_000, 1111, 22, 0x02, 6);
        decode(d, netflow5(60_000, 100, (1 << 14) | 100, 2, r, r), A_LO, ARRIVAL, sink);
        Rec rec = sink.got.get(0);
        assertEquals(new Rec("192.0.2.1", "10.0.0.1", "192.0.2.9", 6, 1111, 22, 2, 0, 500, 50_000, 100,
                ARRIVAL - 10 * S, ARRIVAL - S), rec);
        decode(d, netflow5(61_000, 102, 0, 1, r), A_LO, ARRIVAL, sink);
        assertEquals(15, sink.got.get(2).packets(), "no sampling in the header: netflow_sampling_ratio");
        decode(d, netflow5(62_000, 110, 0, 1, r), A_LO, ARRIVAL, sink); // 7 flows lost
        FlowExporter ex = exporter(d, "192.0.2.1");
        assertEquals(7, ex.sequenceGaps());
        assertEquals(4, ex.records(FlowProtocol.NETFLOW5));
    }

    @Test
    void netflow5CountBeyondTheDatagramIsAnErrorAndTheRestIsUsed() {
        FlowDecoder d = new FlowDecoder(FlowDecoderSettings.defaults());
        byte[] r = v5Record("10.0.0.1", "192.0.2.9", 1, 60, 0, 0, 1, 2, 0, 17);
        decode(d, netflow5(1000, 0, 0, 3, r, r), A_LO, ARRIVAL, sink);
        assertEquals(2, sink.got.size());
        assertEquals(1, exporter(d, "192.0.2.1").decodeErrors());
        assertEquals(0, sink.got.get(0).tcpFlags());
    }
}
