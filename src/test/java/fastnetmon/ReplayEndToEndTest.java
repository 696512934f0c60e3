package fastnetmon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline over capture files this test writes: a real process replays them, calls a real
 * notify script, and prints the JSON summary.
 */
class ReplayEndToEndTest {
    static final long T0 = 1_767_225_600L * 1_000_000_000L; // 2026-01-01 00:00:00 UTC
    static final long SECOND = 1_000_000_000L;

    @TempDir
    static Path dir;
    static Path conf;
    static Path calls;
    static Path scriptOut;

    @BeforeAll
    static void setUp() throws IOException {
        Files.writeString(dir.resolve("networks_list"), "# test networks\n10.10.0.0/16\n2001:db8:10::/48\n");
        Files.writeString(dir.resolve("networks_whitelist"), "10.10.0.250/32\n");
        scriptOut = Files.createDirectories(dir.resolve("script-out"));
        calls = scriptOut.resolve("calls.log");
        Path script = dir.resolve("notify.sh");
        // Records the argument vector (one line per call, in order) and stdin per ip and action.
        Files.writeString(script, "#!/bin/sh\n"
                + "cat > \"" + scriptOut + "/$1.$4.stdin\"\n"
                + "echo \"$1 $2 $3 $4\" >> \"" + calls + "\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        conf = dir.resolve("fastnetmon.conf");
        Files.writeString(conf, String.join("\n",
                "networks_list_path = networks_list",
                "white_list_path = networks_whitelist",
                "notify_script_path = notify.sh",
                "log_file = log/fastnetmon.log",
                "attack_details_folder = attacks",
                "pid_path = log/fastnetmon.pid",
                "ban_for_pps = on",
                "threshold_pps = 20000",
                "ban_for_bandwidth = on",
                "threshold_mbps = 1000",
                "ban_details_records_count = 20",
                "ban_time = 2",
                "unban_only_if_attack_finished = on",
                ""));
    }

    /** Writes frames at an even spacing within one second of packet time. */
    static void spread(PcapWriter w, long second, List<byte[]> frames) throws IOException {
        long step = SECOND / Math.max(1, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            w.write(T0 + second * SECOND + i * step, frames.get(i));
        }
    }

    static int outside(int i) {
        return (100 << 24) | (64 << 16) | (i & 0xffff); // 100.64.x.y, distinct per i below 65536
    }

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    @Test
    void floodsAreBannedWithDetailsAndUnbannedAndCountsAreExact() throws Exception {
        Path pcap = dir.resolve("floods.pcap");
        long incoming = 0, outgoing = 0, internal = 0, other = 0, bytes = 0, total = 0;
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < 6; s++) {
                List<byte[]> frames = new ArrayList<>();
                // Background: a quiet incoming host, internal and transit traffic.
                for (int i = 0; i < 500; i++) {
                    frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.0.9")).tcp(40000 + i, 443, PacketRecord.TCP_ACK).ethernet());
                    frames.add(FrameBuilder.ipv4(ip("10.10.0.9"), ip("10.10.1.1")).udp(5000, 53).ethernet());
                    frames.add(FrameBuilder.ipv4(outside(i), outside(i + 1)).icmp(8, 0).ethernet());
                }
                incoming += 500;
                internal += 500;
                other += 500;
                if (s == 1 || s == 2) {
                    for (int i = 0; i < 25000; i++) { // SYN flood on 10.10.0.5 from distinct sources
                        frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.0.5")).tcp(1024 + i % 60000, 80, PacketRecord.TCP_SYN).ttl(64).ethernet());
                    }
                    for (int i = 0; i < 30000; i++) { // the whitelisted host: never banned
                        frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.0.250")).udp(1000, 53).ethernet());
                    }
                    for (int i = 0; i < 22000; i++) { // 10.10.0.7 floods out with UDP
                        frames.add(FrameBuilder.ipv4(ip("10.10.0.7"), outside(i)).udp(7777, 9).payload(100).ethernet());
                    }
                    incoming += 55000;
                    outgoing += 22000;
                }
                java.util.Collections.shuffle(frames, new java.util.Random(s));
                for (byte[] f : frames) {
                    bytes += f.length;
                }
                total += frames.size();
                spread(w, s, frames);
            }
        }

        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "--pcap_file", pcap.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        Map<String, Object> summary = parse(r.lastLine());
        assertEquals(total, summary.get("packets"));
        assertEquals(bytes, summary.get("bytes"));
        assertEquals(0L, summary.get("unparsed"));
        assertEquals(incoming, summary.get("incoming_packets"));
        assertEquals(outgoing, summary.get("outgoing_packets"));
        assertEquals(internal, summary.get("internal_packets"));
        assertEquals(other, summary.get("other_packets"));
        assertTrue((Double) summary.get("seconds") > 5.9 && (Double) summary.get("seconds") < 6.0, summary.toString());

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> bans = ((List<Map<String, Object>>) summary.get("bans")).stream()
                .collect(Collectors.toMap(b -> (String) b.get("ip"), b -> b));
        assertEquals(2, bans.size(), bans.toString());
        Map<String, Object> syn = bans.get("10.10.0.5");
        assertEquals("incoming", syn.get("direction"));
        // Only the flood reaches 10.10.0.5; the power is its rate over the ticks in which it ran (the
        // shuffled frames put 2500 of it in each tenth of a second, give or take a few).
        assertEquals(25000, ((Long) syn.get("pps")).doubleValue(), 250, syn.toString());
        assertEquals(25000, ((Long) syn.get("flows")).doubleValue(), 250, syn.toString());
        assertEquals("syn_flood", syn.get("attack_type"));
        assertEquals("tcp", syn.get("protocol"));
        int synFrame = FrameBuilder.ipv4(outside(0), ip("10.10.0.5")).tcp(1024, 80, PacketRecord.TCP_SYN).ethernet().length;
        assertEquals(((Long) syn.get("pps")) * synFrame * 8 / 1e6, (Double) syn.get("mbps"), 0.01);
        Map<String, Object> udp = bans.get("10.10.0.7");
        assertEquals("outgoing", udp.get("direction"));
        assertEquals(22000, ((Long) udp.get("pps")).doubleValue(), 220, udp.toString());
        assertEquals("udp_flood", udp.get("attack_type"));
        assertEquals("udp", udp.get("protocol"));

        // The script ran ban, attack_details, unban for each host, in that order, with FastNetMon's arguments.
        List<String> lines = Files.readAllLines(calls);
        long synPps = (Long) syn.get("pps"), udpPps = (Long) udp.get("pps");
        assertEquals(List.of("10.10.0.5 incoming " + synPps + " ban", "10.10.0.5 incoming " + synPps + " attack_details",
                "10.10.0.5 incoming " + synPps + " unban"), lines.stream().filter(l -> l.startsWith("10.10.0.5 ")).toList());
        assertEquals(List.of("10.10.0.7 outgoing " + udpPps + " ban", "10.10.0.7 outgoing " + udpPps + " attack_details",
                "10.10.0.7 outgoing " + udpPps + " unban"), lines.stream().filter(l -> l.startsWith("10.10.0.7 ")).toList());
        assertEquals(6, lines.size(), lines.toString());

        String ban = Files.readString(scriptOut.resolve("10.10.0.5.ban.stdin"));
        assertTrue(ban.contains("IP: 10.10.0.5\n"), ban);
        assertTrue(ban.contains("Attack type: syn_flood\n"), ban);
        assertTrue(ban.contains("Initial attack power: " + synPps + " packets per second\n"), ban);
        assertTrue(ban.contains("Attack direction: incoming\n"), ban);
        assertTrue(ban.contains("Attack protocol: tcp\n"), ban);

        String details = Files.readString(scriptOut.resolve("10.10.0.5.attack_details.stdin"));
        assertTrue(DetectorFiles.withoutPeak(details).startsWith(DetectorFiles.withoutPeak(ban).strip()), details); // its peak may have risen since
        Pattern sample = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} 100\\.64\\.\\d+\\.\\d+:\\d+ > 10\\.10\\.0\\.5:80 "
                + "protocol: tcp flags: syn frag: 0 +packets: 1 size: " + synFrame + " bytes ttl: 64.*");
        List<String> samples = details.lines().filter(l -> l.contains(" > ")).toList();
        assertEquals(20, samples.size(), details);
        samples.forEach(l -> assertTrue(sample.matcher(l).matches(), l));
        String udpDetails = Files.readString(scriptOut.resolve("10.10.0.7.attack_details.stdin"));
        assertEquals(20, udpDetails.lines().filter(l -> l.matches(".*10\\.10\\.0\\.7:7777 > 100\\.64\\.\\d+\\.\\d+:9 protocol: udp.*")).count(), udpDetails);

        try (Stream<Path> files = Files.list(dir.resolve("attacks"))) {
            List<Path> detailFiles = files.toList();
            assertEquals(2, detailFiles.size(), detailFiles.toString());
            String f = Files.readString(detailFiles.stream().filter(p -> p.getFileName().toString().startsWith("10.10.0.5_")).findFirst().orElseThrow());
            assertTrue(f.contains("> 10.10.0.5:80 protocol: tcp flags: syn"), f);
        }
        assertFalse(Files.exists(scriptOut.resolve("10.10.0.250.ban.stdin")), "whitelisted host was banned");
    }

    @Test
    void ipv6IcmpFloodOverPcapngWithNanosecondsAndVlanIsBanned() throws Exception {
        Path pcap = dir.resolve("v6.pcapng");
        try (PcapWriter w = PcapWriter.pcapng(pcap, PacketParser.LINKTYPE_ETHERNET, true)) {
            for (int s = 0; s < 2; s++) {
                List<byte[]> frames = new ArrayList<>();
                for (int i = 0; i < 21000; i++) {
                    frames.add(FrameBuilder.ipv6("2001:db8:99::" + Integer.toHexString(i + 1), "2001:db8:10::5").icmp(128, 0).vlan(42).ethernet());
                }
                spread(w, s, frames);
            }
        }
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "--pcap_file", pcap.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        Map<String, Object> summary = parse(r.lastLine());
        assertEquals(42000L, summary.get("incoming_packets"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> bans = (List<Map<String, Object>>) summary.get("bans");
        assertEquals(1, bans.size(), bans.toString());
        assertEquals("2001:db8:10::5", bans.get(0).get("ip"));
        assertEquals(21000L, bans.get(0).get("pps"));
        assertEquals("icmp_flood", bans.get(0).get("attack_type"));
        assertEquals("icmp", bans.get(0).get("protocol"));
        assertTrue(Files.readAllLines(calls).contains("2001:db8:10::5 incoming 21000 ban"));
    }

    @Test
    void malformedPacketsAreCountedNotThrown() throws Exception {
        Path pcap = dir.resolve("junk.pcap");
        java.util.Random rnd = new java.util.Random(7);
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int i = 0; i < 1000; i++) {
                byte[] f = FrameBuilder.ipv4(outside(i), ip("10.10.0.9")).tcp(1, 2, PacketRecord.TCP_SYN).ethernet();
                w.write(T0 + i, f, 20, f.length); // cut inside the IPv4 header
                byte[] junk = new byte[15 + rnd.nextInt(80)];
                rnd.nextBytes(junk);
                junk[12] = 0x08; // claims IPv4
                junk[13] = 0x00;
                junk[14] = 0x35; // version 3: not IPv4
                w.write(T0 + i, junk);
                w.write(T0 + i, FrameBuilder.ipv4(outside(i), ip("10.10.0.9")).udp(1, 2).ethernet());
            }
        }
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "--pcap_file", pcap.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        Map<String, Object> summary = parse(r.lastLine());
        assertEquals(3000L, summary.get("packets"));
        assertEquals(2000L, summary.get("unparsed"));
        assertEquals(1000L, summary.get("incoming_packets"));
    }

    @Test
    void notACaptureFileIsOneLineError() throws Exception {
        Path bad = dir.resolve("notes.txt");
        Files.writeString(bad, "this is not a capture file at all\n");
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "--pcap_file", bad.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("notes.txt"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), r.stderr());
    }

    @Test
    void configurationCheckReportsWhatWasLoadedAndErrorsWithFileAndLine() throws Exception {
        Processes.Result ok = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "--configuration_check");
        assertEquals(0, ok.exitCode(), ok.stderr());
        assertTrue(ok.stdout().contains("networks_list"), ok.stdout());

        Path badConf = dir.resolve("bad.conf");
        Files.writeString(badConf, "networks_list_path = networks_list\nthreshold_pps = lots\n");
        Processes.Result bad = Processes.fastnetmon(dir, "--configuration_file", badConf.toString(), "--configuration_check");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.stderr().contains("bad.conf:2"), bad.stderr());
        assertTrue(bad.stderr().contains("threshold_pps"), bad.stderr());
        assertEquals(1, bad.stderr().strip().lines().count(), bad.stderr());

        Files.writeString(dir.resolve("bad_networks"), "10.0.0.0/8\n10.300.0.0/16\n");
        Path badNets = dir.resolve("badnets.conf");
        Files.writeString(badNets, "networks_list_path = bad_networks\n");
        Processes.Result nets = Processes.fastnetmon(dir, "--configuration_file", badNets.toString(), "--configuration_check");
        assertEquals(1, nets.exitCode());
        assertTrue(nets.stderr().contains("bad_networks:2"), nets.stderr());
    }

    static Map<String, Object> parse(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            return readObject(p);
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> m = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            m.put(name, readValue(p));
        }
        return m;
    }

    private static Object readValue(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(readValue(p));
                }
                return l;
            }
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            default:
                return p.getText();
        }
    }
}
