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

import static fastnetmon.ReplayEndToEndTest.ip;
import static fastnetmon.ReplayEndToEndTest.outside;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sub-second detection end to end, on packet time in a real replay process: a SYN flood that starts in
 * the middle of a second is banned within 0.2 s of its first packet with its exact rate (and, in the
 * script's argv, that rate); a host at 0.95 of the threshold whose traffic comes in bursts that never
 * push a one-second window over it is not banned.
 */
class ReplaySubSecondEndToEndTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * SECOND;
    private static final int THRESHOLD = 20_000;
    private static final int FLOOD_PPS = 150_000;

    @TempDir
    Path dir;

    private static final long FLOOD_START = T0 + 2 * SECOND + 437_000_000L;

    @Test
    void midSecondFloodIsBannedWithinTwoTenthsWithItsRateAndBurstsUnderTheThresholdAreNot() throws Exception {
        Map<String, JsonNode> bans = new HashMap<>();
        JsonNode summary = replay(floodCapture(), bans);
        assertFalse(bans.containsKey("10.10.0.7"), "bursts under the threshold in every window: " + summary);
        assertFalse(bans.containsKey("10.10.0.9"), summary.toString());
        JsonNode flood = bans.get("10.10.0.5");
        assertTrue(flood != null, summary.toString());
        double after = flood.path("banned_at").asDouble() - FLOOD_START / 1e9;
        assertTrue(after > 0 && after <= 0.2, "banned " + after + " s after the flood started: " + flood);
        assertEquals(FLOOD_PPS, flood.path("pps").asDouble(), FLOOD_PPS * 0.01, flood.toString());
        assertEquals("syn_flood", flood.path("attack_type").asText());
        assertEquals(FLOOD_PPS, flood.path("peak_pps").asDouble(), FLOOD_PPS * 0.01, "a full second of it while banned: " + flood);
        String[] argv = Files.readString(dir.resolve("script-out/10.10.0.5.ban.argv")).trim().split(" ");
        assertEquals(FLOOD_PPS, Double.parseDouble(argv[2]), FLOOD_PPS * 0.01, String.join(" ", argv));
    }

    @Test
    void anIntervalThatDoesNotDivideASecondTicksOnPacketTimeToo() throws Exception {
        Map<String, JsonNode> bans = new HashMap<>();
        JsonNode summary = replay(floodCapture(), bans, "detection_interval_ms = 300");
        assertFalse(bans.containsKey("10.10.0.7"), summary.toString());
        JsonNode flood = bans.get("10.10.0.5");
        assertTrue(flood != null, summary.toString());
        // 20,000 packets of the flood take 0.133 s; the next tick comes at most one interval later
        double after = flood.path("banned_at").asDouble() - FLOOD_START / 1e9;
        assertTrue(after > 0.133 && after <= 0.133 + 0.3, "banned " + after + " s after the flood started: " + flood);
        assertEquals(FLOOD_PPS, flood.path("pps").asDouble(), FLOOD_PPS * 0.01, flood.toString());
    }

    /** Four seconds of a quiet host, a bursty one under the threshold, and a SYN flood from FLOOD_START. */
    private Path floodCapture() throws Exception {
        Path pcap = dir.resolve("flood.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, true)) {
            byte[] quiet = FrameBuilder.ipv4(outside(1), ip("10.10.0.9")).tcp(40000, 443, PacketRecord.TCP_ACK).ethernet();
            byte[] bursty = FrameBuilder.ipv4(outside(2), ip("10.10.0.7")).udp(5000, 53).ethernet();
            long floodPackets = 0, nextFlood = FLOOD_START;
            for (long t = T0; t < T0 + 4 * SECOND; t += 1_000_000L) { // one millisecond at a time
                w.write(t, quiet);
                // 10.10.0.7: 19,000 a second (0.95 of the threshold), 15,000 of them in the first 50 ms of
                // each second and 4,000 spread over the rest: every one-second window holds 19,000.
                long ms = (t - T0) / 1_000_000L % 1000;
                long n = ms < 50 ? 300 : (ms - 49) * 4000 / 950 - (ms - 50) * 4000 / 950;
                for (int i = 0; i < n; i++) {
                    w.write(t + i, bursty);
                }
                // The flood: about 150 kpps from FLOOD_START, to 10.10.0.5 from many sources.
                for (; nextFlood < t + 1_000_000L; nextFlood += SECOND / FLOOD_PPS + 1) {
                    w.write(nextFlood, FrameBuilder.ipv4(outside((int) floodPackets), ip("10.10.0.5"))
                            .tcp(1024 + (int) (floodPackets++ % 60000), 80, PacketRecord.TCP_SYN).ethernet());
                }
            }
        }
        return pcap;
    }

    private JsonNode replay(Path pcap, Map<String, JsonNode> bans, String... more) throws Exception {
        List<String> lines = new ArrayList<>(List.of("ban_for_pps = on", "threshold_pps = " + THRESHOLD,
                "ban_details_records_count = 5", "ban_time = 60"));
        lines.addAll(List.of(more));
        Path conf = ReplayRig.setUp(dir, "echo \"$@\" > \"OUT/$1.$4.argv\"\ncat > /dev/null", lines.toArray(String[]::new));
        return ReplayRig.replay(dir, conf, pcap, bans);
    }
}
