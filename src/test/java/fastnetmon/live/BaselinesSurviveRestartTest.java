package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Learned baselines live: a host's normal (10 pps) learned by one detector is written to
 * baseline_state_path at stop, read by the next one at start, and bans the host when it rises to 200 pps
 * (far below threshold_pps), with 4 x its baseline as the reason.
 */
class BaselinesSurviveRestartTest {
    private static final String VICTIM = "10.10.0.5";

    @TempDir
    Path dir;

    @Test
    void aBaselineLearnedBeforeARestartBansAfterIt() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "timeout");
        Path calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$1 $2 $3 $4");
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "threshold_pps = 10000",
                "prometheus = off", "api = off", "af_packet_threads = 1",
                "baseline_detection = on", "baseline_multiplier = 4", "baseline_floor_pps = 1", "baseline_floor_mbps = 1",
                "baseline_floor_flows = 1000", "baseline_learning_time = 60", "baseline_warmup_time = 3",
                "baseline_state_path = baselines");
        Path state = dir.resolve("baselines"), log = dir.resolve("fastnetmon.log");
        try (NetnsRig rig = NetnsRig.create()) {
            Process first = start(rig, conf);
            rig.runInPeer(5, "hping3", "-2", "-p", "53", "-i", "u100000", VICTIM); // 10 pps
            stop(first);
            String text = Files.readString(state);
            assertTrue(text.contains("\n" + VICTIM + " incoming "), text);
            assertFalse(Files.exists(calls), "no ban for the normal traffic");

            Process second = start(rig, conf);
            assertTrue(Files.readString(log).contains("read the baselines of 1 hosts from " + state), Files.readString(log));
            rig.runInPeer(3, "hping3", "-2", "-p", "53", "-i", "u5000", VICTIM); // 200 pps
            List<String> lines = DetectorFiles.awaitScriptCall(calls, " ban", 10_000);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(VICTIM + " incoming ") && l.endsWith(" ban")), lines.toString());
            stop(second);
        }
        String banLine = Files.readAllLines(log).stream().filter(l -> l.contains("ban " + VICTIM + " incoming")).findFirst().orElse("");
        assertTrue(banLine.matches(".*: pps \\d+ > 4 x baseline \\d+$"), banLine);
    }

    private Process start(NetnsRig rig, Path conf) throws Exception {
        return DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf), Files.createTempFile(dir, "output", ".txt"));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "detector did not stop on SIGTERM");
    }
}
