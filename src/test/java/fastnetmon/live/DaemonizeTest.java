package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --daemonize detaches: the command returns, the detector keeps capturing, SIGTERM stops it cleanly. */
class DaemonizeTest {
    @TempDir
    Path dir;

    @Test
    void detachesAndStopsCleanlyOnSigterm() throws Exception {
        NetnsRig.assumeAvailable("ip", "setsid");
        try (NetnsRig rig = NetnsRig.create()) {
            Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "notify_script_enabled = off", "prometheus = off",
                    "af_packet_threads = 1");
            Path out = dir.resolve("out.txt");
            Process p = rig.startInMon(dir, DetectorFiles.command(List.of(), "--configuration_file", conf.toString(),
                    "--daemonize", NetnsRig.MON_IF), out, dir.resolve("err.txt"));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launching command returns");
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
            Matcher m = Pattern.compile("running in the background \\(pid (\\d+)\\)").matcher(Files.readString(out));
            assertTrue(m.find(), Files.readString(out));
            long pid = Long.parseLong(m.group(1));
            Path log = dir.resolve("fastnetmon.log");
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline
                    && !(Files.exists(log) && Files.readString(log).contains("capturing on"))) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(log).contains("capturing on " + NetnsRig.MON_IF), Files.readString(log));
            assertEquals(Long.toString(pid), Files.readString(dir.resolve("fastnetmon.pid")).strip());
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
            daemon.destroy(); // SIGTERM
            daemon.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(Files.exists(dir.resolve("fastnetmon.pid")), "pid file removed at exit");
            assertTrue(Files.readString(log).contains("stopped"), Files.readString(log));
        }
    }
}
