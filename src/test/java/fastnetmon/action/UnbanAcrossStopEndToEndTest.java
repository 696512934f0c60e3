package fastnetmon.action;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 13 #2 with the detector as a process: short floods on three hosts, a script that hangs,
 * ban_time 2, SIGTERM once their unbans are due. The stop is bounded (notify_script_timeout + 5 s),
 * leaves no script process behind, keeps the unbans it cut short in ban_state_path, and the restarted
 * detector carries each of them out once. Before, the unbans were lost and the hosts stayed banned.
 */
class UnbanAcrossStopEndToEndTest {
    private static final List<String> VICTIMS = List.of("10.10.0.5", "10.10.0.6", "10.10.0.7");

    @TempDir
    Path dir;

    @Test
    void unbansCutShortByAStopAreCarriedOutByTheNextStart() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "timeout");
        Path calls = dir.resolve("calls.log");
        Path pids = dir.resolve("pids");
        Path slow = dir.resolve("slow");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/bash\ncat > /dev/null\necho \"$4 $1 $3 start\" >> \"" + calls + "\"\n"
                + "if [ -e \"" + slow + "\" ]; then echo $$ >> \"" + pids + "\"; sleep 300 & echo $! >> \"" + pids + "\"; wait; fi\n"
                + "echo \"$4 $1 $3 end\" >> \"" + calls + "\"\n");
        script.toFile().setExecutable(true);
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "threshold_pps = 10000",
                "ban_details_records_count = 0", "ban_time = 2", "unban_only_if_attack_finished = off",
                "notify_script_timeout = 10", "prometheus = off", "api = off", "af_packet_threads = 1");
        Path state = dir.resolve("bans.json");
        Files.writeString(slow, "");
        try (NetnsRig rig = NetnsRig.create()) {
            Process first = start(rig, conf);
            ExecutorService floods = Executors.newFixedThreadPool(VICTIMS.size());
            List<Future<?>> running = new ArrayList<>();
            for (String v : VICTIMS) {
                running.add(floods.submit(() -> {
                    rig.runInPeer(2, "hping3", "--flood", "--rand-source", "-S", "-p", "80", v);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            floods.shutdown();
            waitUntil(() -> Files.exists(state) && Files.readString(state).split("\"unban_requested\" : true").length - 1 == 3,
                    "three unbans due in " + state);

            long stop = System.nanoTime();
            first.destroy(); // SIGTERM
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the detector did not stop");
            long stopMs = (System.nanoTime() - stop) / 1_000_000;
            assertTrue(stopMs < 10_000 + 5_000 + 10_000, "the stop took " + stopMs + " ms");
            for (String pid : Files.readAllLines(pids)) {
                assertFalse(Fixtures.alive(Long.parseLong(pid.trim())), "script process " + pid + " outlived the detector");
            }
            String json = Files.readString(state);
            for (String v : VICTIMS) {
                assertTrue(json.contains("\"ip\" : \"" + v + "\""), v + " kept: " + json);
            }
            assertEquals(3, json.split("\"unban_requested\" : true").length - 1, json);
            assertEquals(List.of(), completed("unban"), "no unban could complete while the script hung");

            Files.delete(slow);
            Process second = start(rig, conf);
            waitUntil(() -> completed("unban").size() == 3, "three completed unbans in " + calls);
            second.destroy();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the restarted detector did not stop");
        }
        List<String> unbans = completed("unban");
        unbans.sort(null);
        List<String> expected = new ArrayList<>();
        for (String v : VICTIMS) {
            String pps = Files.readAllLines(calls).stream().filter(l -> l.startsWith("ban " + v + " ")).findFirst()
                    .orElseThrow().split(" ")[2];
            expected.add("unban " + v + " " + pps + " end");
        }
        assertEquals(expected, unbans, "each host unbanned once, with its ban's own arguments");
        assertEquals(0, Files.readAllLines(calls).stream().filter(l -> l.startsWith("ban ")).filter(l -> l.endsWith(" end")).count(),
                "no second ban after the restart");
        assertTrue(Files.readString(state).contains("\"bans\" : [ ]"), Files.readString(state));
    }

    private List<String> completed(String action) throws Exception {
        Path calls = dir.resolve("calls.log");
        List<String> out = new ArrayList<>();
        if (Files.exists(calls)) {
            for (String l : Files.readAllLines(calls)) {
                if (l.startsWith(action + " ") && l.endsWith(" end")) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    private Process start(NetnsRig rig, Path conf) throws Exception {
        return DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf), Files.createTempFile(dir, "output", ".txt"));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting for " + what);
    }
}
