package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.packet.PacketParser;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static fastnetmon.ReplayEndToEndTest.ip;
import static fastnetmon.ReplayEndToEndTest.outside;
import static fastnetmon.ReplayEndToEndTest.spread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Carpet bombing end to end in a real replay process: a UDP flood spread over every address of a /24
 * (300 pps each, 76,200 in total), under the per-host threshold everywhere, bans the hostgroup's network
 * as a whole through its total threshold: the script is called with the CIDR, and no host is banned.
 */
class ReplayCarpetBombingEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aFloodSpreadOverASlash24BansTheNetworkAndNoHost() throws Exception {
        Path pcap = dir.resolve("carpet.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < 4; s++) {
                List<byte[]> frames = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    for (int host = 1; host < 255; host++) {
                        frames.add(FrameBuilder.ipv4(outside(i * 7 + host), ip("10.10.5." + host)).udp(123, 40000 + i).ethernet());
                    }
                }
                for (int i = 0; i < 1000; i++) { // another hostgroup's host, and a host of no hostgroup
                    frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.6.1")).udp(123, 40000).ethernet());
                    frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.7.1")).udp(123, 40000).ethernet());
                }
                java.util.Collections.shuffle(frames, new java.util.Random(s));
                spread(w, s, frames);
            }
        }
        Path conf = ReplayRig.setUp(dir, "echo \"$@\" >> \"OUT/calls\"\ncat > /dev/null",
                "ban_for_pps = on", "threshold_pps = 20000", "ban_time = 60",
                "hostgroup = customers:10.10.5.0/24", "hostgroup = others:10.10.6.0/24",
                "customers_ban_for_total_pps = on", "customers_threshold_total_pps = 50000");
        JsonNode summary = ReplayRig.replay(dir, conf, pcap, new java.util.HashMap<>());
        Path out = dir.resolve("script-out");
        JsonNode bans = summary.path("bans");
        assertEquals(1, bans.size(), summary.toString());
        JsonNode ban = bans.get(0);
        assertEquals("10.10.5.0/24", ban.path("ip").asText(), ban.toString());
        assertEquals(254 * 300, ban.path("pps").asDouble(), 254 * 300 * 0.02, ban.toString());
        assertTrue(ban.path("reason").asText().startsWith("total pps "), ban.toString());
        assertEquals("udp_flood", ban.path("attack_type").asText());
        List<String> calls = Files.readAllLines(out.resolve("calls"));
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).matches("10\\.10\\.5\\.0/24 incoming \\d+ ban"), calls.toString());
        assertTrue(calls.get(1).matches("10\\.10\\.5\\.0/24 incoming \\d+ attack_details"), calls.toString());
    }
}
