package fastnetmon.source.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.packet.PacketParser;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static fastnetmon.source.flow.DecoderDatagrams.Bytes;
import static fastnetmon.source.flow.DecoderDatagrams.set;
import static fastnetmon.source.flow.DecoderDatagrams.template;
import static fastnetmon.source.flow.DecoderDatagrams.v9;
import static fastnetmon.source.flow.DecoderDatagrams.v9OptionsTemplate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./fastnetmon --flow_exports_file} as a process, on captures of exported datagrams written here:
 * real softflowd exports replayed from three exporters with the same source id (one out of order, one over
 * IPv6 whose last datagram is cut short), and hand-built NetFlow v9 exports for what the time attribution
 * and the per-exporter state must get right through the detector: a long record is a rate, not a spike;
 * short-record floods are banned with the right host, direction and type; two exporters with the same
 * source id but different templates; sampling from options data; IPv6 records.
 */
class ExportReplayEndToEndTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_767_225_600L; // 2026-01-01 00:00:00 UTC

    @TempDir
    Path dir;

    private record Frame(long nanos, String src, byte[] datagram, int cut) {
    }

    private void write(Path file, List<Frame> frames) throws IOException {
        frames.sort(Comparator.comparingLong(Frame::nanos));
        try (PcapWriter w = PcapWriter.pcap(file, PacketParser.LINKTYPE_ETHERNET, true)) {
            for (Frame f : frames) {
                boolean v6 = f.src().contains(":");
                FrameBuilder b = v6 ? FrameBuilder.ipv6(f.src(), "::1") : FrameBuilder.ipv4(f.src(), "127.0.0.1");
                byte[] frame = b.udp(40000, 2055).payload(f.datagram().length).ethernet();
                System.arraycopy(f.datagram(), 0, frame, frame.length - f.datagram().length, f.datagram().length);
                w.write(f.nanos(), frame, frame.length - f.cut(), frame.length);
            }
        }
    }

    private JsonNode replay(Path capture) throws Exception {
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16", "2001:db8:10::/48"),
                "threshold_pps = 10000", "ban_details_records_count = 0", "ban_time = 3600",
                "prometheus = off", "api = off", "netflow_port = 2055", "sflow_port = 6343");
        DetectorFiles.recordingScript(dir, dir.resolve("calls.log"), "$1 $2 $3 $4");
        Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(DetectorFiles.command(List.of(), "--configuration_file", conf.toString(),
                "--flow_exports_file", capture.toString())).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "replay did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err));
        String[] lines = Files.readString(out).strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static Map<String, JsonNode> exporters(JsonNode summary) {
        Map<String, JsonNode> m = new HashMap<>();
        summary.get("exporters").forEach(e -> m.put(e.get("address").asText(), e));
        return m;
    }

    private static long countedPackets(JsonNode s) {
        return s.get("incoming_packets").asLong() + s.get("outgoing_packets").asLong()
                + s.get("internal_packets").asLong() + s.get("other_packets").asLong();
    }

    @Test
    void softflowdExportsFromThreeExportersAreCountedWhole() throws Exception {
        NetnsRig.assumeAvailable("tshark");
        Path fixture = FlowDecoderFixturesTest.fixture("softflowd-v9-s10.pcap");
        List<DecoderExports.Datagram> datagrams = DecoderExports.readPcap(fixture);
        // tshark's reading of the same export (packets times the sampling rate from its options data)
        DecoderExports.Checked whole = DecoderExports.checkCflow(datagrams, fixture, 9);
        assertEquals(10, whole.rate(), "softflowd -s 10 sends its sampling in options data");
        long packets = whole.exporter().packets(), records = whole.exporter().records();

        List<Frame> frames = new ArrayList<>();
        int n = datagrams.size();
        assertTrue(n >= 3, n + " datagrams");
        for (int i = 0; i < n; i++) {
            long t = datagrams.get(i).arrivalNanos();
            frames.add(new Frame(t, "192.0.2.1", datagrams.get(i).data(), 0));
            // the first datagram arrives after the next two
            long late = i == 0 ? datagrams.get(Math.min(2, n - 1)).arrivalNanos() + 1000 : t + 2000;
            frames.add(new Frame(late, "192.0.2.2", datagrams.get(i).data(), 0));
            frames.add(new Frame(t + 3000, "2001:db8::c", datagrams.get(i).data(), i == n - 1 ? 30 : 0));
        }
        Path capture = dir.resolve("three-exporters.pcap");
        write(capture, frames);

        JsonNode s = replay(capture);
        Map<String, JsonNode> ex = exporters(s);
        assertEquals(3 * n, s.get("flow_datagrams").asLong());
        JsonNode a = ex.get("192.0.2.1"), b = ex.get("192.0.2.2"), c = ex.get("2001:db8::c");
        assertEquals(packets, a.get("packets").asLong(), a.toString());
        assertEquals(records, a.get("records_by_protocol").get("netflow9").asLong());
        assertEquals(0, a.get("decode_errors").asLong());
        assertEquals(packets, b.get("packets").asLong(), "the same source id, datagrams out of order: " + b);
        assertTrue(c.get("packets").asLong() < packets && c.get("packets").asLong() > 0, c.toString());
        assertTrue(c.get("decode_errors").asLong() >= 1, "the cut last datagram: " + c);
        // every packet the exports stand for is in the detector's totals, once
        assertEquals(a.get("packets").asLong() + b.get("packets").asLong() + c.get("packets").asLong(), countedPackets(s));
    }

    // NetFlow v9 elements: IN_BYTES 1, IN_PKTS 2, PROTOCOL 4, TCP_FLAGS 6, L4_SRC_PORT 7, IPV4_SRC_ADDR 8,
    // L4_DST_PORT 11, IPV4_DST_ADDR 12, LAST_SWITCHED 21, FIRST_SWITCHED 22, IPV6_SRC_ADDR 27, IPV6_DST_ADDR 28
    private static final byte[] V4 = template(256, 8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 6, 1, 2, 4, 1, 4, 22, 4, 21, 4);
    /** The other exporter's template 256: the same elements in another order. */
    private static final byte[] V4_OTHER = template(256, 2, 4, 1, 4, 22, 4, 21, 4, 4, 1, 6, 1, 8, 4, 12, 4, 7, 2, 11, 2);
    private static final byte[] V6 = template(257, 27, 16, 28, 16, 7, 2, 11, 2, 4, 1, 6, 1, 2, 4, 1, 4, 22, 4, 21, 4);
    /** Uptime (ms) at T0: record times are uptimes. */
    private static final long UP = 10_000_000;

    private static long up(long second) {
        return UP + (second - T0) * 1000;
    }

    private static byte[] v4(String src, String dst, int flags, long packets, long first, long last) {
        return new Bytes().addr(src).addr(dst).u16(40000).u16(80).u8(6).u8(flags).u32(packets).u32(packets * 60)
                .u32(up(first)).u32(up(last)).build();
    }

    private static byte[] v4Other(String src, String dst, long packets, long first, long last) {
        return new Bytes().u32(packets).u32(packets * 60).u32(up(first)).u32(up(last)).u8(17).u8(0)
                .addr(src).addr(dst).u16(53).u16(4444).build();
    }

    private static byte[] v6(String src, String dst, long packets, long first, long last) {
        return new Bytes().addr(src).addr(dst).u16(40000).u16(80).u8(6).u8(2).u32(packets).u32(packets * 80)
                .u32(up(first)).u32(up(last)).build();
    }

    private static byte[] export(long second, long seq, long sourceId, byte[]... sets) {
        return v9(up(second), second, seq, sourceId, sets);
    }

    @Test
    void longRecordsAreRatesShortFloodsAreBannedAndExportersKeepTheirOwnTemplates() throws Exception {
        List<Frame> f = new ArrayList<>();
        long seqA = 0, seqB = 0;
        // exporter A: the template, then a 100 s flow of 500,000 packets to 10.10.0.7 exported at its end:
        // 5,000 pps, under the 10,000 pps threshold (all in one second it would be a 500,000 pps spike)
        f.add(new Frame(T0 * S + 100, "192.0.2.1", export(T0, seqA++, 0, set(0, V4)), 0));
        f.add(new Frame((T0 + 100) * S + 500, "192.0.2.1",
                export(T0 + 100, seqA++, 0, set(256, v4("192.0.2.77", "10.10.0.7", 0x10, 500_000, T0, T0 + 100))), 0));
        // exporter A, seconds 101..104: a SYN flood on 10.10.0.5 in one-second records, 20 sources x 1,000 packets
        for (long s = T0 + 101; s <= T0 + 104; s++) {
            Bytes body = new Bytes();
            for (int i = 0; i < 20; i++) {
                body.bytes(v4("198.18.0." + (i + 1), "10.10.0.5", 0x02, 1000, s, s));
            }
            f.add(new Frame(s * S + 700_000_000L, "192.0.2.1", export(s, seqA++, 0, set(256, body.build())), 0));
        }
        // exporter B, the same source id 0, its own template 256 (another layout) and sampling 1:10 from
        // options data: a UDP flood out of 10.10.0.9, 15 records x 100 sampled packets a second = 15,000 pps
        byte[] options = v9OptionsTemplate(300, new int[]{1, 4}, 34, 4);
        f.add(new Frame((T0 + 100) * S + 10, "192.0.2.2", export(T0 + 100, seqB++, 0, set(1, options),
                set(300, new Bytes().u32(0).u32(10).build()), set(0, V4_OTHER)), 0));
        for (long s = T0 + 101; s <= T0 + 104; s++) {
            Bytes body = new Bytes();
            for (int i = 0; i < 15; i++) {
                body.bytes(v4Other("10.10.0.9", "203.0.113." + (i + 1), 100, s, s));
            }
            f.add(new Frame(s * S + 800_000_000L, "192.0.2.2", export(s, seqB++, 0, set(256, body.build())), 0));
        }
        // exporter A, IPv6: a SYN flood on 2001:db8:10::5 whose first data arrives before its template
        for (long s = T0 + 101; s <= T0 + 104; s++) {
            Bytes body = new Bytes();
            for (int i = 0; i < 12; i++) {
                body.bytes(v6("2001:db8:77::" + (i + 1), "2001:db8:10::5", 1000, s, s));
            }
            byte[] sets = set(257, body.build());
            byte[] d = s == T0 + 101 ? export(s, seqA++, 0, sets) : export(s, seqA++, 0, set(0, V6), sets);
            f.add(new Frame(s * S + 750_000_000L, "192.0.2.1", d, 0));
        }
        // and a last datagram cut short by the capture
        f.add(new Frame((T0 + 105) * S, "192.0.2.1",
                export(T0 + 105, seqA, 0, set(256, v4("192.0.2.78", "10.10.0.8", 0x10, 5, T0 + 105, T0 + 105))), 12));
        Path capture = dir.resolve("crafted.pcap");
        write(capture, f);

        JsonNode s = replay(capture);
        Map<String, JsonNode> bans = new HashMap<>();
        s.get("bans").forEach(b -> bans.put(b.get("ip").asText(), b));
        assertEquals(3, bans.size(), "the three floods and nothing else: " + s.get("bans"));
        JsonNode syn = bans.get("10.10.0.5"), udp = bans.get("10.10.0.9"), syn6 = bans.get("2001:db8:10::5");
        assertEquals("incoming", syn.get("direction").asText());
        assertEquals("syn_flood", syn.get("attack_type").asText());
        assertEquals(20_000, syn.get("pps").asLong(), "one second of the flood: " + syn);
        assertEquals("outgoing", udp.get("direction").asText());
        assertEquals("udp_flood", udp.get("attack_type").asText());
        assertEquals(15_000, udp.get("pps").asLong(), "sampling 1:10 from exporter B's options data: " + udp);
        assertEquals("incoming", syn6.get("direction").asText());
        // the first second's data waited for its template until the next second, which had been counted
        // by then (lag 0: these exports arrive within their second): it is counted with the next one
        assertEquals(24_000, syn6.get("pps").asLong(), syn6.toString());
        Map<String, JsonNode> ex = exporters(s);
        JsonNode a = ex.get("192.0.2.1");
        assertTrue(a.get("decode_errors").asLong() >= 1, "the cut last datagram: " + a);
        assertTrue(a.get("template_misses").asLong() >= 1, a.toString());
        // nothing lost: 500,000 + 4 x 20,000 + 4 x 12,000 from A, 4 x 15,000 from B
        assertEquals(500_000 + 80_000 + 48_000, a.get("packets").asLong());
        assertEquals(60_000, ex.get("192.0.2.2").get("packets").asLong());
        assertEquals(500_000 + 80_000 + 48_000 + 60_000, countedPackets(s));
        assertEquals(1 + 4 * 20 + 4 * 12 + 4 * 15, s.get("flow_records").asLong(), s.toString());
    }
}
