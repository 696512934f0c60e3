package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static fastnetmon.ReplayEndToEndTest.ip;
import static fastnetmon.ReplayEndToEndTest.outside;
import static fastnetmon.ReplayEndToEndTest.spread;
import static fastnetmon.testing.DetectorFiles.withoutPeak;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attack vectors and fingerprints end to end: NTP and DNS reflection, a SYN flood and an ICMP flood built
 * as real frames, replayed by a real process; the vector and the fingerprint's top entries are checked in
 * the JSON summary, the attack_details stdin and the details file, and the ban's stdin stays FastNetMon's.
 */
class ReplayVectorsEndToEndTest {
    static final int RATE = 25_000; // per second and host, threshold 20 kpps
    static final int SAMPLES = 20;

    @TempDir
    Path dir;

    /** What each flooded host gets: one frame per index. */
    record Flood(String victim, String attackType, String vector, String protocol, Integer srcPort, Integer dstPort,
                 String flags, int ttl, byte[] frame, java.util.function.IntFunction<byte[]> frames) {
    }

    @Test
    void amplificationAndFloodsGetTheirVectorAndFingerprint() throws Exception {
        List<Flood> floods = List.of(
                new Flood("10.10.0.11", "udp_flood", "ntp_amplification", "udp", 123, 27015, null, 54,
                        ntp(0), ReplayVectorsEndToEndTest::ntp),
                new Flood("10.10.0.12", "udp_flood", "dns_amplification", "udp", 53, 3074, null, 58,
                        dns(0), ReplayVectorsEndToEndTest::dns),
                new Flood("10.10.0.13", "syn_flood", "syn_flood", "tcp", null, 80, "syn", 64,
                        syn(0), ReplayVectorsEndToEndTest::syn),
                new Flood("10.10.0.14", "icmp_flood", "icmp_flood", "icmp", null, null, null, 128,
                        icmp(0), ReplayVectorsEndToEndTest::icmp));
        Path conf = setUp();
        Path pcap = dir.resolve("vectors.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < 5; s++) {
                List<byte[]> frames = new ArrayList<>();
                for (int i = 0; i < 200; i++) { // a quiet host
                    frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.0.9")).tcp(40000 + i, 443, PacketRecord.TCP_ACK).ethernet());
                }
                if (s == 1 || s == 2) {
                    for (Flood f : floods) {
                        for (int i = 0; i < RATE; i++) {
                            frames.add(f.frames().apply(i));
                        }
                    }
                }
                java.util.Collections.shuffle(frames, new Random(s));
                spread(w, s, frames);
            }
        }

        Map<String, JsonNode> bans = new HashMap<>();
        JsonNode summary = replay(conf, pcap, bans);
        assertEquals(floods.size(), bans.size(), summary.toString());

        for (Flood f : floods) {
            JsonNode b = bans.get(f.victim());
            String where = f.victim() + " " + b;
            assertEquals(f.attackType(), b.path("attack_type").asText(), where); // FastNetMon's name is kept
            assertEquals(f.vector(), b.path("attack_vector").asText(), where);
            JsonNode fp = b.path("fingerprint");
            assertEquals(SAMPLES, fp.path("sampled_packets").asLong(), where);
            assertTop(fp, "protocols", f.protocol(), where);
            assertTop(fp, "ttls", f.ttl(), where);
            assertTop(fp, "packet_sizes", bucket(f.frame().length), where);
            if (f.srcPort() != null) {
                assertTop(fp, "src_ports", f.srcPort(), where);
            }
            if (f.dstPort() != null) {
                assertTop(fp, "dst_ports", f.dstPort(), where);
            }
            if (f.flags() != null) {
                assertTop(fp, "tcp_flags", f.flags(), where);
            } else {
                assertEquals(0, fp.path("tcp_flags").size(), where);
            }
            if (f.srcPort() == null && f.protocol().equals("icmp")) {
                assertEquals(0, fp.path("src_ports").size(), where); // ICMP has no ports
            } else if (f.srcPort() == null) {
                // SYN flood from many source ports: no single one above 1/SAMPLES... at most a few repeats
                assertTrue(fp.path("src_ports").get(0).path("share").asDouble() <= 0.1, where);
            }

            // attack_details: FastNetMon's text, then ours at the very end
            String details = Files.readString(dir.resolve("script-out").resolve(f.victim() + ".attack_details.stdin"));
            int ours = details.indexOf("\nAttack vector: ");
            assertTrue(ours > 0, details);
            assertEquals(SAMPLES, details.substring(0, ours).lines().filter(l -> l.contains(" > ")).count(), details);
            String tail = details.substring(ours + 1);
            assertTrue(tail.startsWith("Attack vector: " + f.vector() + "\nFingerprint of " + SAMPLES + " sampled packets:\n"
                    + "  protocol: " + f.protocol() + " 100%\n"), tail);
            assertTrue(tail.contains("\n  ttl: " + f.ttl() + " 100%\n"), tail);
            if (f.srcPort() != null) {
                assertTrue(tail.contains("\n  src_port: " + f.srcPort() + " 100%\n"), tail);
            }
            String ban = Files.readString(dir.resolve("script-out").resolve(f.victim() + ".ban.stdin"));
            assertFalse(ban.contains("Attack vector"), ban); // the ban's stdin is FastNetMon's description only
            assertTrue(withoutPeak(details).startsWith(withoutPeak(ban)), details); // its peak may have risen since

            try (Stream<Path> files = Files.list(dir.resolve("attacks"))) {
                Path file = files.filter(p -> p.getFileName().toString().startsWith(f.victim() + "_")).findFirst().orElseThrow();
                String text = Files.readString(file);
                assertTrue(text.contains(tail), text);
            }
        }
    }

    /**
     * Every vector at once, one victim each (10.10.1.N), at 2500 pps against a 2000 pps threshold: the 17
     * amplifiers by UDP source port, SYN-ACK reflection, ACK and RST floods, GRE, IP fragments, and SCTP
     * (unknown). Each gets its vector and a fingerprint whose top protocol (and source port, TCP flags) is it.
     */
    @Test
    void everyVectorFromRealFrames() throws Exception {
        Map<String, Integer> amplifiers = new java.util.LinkedHashMap<>();
        String[] names = {"dns", "ntp", "ssdp", "memcached", "cldap", "snmp", "chargen", "ws_discovery", "arms", "coap",
                "mdns", "netbios", "portmap", "openvpn", "bacnet", "tftp", "ubiquiti"};
        int[] ports = {53, 123, 1900, 11211, 389, 161, 19, 3702, 3283, 5683, 5353, 137, 111, 1194, 47808, 69, 10001};
        for (int k = 0; k < names.length; k++) {
            amplifiers.put(names[k] + "_amplification", ports[k]);
        }
        record Case(String vector, String protocol, String topKey, Object top, java.util.function.BiFunction<Integer, Integer, byte[]> frame) {
        }
        List<Case> cases = new ArrayList<>();
        amplifiers.forEach((vector, port) -> cases.add(new Case(vector, "udp", "src_ports", port,
                (victim, i) -> FrameBuilder.ipv4(outside(i), victim).udp(port, 40000).payload(300).ethernet())));
        cases.add(new Case("syn_ack_reflection", "tcp", "tcp_flags", "syn+ack", (victim, i) -> FrameBuilder.ipv4(outside(i), victim)
                .tcp(80, 1024 + i, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK).ethernet()));
        cases.add(new Case("ack_flood", "tcp", "tcp_flags", "ack", (victim, i) -> FrameBuilder.ipv4(outside(i), victim)
                .tcp(1024 + i, 443, PacketRecord.TCP_ACK).ethernet()));
        cases.add(new Case("rst_flood", "tcp", "tcp_flags", "rst", (victim, i) -> FrameBuilder.ipv4(outside(i), victim)
                .tcp(1024 + i, 443, PacketRecord.TCP_RST).ethernet()));
        cases.add(new Case("gre_flood", "gre", "packet_sizes", "512-1023", (victim, i) -> FrameBuilder.ipv4(outside(i), victim)
                .protocol(47, 4).payload(600).ethernet()));
        cases.add(new Case("ip_fragmentation_flood", "udp", "packet_sizes", "1024-1499", (victim, i) -> FrameBuilder.ipv4(outside(i), victim)
                .udp(5000, 5001).fragment(185, true).payload(1400).ethernet()));
        cases.add(new Case("unknown", "132", "ttls", 64, (victim, i) -> FrameBuilder.ipv4(outside(i), victim)
                .protocol(132, 12).ttl(64).ethernet()));

        Path conf = setUp();
        Files.writeString(conf, Files.readString(conf).replace("threshold_pps = 20000", "threshold_pps = 2000"));
        Path pcap = dir.resolve("all.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < 4; s++) {
                List<byte[]> frames = new ArrayList<>();
                if (s == 1 || s == 2) {
                    for (int c = 0; c < cases.size(); c++) {
                        for (int i = 0; i < 2500; i++) {
                            frames.add(cases.get(c).frame().apply(ip("10.10.1." + (c + 1)), i));
                        }
                    }
                } else {
                    frames.add(FrameBuilder.ipv4(outside(1), ip("10.10.0.9")).tcp(40000, 443, PacketRecord.TCP_ACK).ethernet());
                }
                java.util.Collections.shuffle(frames, new Random(s));
                spread(w, s, frames);
            }
        }
        Map<String, JsonNode> bans = new HashMap<>();
        JsonNode summary = replay(conf, pcap, bans);
        assertEquals(cases.size(), bans.size(), summary.toString());
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            JsonNode b = bans.get("10.10.1." + (c + 1));
            String where = k.vector() + " " + b;
            assertEquals(k.vector(), b.path("attack_vector").asText(), where);
            assertEquals(SAMPLES, b.path("fingerprint").path("sampled_packets").asLong(), where);
            assertTop(b.path("fingerprint"), "protocols", k.protocol(), where);
            assertTop(b.path("fingerprint"), k.topKey(), k.top(), where);
            String details = Files.readString(dir.resolve("script-out").resolve("10.10.1." + (c + 1) + ".attack_details.stdin"));
            assertTrue(details.contains("\n\nAttack vector: " + k.vector() + "\n"), details);
        }
    }

    static void assertTop(JsonNode fp, String key, Object value, String where) {
        JsonNode top = fp.path(key).get(0);
        assertEquals(value.toString(), top.path("value").asText(), key + " " + where);
        assertEquals(value instanceof Integer, top.path("value").isNumber(), key + " " + where);
        assertEquals(1.0, top.path("share").asDouble(), key + " " + where);
    }

    /** The fingerprint's bucket of a frame length, written out for the sizes this test sends. */
    static String bucket(int length) {
        if (length < 64) {
            return "0-63";
        }
        if (length >= 256 && length < 512) {
            return "256-511";
        }
        if (length >= 1024 && length < 1500) {
            return "1024-1499";
        }
        throw new AssertionError("no bucket written for " + length);
    }

    static byte[] ntp(int i) { // monlist replies from many reflectors
        return FrameBuilder.ipv4(outside(i), ip("10.10.0.11")).udp(123, 27015).payload(440).ttl(54).ethernet();
    }

    static byte[] dns(int i) { // large ANY answers
        return FrameBuilder.ipv4(outside(i), ip("10.10.0.12")).udp(53, 3074).payload(1200).ttl(58).ethernet();
    }

    static byte[] syn(int i) {
        return FrameBuilder.ipv4(outside(i), ip("10.10.0.13")).tcp(1024 + i % 60000, 80, PacketRecord.TCP_SYN).ttl(64).ethernet();
    }

    static byte[] icmp(int i) {
        return FrameBuilder.ipv4(outside(i), ip("10.10.0.14")).icmp(8, 0).ttl(128).ethernet();
    }

    private Path setUp() throws Exception {
        return ReplayRig.setUp(dir, "cat > \"OUT/$1.$4.stdin\"", "ban_for_pps = on", "threshold_pps = 20000",
                "ban_details_records_count = " + SAMPLES, "ban_time = 2");
    }

    private JsonNode replay(Path conf, Path pcap, Map<String, JsonNode> bans) throws Exception {
        return ReplayRig.replay(dir, conf, pcap, bans);
    }
}
