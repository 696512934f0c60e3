package fastnetmon.source.flow;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.testing.NetnsRig;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real exporters over a capture file written here: softflowd (NetFlow v5, v9, IPFIX; unsampled and 1:10)
 * and pmacctd's sfprobe (sFlow v5, 1:1 and 1:10). Their datagrams, received on loopback, are decoded by
 * {@link FlowDecoder} and compared with tshark's reading of the same datagrams (records, packets and bytes
 * exactly) and, unsampled, with the capture itself. Set FLOW_FIXTURES=DIR to keep the exports as capture files.
 */
class FlowDecoderExportersTest {
    @TempDir
    static Path dir;
    static Path capture;
    /** What the capture holds: packets and IP bytes for IPv4 and IPv6, frame bytes for all. */
    static long packets4, ipBytes4, packets6, ipBytes6, frameBytes;
    /** The longest flow: its first to its last packet. */
    static long longestFlowNanos;

    @BeforeAll
    static void writeCapture() throws IOException {
        NetnsRig.assumeAvailable("softflowd", "pmacctd", "tshark");
        capture = dir.resolve("traffic.pcap");
        SplittableRandom rnd = new SplittableRandom(8);
        long t = 1_767_225_600_000_000_000L;
        try (PcapWriter w = PcapWriter.pcap(capture, PacketParser.LINKTYPE_ETHERNET, true)) {
            // 160 flows of 1 to 40 packets each, IPv4 and IPv6, TCP, UDP and ICMP, sizes 60 to 1400
            for (int f = 0; f < 160; f++) {
                boolean v6 = f % 5 == 4;
                int n = 1 + rnd.nextInt(40);
                longestFlowNanos = Math.max(longestFlowNanos, (n - 1) * 1_000_000L);
                int kind = f % 3;
                for (int i = 0; i < n; i++) {
                    FrameBuilder b = v6 ? FrameBuilder.ipv6("2001:db8::" + Integer.toHexString(f + 1), "2001:db8:1::5")
                            : FrameBuilder.ipv4("10.1." + (f / 200) + "." + (f % 200 + 1), "192.0.2." + (f % 7 + 1));
                    b = kind == 0 ? b.tcp(1024 + f, 80, PacketRecord.TCP_SYN) : kind == 1 ? b.udp(5000 + f, 53) : b.icmp(8, 0);
                    byte[] frame = b.frameLength(60 + rnd.nextInt(1340)).ethernet();
                    w.write(t, frame);
                    t += 1_000_000L; // 1 ms apart
                    int ip = frame.length - 14;
                    if (v6) {
                        packets6++;
                        ipBytes6 += ip;
                    } else {
                        packets4++;
                        ipBytes4 += ip;
                    }
                    frameBytes += frame.length;
                }
            }
        }
    }

    @ParameterizedTest(name = "softflowd -v {0}, sampling 1:{1}")
    @CsvSource({"5,1", "9,1", "10,1", "5,10", "9,10", "10,10"})
    void softflowdMatchesTshark(int version, int sampling) throws Exception {
        // -c none: no control socket (with one, softflowd -r may block in accept() on it, depending on its path)
        List<String> cmd = sampling == 1
                ? List.of("softflowd", "-d", "-c", "none", "-r", capture.toString(), "-n", "127.0.0.1:PORT", "-v", "" + version)
                : List.of("softflowd", "-d", "-c", "none", "-r", capture.toString(), "-n", "127.0.0.1:PORT", "-v", "" + version,
                "-s", "" + sampling);
        List<DecoderExports.Datagram> datagrams = DecoderExports.receive(cmd, dir, false);
        assertTrue(datagrams.size() > 1, "softflowd sent " + datagrams.size() + " datagrams");
        Path export = keep(dir.resolve("softflowd-v" + version + "-s" + sampling + ".pcap"), datagrams);

        DecoderExports.Checked checked = DecoderExports.checkCflow(datagrams, export, version);
        FlowExporter ex = checked.exporter();
        assertEquals(sampling, checked.rate(), "the rate tshark reads in the export");
        // the spans of the records are the flows' (softflowd's times are in milliseconds; -r runs on the
        // capture's clock, its uptime on ours: the decoder keeps the span while it moves the end to the arrival)
        DecoderExports.Totals spans = DecoderExports.decode(new FlowDecoder(FlowDecoderSettings.defaults()), datagrams, null);
        if (sampling == 1) {
            assertEquals(longestFlowNanos, spans.longestSpanNanos);
        } else { // softflowd -s keeps 1 packet in N: a flow's first to last kept packet
            assertTrue(spans.longestSpanNanos > 0 && spans.longestSpanNanos <= longestFlowNanos);
        }
        if (sampling == 1) { // and the truth: softflowd counts IP lengths; v5 carries IPv4 only
            assertEquals(version == 5 ? packets4 : packets4 + packets6, ex.packets());
            assertEquals(version == 5 ? ipBytes4 : ipBytes4 + ipBytes6, ex.bytes());
        }
    }

    @ParameterizedTest(name = "pmacctd sfprobe, sampling 1:{0}")
    @CsvSource({"1", "10"})
    void pmacctSflowMatchesTshark(int sampling) throws Exception {
        Path conf = dir.resolve("sfprobe-" + sampling + ".conf");
        Files.writeString(conf, "daemonize: false\npcap_savefile: " + capture + "\nplugins: sfprobe\n"
                + "sfprobe_receiver: 127.0.0.1:PORT\nsampling_rate: " + sampling + "\n");
        // pmacctd takes the port from its configuration: write it once the port is known
        Path run = dir.resolve("sfprobe.sh");
        Files.writeString(run, "sed \"s/PORT/$1/\" " + conf + " > " + conf + ".run && exec pmacctd -f " + conf + ".run\n");
        List<DecoderExports.Datagram> datagrams = DecoderExports.receive(List.of("sh", run.toString(), "PORT"), dir, true);
        assertTrue(datagrams.size() > 1, "pmacctd sent " + datagrams.size() + " datagrams");
        Path export = keep(dir.resolve("pmacct-sflow-s" + sampling + ".pcap"), datagrams);

        FlowExporter ex = DecoderExports.checkSflow(datagrams, export).exporter();
        if (sampling == 1) {
            // every packet sampled, but pmacctd may stop before the last few of a file: its own loss, which
            // tshark shows too (checked above); pmacctd adds the 4-byte FCS to the frame length
            long all = packets4 + packets6;
            assertTrue(ex.packets() <= all && ex.packets() > 0.99 * all, ex.packets() + " of " + all);
            assertTrue(ex.bytes() <= frameBytes + 4 * all && ex.bytes() > 0.99 * (frameBytes + 4 * all));
        } else { // 1 in 10: the estimate is within a few standard errors of the truth
            long all = packets4 + packets6;
            assertTrue(Math.abs(ex.packets() - all) < 0.2 * all, ex.packets() + " vs " + all);
        }
    }

    @Test
    void sflowLengthFromIpHeader() throws Exception {
        Path conf = dir.resolve("sfprobe-ip.conf");
        Files.writeString(conf, "daemonize: false\npcap_savefile: " + capture + "\nplugins: sfprobe\n"
                + "sfprobe_receiver: 127.0.0.1:PORT\nsampling_rate: 1\n");
        Path run = dir.resolve("sfprobe-ip.sh");
        Files.writeString(run, "sed \"s/PORT/$1/\" " + conf + " > " + conf + ".run && exec pmacctd -f " + conf + ".run\n");
        List<DecoderExports.Datagram> datagrams = DecoderExports.receive(List.of("sh", run.toString(), "PORT"), dir, true);
        FlowDecoder byFrame = new FlowDecoder(FlowDecoderSettings.defaults());
        FlowDecoder byIp = new FlowDecoder(new FlowDecoderSettings(1, true, 16, 16, 4));
        DecoderExports.decode(byFrame, datagrams, FlowProtocol.SFLOW5);
        DecoderExports.decode(byIp, datagrams, FlowProtocol.SFLOW5);
        FlowExporter frames = DecoderExports.only(byFrame), ips = DecoderExports.only(byIp);
        assertEquals(frames.packets(), ips.packets());
        // untagged Ethernet: pmacctd's frame length is the IP length + 14 (header) + 4 (FCS)
        assertEquals(frames.bytes() - 18 * frames.packets(), ips.bytes(), "sflow_read_packet_length_from_ip_header");
        long all = packets4 + packets6;
        assertTrue(ips.packets() <= all && ips.packets() > 0.99 * all, ips.packets() + " of " + all);
    }

    /** Writes the export as a capture file (to FLOW_FIXTURES too when set) and returns it. */
    private static Path keep(Path file, List<DecoderExports.Datagram> datagrams) throws IOException {
        int port = file.getFileName().toString().startsWith("pmacct") ? 6343 : 2055;
        DecoderExports.writePcap(file, datagrams, port);
        String fixtures = System.getenv("FLOW_FIXTURES");
        if (fixtures != null) {
            Files.copy(file, Path.of(fixtures).resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
