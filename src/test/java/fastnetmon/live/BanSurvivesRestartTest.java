package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A restart does not lose a ban: the detector that comes back takes it up from ban_state_path and
 * calls the script with unban when its ban_time is over, without banning the host again.
 */
class BanSurvivesRestartTest {
    private static final String VICTIM = "10.10.0.5";

    @TempDir
    Path dir;

    @Test
    void aBanMadeBeforeARestartIsUnbannedAfterIt() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "timeout");
        Path calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$1 $2 $3 $4");
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "threshold_pps = 10000",
                "ban_details_records_count = 10", "ban_time = 8", "unban_only_if_attack_finished = off",
                "prometheus = off", "api = off", "af_packet_threads = 1");
        try (NetnsRig rig = NetnsRig.create()) {
            Process first = start(rig, conf);
            rig.runInPeer(2, "hping3", "--flood", "--rand-source", "-S", "-p", "80", VICTIM);
            waitFor(calls, VICTIM + " incoming", "attack_details");
            stop(first);
            String state = Files.readString(dir.resolve("bans.json"));
            assertTrue(state.contains("\"ip\" : \"" + VICTIM + "\""), state);

            Process second = start(rig, conf);
            waitFor(calls, VICTIM + " incoming", "unban");
            stop(second);
        }
        List<String> lines = Files.readAllLines(calls);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith(VICTIM + " incoming ") && lines.get(0).endsWith(" ban"), lines.toString());
        assertTrue(lines.get(1).endsWith(" attack_details"), lines.toString());
        String pps = lines.get(0).split(" ")[2];
        assertEquals(VICTIM + " incoming " + pps + " unban", lines.get(2), "unban with the ban's own arguments");
        assertTrue(Files.readString(dir.resolve("bans.json")).contains("\"bans\" : [ ]"));
    }

    private Process start(NetnsRig rig, Path conf) throws Exception {
        return DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf), Files.createTempFile(dir, "output", ".txt"));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "detector did not stop on SIGTERM");
    }

    private static void waitFor(Path calls, String prefix, String action) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(calls) && Files.readAllLines(calls).stream().anyMatch(l -> l.startsWith(prefix) && l.endsWith(" " + action))) {
                return;
            }
            Thread.sleep(100);
        }
        fail("no " + action + " call for " + prefix + " in " + (Files.exists(calls) ? Files.readAllLines(calls) : "[]"));
    }
}
