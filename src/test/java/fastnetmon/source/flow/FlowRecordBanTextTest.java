package fastnetmon.source.flow;

import fastnetmon.packet.PacketParser;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static fastnetmon.source.flow.DecoderDatagrams.Bytes;
import static fastnetmon.source.flow.DecoderDatagrams.set;
import static fastnetmon.source.flow.DecoderDatagrams.template;
import static fastnetmon.source.flow.DecoderDatagrams.v9;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host banned from NetFlow v9 records, through {@code ./fastnetmon --flow_exports_file} as a process:
 * each attack_details sample line that came from a flow record says so and what it stands for, and with
 * enable_connection_tracking = on the ban text lists the host's flows in FastNetMon's format.
 */
class FlowRecordBanTextTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_767_225_600L; // 2026-01-01 00:00:00 UTC
    private static final long UP = 10_000_000;
    // IPV4_SRC_ADDR 8, IPV4_DST_ADDR 12, L4_SRC_PORT 7, L4_DST_PORT 11, PROTOCOL 4, TCP_FLAGS 6, IN_PKTS 2,
    // IN_BYTES 1, FIRST_SWITCHED 22, LAST_SWITCHED 21
    private static final byte[] V4 = template(256, 8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 6, 1, 2, 4, 1, 4, 22, 4, 21, 4);

    @TempDir
    Path dir;

    private static long up(long second) {
        return UP + (second - T0) * 1000;
    }

    private static byte[] record(String src, int srcPort, long packets, long first, long last) {
        return new Bytes().addr(src).addr("10.10.0.5").u16(srcPort).u16(80).u8(6).u8(0x02).u32(packets).u32(packets * 60)
                .u32(up(first)).u32(up(last)).build();
    }

    /**
     * Seconds 1..4: a SYN flood on 10.10.0.5 in records of {@code span} seconds exported at their end,
     * 20 sources x 1,000 packets a second.
     */
    private Path capture(int span) throws Exception {
        Path file = dir.resolve("flood.pcap");
        try (PcapWriter w = PcapWriter.pcap(file, PacketParser.LINKTYPE_ETHERNET, true)) {
            for (long s = T0 + 1, seq = 0; s <= T0 + 4; s++, seq++) {
                Bytes body = new Bytes();
                for (int i = 20; i >= 1; i--) { // listed backwards: the ban text sorts them
                    body.bytes(record("198.18.0." + i, 40000 + i, 1000L * span, s - span + 1, s));
                }
                byte[] d = v9(up(s), s, seq, 0, set(0, V4), set(256, body.build()));
                byte[] frame = FrameBuilder.ipv4("192.0.2.1", "127.0.0.1").udp(40000, 2055).payload(d.length).ethernet();
                System.arraycopy(d, 0, frame, frame.length - d.length, d.length);
                w.write(s * S + 700_000_000L, frame, frame.length, frame.length);
            }
        }
        return file;
    }

    private String stdinOf(String action) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            Path f = files.filter(p -> p.getFileName().toString().equals("stdin-" + action + "-10.10.0.5")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + action + " call for 10.10.0.5"));
            return Files.readString(f);
        }
    }

    private void replay(String... lines) throws Exception {
        replay(1, lines);
    }

    private void replay(int span, String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("threshold_pps = 10000", "ban_details_records_count = 5", "ban_time = 3600",
                "prometheus = off", "api = off", "netflow_port = 2055", "sflow_port = 6343"));
        all.addAll(List.of(lines));
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), all.toArray(String[]::new));
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\ncat > \"" + dir + "/stdin-$4-$1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(DetectorFiles.command(List.of(), "--configuration_file", conf.toString(),
                "--flow_exports_file", capture(span).toString())).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "replay did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err));
    }

    @Test
    void detailsSamplesFromFlowRecordsAreMarked() throws Exception {
        replay();
        String details = stdinOf("attack_details");
        List<String> samples = details.lines().filter(l -> l.contains(" > 10.10.0.5:80 ")).toList();
        assertEquals(5, samples.size(), details);
        Pattern line = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} 198\\.18\\.0\\.(\\d+):(\\d+) > 10\\.10\\.0\\.5:80 "
                + "protocol: tcp flags: syn frag: 0  packets: 1000 size: 60 bytes ttl: 0 sample ratio: 1  "
                + "from netflow_v9 record: 1000 packets 60000 bytes");
        for (String s : samples) {
            Matcher m = line.matcher(s);
            assertTrue(m.matches(), s);
            assertEquals(40000 + Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), s);
        }
        // without connection tracking, the ban text is the description alone
        assertTrue(stdinOf("ban").endsWith(" bytes \n"), stdinOf("ban"));
    }

    @Test
    void aRecordSpreadOverTheSecondsItCoversIsMarkedWithTheShareOfEachSecond() throws Exception {
        replay(2);
        List<String> samples = stdinOf("attack_details").lines().filter(l -> l.contains(" > 10.10.0.5:80 ")).toList();
        assertEquals(5, samples.size());
        for (String s : samples) {
            assertTrue(s.endsWith("packets: 1000 size: 60 bytes ttl: 0 sample ratio: 1  from netflow_v9 record: 1000 packets 60000 bytes"), s);
        }
    }

    @Test
    void connectionTrackingListsTheFlowsOfTheNextSecond() throws Exception {
        replay("enable_connection_tracking = on");
        String ban = stdinOf("ban");
        StringBuilder expected = new StringBuilder("Incoming\n\nTCP flows: 20\n");
        for (int i = 1; i <= 6; i++) { // FastNetMon's order (ports, then the address read little-endian); count + 1 shown
            expected.append("10.10.0.5:80 < 198.18.0.").append(i).append(':').append(40000 + i).append(" 60000 bytes 1000 packets\n");
        }
        expected.append("Flows have cropped due to very long list.\n\n");
        assertTrue(ban.startsWith("IP: 10.10.0.5\nAttack type: syn_flood\n"), ban);
        assertTrue(ban.endsWith(" bytes \n" + expected), ban);
        // the details file holds the same ban text, then the details
        try (Stream<Path> files = Files.list(dir.resolve("attacks"))) {
            String file = Files.readString(files.findFirst().orElseThrow());
            assertTrue(file.startsWith(ban + "\n\n"), file);
        }
        assertTrue(stdinOf("attack_details").contains("from netflow_v9 record: 1000 packets 60000 bytes\n"));
    }
}
