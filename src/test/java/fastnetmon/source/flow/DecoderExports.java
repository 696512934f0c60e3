package fastnetmon.source.flow;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helper: runs real exporters (softflowd, pmacctd's sfprobe) over a capture file and collects what they
 * send on loopback, writes those datagrams as a capture file for tshark, asks tshark for its totals, and
 * decodes them with a {@link FlowDecoder}. Public for the tests elsewhere that send the recorded exports
 * (src/test/resources/fastnetmon/source/flow/exports) to a live collector ({@link #readPcap}).
 */
public final class DecoderExports {
    /** One received datagram. */
    public record Datagram(byte[] data, InetSocketAddress from, long arrivalNanos) {
    }

    /** Totals of decoded records as the sink saw them. */
    static final class Totals implements FlowRecordSink {
        long records, packets, bytes, longestSpanNanos;

        @Override
        public void record(FlowExporter exporter, PacketRecord rec, long startNanos, long endNanos) {
            longestSpanNanos = Math.max(longestSpanNanos, endNanos - startNanos);
            records++;
            packets += rec.packets;
            bytes += rec.bytes;
        }
    }

    private DecoderExports() {
    }

    /**
     * Receives on a fresh loopback port while {@code command} (with PORT replaced) runs; bounded in time.
     * {@code anyExit}: pmacctd exits 1 now and then when its plugin ends first, after sending everything.
     */
    static List<Datagram> receive(List<String> command, Path workDir, boolean anyExit) throws IOException, InterruptedException {
        roomForBursts();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setReceiveBufferSize(8 << 20);
            String port = Integer.toString(socket.getLocalPort());
            List<String> cmd = command.stream().map(s -> s.replace("PORT", port)).toList();
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("exporter.log").toFile()).start();
            List<Datagram> got = new ArrayList<>();
            byte[] buf = new byte[65536];
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            socket.setSoTimeout(200);
            long quietSince = 0;
            while (System.nanoTime() < deadline) {
                try {
                    socket.receive(packet);
                    got.add(new Datagram(Arrays.copyOf(buf, packet.getLength()),
                            (InetSocketAddress) packet.getSocketAddress(), System.currentTimeMillis() * 1_000_000L));
                    quietSince = 0;
                } catch (SocketTimeoutException e) {
                    if (!p.isAlive()) {
                        if (quietSince == 0) {
                            quietSince = System.nanoTime();
                        } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(600)) {
                            break;
                        }
                    }
                }
            }
            if (p.isAlive()) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", cmd) + " did not finish within 60 s");
            }
            if (p.exitValue() != 0 && !anyExit) {
                throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": "
                        + Files.readString(workDir.resolve("exporter.log")));
            }
            return got;
        }
    }

    /**
     * pmacctd sends a file's samples in a burst: lets the socket buffer hold them all (8 MB) even when this
     * thread is held up, so no datagram is lost before it is read (the tests run as root; the kernel default
     * cap is 208 KB). Only ever raises the cap.
     */
    private static void roomForBursts() throws IOException {
        Path max = Path.of("/proc/sys/net/core/rmem_max");
        if (Files.isReadable(max) && Long.parseLong(Files.readString(max).strip()) < (8 << 20)) {
            Files.writeString(max, Integer.toString(8 << 20));
        }
    }

    /** Writes the datagrams as Ethernet/IPv4/UDP frames from their source to 127.0.0.1:dstPort. */
    static void writePcap(Path file, List<Datagram> datagrams, int dstPort) throws IOException {
        try (PcapWriter w = PcapWriter.pcap(file, PacketParser.LINKTYPE_ETHERNET, true)) {
            for (Datagram d : datagrams) {
                String src = d.from().getAddress().getHostAddress();
                byte[] frame = FrameBuilder.ipv4(src, "127.0.0.1").udp(d.from().getPort(), dstPort)
                        .payload(d.data().length).ethernet();
                System.arraycopy(d.data(), 0, frame, 14 + 20 + 8, d.data().length);
                w.write(d.arrivalNanos(), frame);
            }
        }
    }

    /** Reads the UDP payloads of a capture written by {@link #writePcap} (Ethernet, IPv4, no options). */
    public static List<Datagram> readPcap(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<Datagram> out = new ArrayList<>();
        int p = 24;
        while (b.limit() - p >= 16) {
            long sec = b.getInt(p) & 0xffff_ffffL, frac = b.getInt(p + 4) & 0xffff_ffffL;
            int caplen = b.getInt(p + 8);
            p += 16;
            byte[] frame = Arrays.copyOfRange(b.array(), p, p + caplen);
            p += caplen;
            ByteBuffer f = ByteBuffer.wrap(frame);
            byte[] src = Arrays.copyOfRange(frame, 26, 30);
            int srcPort = f.getShort(34) & 0xffff;
            out.add(new Datagram(Arrays.copyOfRange(frame, 42, frame.length),
                    new InetSocketAddress(InetAddress.getByAddress(src), srcPort), sec * 1_000_000_000L + frac));
        }
        return out;
    }

    /** tshark's fields, one line per frame, the values of a field joined by commas. */
    static List<String[]> tshark(Path pcap, int port, String dissector, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-d",
                "udp.port==" + port + "," + dissector, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tshark failed on " + pcap);
        }
        List<String[]> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line.split("\t", -1));
            }
        }
        return lines;
    }

    /** Sum and count of the comma-separated numbers of one field over all lines. */
    static long[] sum(List<String[]> lines, int field) {
        long sum = 0, n = 0;
        for (String[] l : lines) {
            if (field < l.length && !l[field].isEmpty()) {
                for (String v : l[field].split(",")) {
                    sum += Long.parseLong(v.strip());
                    n++;
                }
            }
        }
        return new long[]{sum, n};
    }

    /** Decodes every datagram, exporters taken from their source address. */
    static Totals decode(FlowDecoder decoder, List<Datagram> datagrams, FlowProtocol protocol) {
        Totals t = new Totals();
        for (Datagram d : datagrams) {
            ByteBuffer b = ByteBuffer.wrap(d.data());
            long[] a = address(d.from().getAddress());
            decoder.decode(b, 0, d.data().length, a[0], a[1], protocol, d.arrivalNanos(), t);
        }
        return t;
    }

    /** Per datagram: {records, packets, bytes} the exporter's counters grew by while decoding it. */
    static long[][] decodeEach(FlowDecoder decoder, List<Datagram> datagrams, FlowProtocol protocol) {
        long[][] out = new long[datagrams.size()][];
        Totals sink = new Totals();
        for (int i = 0; i < datagrams.size(); i++) {
            Datagram d = datagrams.get(i);
            long[] a = address(d.from().getAddress());
            long r0 = records(decoder), p0 = packets(decoder), b0 = bytes(decoder);
            decoder.decode(ByteBuffer.wrap(d.data()), 0, d.data().length, a[0], a[1], protocol, d.arrivalNanos(), sink);
            out[i] = new long[]{records(decoder) - r0, packets(decoder) - p0, bytes(decoder) - b0};
        }
        return out;
    }

    private static long records(FlowDecoder d) {
        return d.exporters().stream().mapToLong(FlowExporter::records).sum();
    }

    private static long packets(FlowDecoder d) {
        return d.exporters().stream().mapToLong(FlowExporter::packets).sum();
    }

    private static long bytes(FlowDecoder d) {
        return d.exporters().stream().mapToLong(FlowExporter::bytes).sum();
    }

    /** How many sets (flowsets) a NetFlow v9 / IPFIX datagram holds, walking their headers. */
    static int sets(byte[] datagram) {
        ByteBuffer b = ByteBuffer.wrap(datagram);
        int p = (b.getShort(0) & 0xffff) == 9 ? 20 : 16, n = 0;
        while (datagram.length - p >= 4) {
            int len = b.getShort(p + 2) & 0xffff;
            if (len < 4) {
                break;
            }
            n++;
            p += len;
        }
        return n;
    }

    /** What a check found: the one exporter, and the sampling rate tshark read in the export (1: none). */
    record Checked(FlowExporter exporter, long rate) {
    }

    /**
     * Decodes NetFlow / IPFIX datagrams (their capture file is {@code export}, port 2055) and checks each one's
     * records, packets and bytes against tshark's (times tshark's sampling rate), and that nothing was counted
     * as an error, a template miss or a sequence gap.
     */
    static Checked checkCflow(List<Datagram> datagrams, Path export, int version) throws IOException, InterruptedException {
        FlowDecoder decoder = new FlowDecoder(FlowDecoderSettings.defaults());
        long[][] ours = decodeEach(decoder, datagrams, null);
        FlowExporter ex = only(decoder);
        FlowProtocol protocol = version == 5 ? FlowProtocol.NETFLOW5 : version == 9 ? FlowProtocol.NETFLOW9 : FlowProtocol.IPFIX;
        List<String[]> t = tshark(export, 2055, "cflow", "cflow.flowset_id", "cflow.packets", "cflow.octets",
                "cflow.samplerate", "cflow.sampling_interval", "cflow.sampling_packet_interval", "cflow.sampling_packet_space");
        long rate = switch (version) {
            case 5 -> Math.max(1, Long.parseLong(firstValue(t, 3))); // 0: not sampled
            case 9 -> Long.parseLong(firstValue(t, 4));
            default -> (Long.parseLong(firstValue(t, 5)) + Long.parseLong(firstValue(t, 6))) / Long.parseLong(firstValue(t, 5));
        };
        assertEquals(datagrams.size(), t.size());
        long records = 0;
        int cut = 0;
        for (int i = 0; i < t.size(); i++) {
            long[] packets = sum(t.subList(i, i + 1), 1), octets = sum(t.subList(i, i + 1), 2);
            int tsharkSets = t.get(i)[0].isEmpty() ? 0 : t.get(i)[0].split(",").length;
            if (version != 5 && tsharkSets < sets(datagrams.get(i).data())) {
                // softflowd's v9 header count leaves out some records of a datagram that carries templates;
                // tshark stops at the count, we read every set by its length (the capture checks those)
                cut++;
                assertTrue(ours[i][0] > packets[1], "datagram " + i);
                records += ours[i][0];
                continue;
            }
            String at = "datagram " + i + " of " + t.size();
            assertEquals(packets[1], ours[i][0], at + ": records");
            assertEquals(packets[0] * rate, ours[i][1], at + ": packets");
            assertEquals(octets[0] * rate, ours[i][2], at + ": bytes");
            records += packets[1];
        }
        assertTrue(cut <= t.size() / 4, cut + " datagrams of " + t.size() + " not wholly read by tshark");
        assertEquals(datagrams.size(), ex.datagrams(protocol));
        assertEquals(records, ex.records(protocol));
        assertEquals(0, ex.decodeErrors());
        assertEquals(0, ex.templateMisses());
        assertEquals(0, ex.sequenceGaps());
        return new Checked(ex, rate);
    }

    /**
     * Decodes sFlow datagrams (their capture file is {@code export}, port 6343) and checks samples, packets
     * (the sampling rates) and bytes (rate times frame length) against tshark's.
     */
    static Checked checkSflow(List<Datagram> datagrams, Path export) throws IOException, InterruptedException {
        FlowDecoder decoder = new FlowDecoder(FlowDecoderSettings.defaults());
        Totals sink = decode(decoder, datagrams, FlowProtocol.SFLOW5);
        FlowExporter ex = only(decoder);
        List<String[]> t = tshark(export, 6343, "sflow", "sflow.flow_sample.sampling_rate", "sflow_245.header.frame_length");
        long samples = 0, packets = 0, bytes = 0, rate = 0;
        for (String[] line : t) {
            if (line[0].isEmpty()) {
                continue;
            }
            String[] rates = line[0].split(","), lengths = line[1].split(",");
            assertEquals(rates.length, lengths.length, "one raw packet header per flow sample");
            for (int i = 0; i < rates.length; i++) {
                rate = Long.parseLong(rates[i]);
                samples++;
                packets += rate;
                bytes += rate * Long.parseLong(lengths[i]);
            }
        }
        assertEquals(samples, ex.records(FlowProtocol.SFLOW5), "samples");
        assertEquals(packets, ex.packets(), "packets");
        assertEquals(bytes, ex.bytes(), "bytes");
        assertEquals(sink.packets, ex.packets());
        assertEquals(sink.bytes, ex.bytes());
        assertEquals(0, ex.decodeErrors());
        assertEquals(0, ex.sequenceGaps());
        return new Checked(ex, rate);
    }

    private static String firstValue(List<String[]> lines, int field) {
        for (String[] l : lines) {
            if (field < l.length && !l[field].isEmpty()) {
                return l[field].split(",")[0];
            }
        }
        throw new AssertionError("tshark shows no field " + field);
    }

    /**
     * Runs {@code body} with the decoders' warnings off: tests that feed thousands of fresh decoders
     * malformed input would otherwise log one line per decoder (each is a new exporter to it).
     */
    static void quietly(ThrowingRunnable body) throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FlowDecoder.class);
        ch.qos.logback.classic.Level before = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.ERROR);
        try {
            body.run();
        } finally {
            log.setLevel(before);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** An address as PacketRecord keeps it: {hi, lo}, IPv4 mapped. */
    static long[] address(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return new long[]{0, PacketRecord.V4_MAPPED_PREFIX | (ByteBuffer.wrap(b).getInt() & 0xffff_ffffL)};
        }
        ByteBuffer w = ByteBuffer.wrap(b);
        return new long[]{w.getLong(), w.getLong()};
    }

    static FlowExporter only(FlowDecoder decoder) {
        if (decoder.exporters().size() != 1) {
            throw new AssertionError("expected one exporter, got " + decoder.exporters());
        }
        return decoder.exporters().iterator().next();
    }
}
