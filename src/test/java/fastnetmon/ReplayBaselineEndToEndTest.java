package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.packet.PacketParser;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static fastnetmon.ReplayEndToEndTest.ip;
import static fastnetmon.ReplayEndToEndTest.outside;
import static fastnetmon.ReplayEndToEndTest.SECOND;
import static fastnetmon.ReplayEndToEndTest.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Learned baselines end to end: a capture of a quiet hour (two hosts at 5 pps, far below the 20 kpps
 * threshold), then one host rising to 19 pps (under 4 x its baseline) for half a minute and the other to
 * 19 and then 25 pps (over it), replayed by a real process on packet time: the second host is banned at
 * 25 pps, with 4 x baseline as its reason, and the first is not; without baseline_detection nobody is.
 */
class ReplayBaselineEndToEndTest {
    static final int QUIET_SECONDS = 3600, QUIET_PPS = 5, BELOW_PPS = 19, ABOVE_PPS = 25;

    @TempDir
    Path dir;

    @Test
    void aBaselineLearnedOverAQuietHourBansAtKTimesItAndNotBelow() throws Exception {
        Files.writeString(dir.resolve("networks_list"), "10.10.0.0/16\n");
        Path pcap = dir.resolve("quiet-hour.pcap");
        String below = "10.10.0.5", above = "10.10.0.6";
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < QUIET_SECONDS + 40; s++) {
                int rise = s - QUIET_SECONDS; // 0-29: both at 19 pps; 30-39: one at 19, the other at 25
                // Each host's packets evenly spaced within the second: its rate in every one-second window is its pps.
                java.util.TreeMap<Long, byte[]> frames = new java.util.TreeMap<>();
                add(frames, s, 0, below, rise < 0 ? QUIET_PPS : BELOW_PPS);
                add(frames, s, 1, above, rise < 0 ? QUIET_PPS : rise < 30 ? BELOW_PPS : ABOVE_PPS);
                for (var f : frames.entrySet()) {
                    w.write(f.getKey(), f.getValue());
                }
            }
        }
        String conf = String.join("\n",
                "networks_list_path = networks_list",
                "notify_script_enabled = off",
                "log_file = log/fastnetmon.log",
                "attack_details_folder = attacks",
                "pid_path = log/fastnetmon.pid",
                "threshold_pps = 20000",
                "baseline_multiplier = 4",
                "baseline_floor_pps = 10",
                "baseline_floor_mbps = 1",
                "baseline_floor_flows = 10",
                "baseline_learning_time = 3600",
                "baseline_warmup_time = 3000",
                "");

        JsonNode on = replay(conf + "baseline_detection = on\n", pcap);
        assertEquals(1, on.path("bans").size(), on.toString());
        JsonNode ban = on.path("bans").get(0);
        assertEquals(above, ban.path("ip").asText());
        assertEquals("incoming", ban.path("direction").asText());
        // banned once its last second holds more than 20 (4 x 5): while the rate rises from 19 to 25
        long pps = ban.path("pps").asLong();
        assertTrue(pps > 4 * QUIET_PPS && pps <= ABOVE_PPS, ban.toString());
        assertEquals("pps " + pps + " > 4 x baseline 5", ban.path("reason").asText());
        assertEquals(QUIET_SECONDS + 40, on.path("seconds").asDouble(), 1.0);

        JsonNode off = replay(conf + "baseline_detection = off\n", pcap);
        assertEquals(0, off.path("bans").size(), off.toString());
    }

    private static void add(java.util.TreeMap<Long, byte[]> frames, int second, int offset, String host, int pps) {
        for (int i = 0; i < pps; i++) {
            frames.put(T0 + second * SECOND + i * (SECOND / pps) + offset, FrameBuilder.ipv4(outside(1), ip(host)).udp(5353, 5353).ethernet());
        }
    }

    private JsonNode replay(String conf, Path pcap) throws Exception {
        Path file = dir.resolve("fastnetmon.conf");
        Files.writeString(file, conf);
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", file.toString(), "--pcap_file", pcap.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        return new ObjectMapper().readTree(r.lastLine());
    }
}
