package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --daemonize returns only once the daemon captures (pid file written by then) or has failed (exit 1,
 * the reason on stderr), each log line is written once; --disable_pid_logic neither writes nor checks
 * the pid file.
 */
class DaemonStartTest {
    private static final Pattern PID = Pattern.compile("running in the background \\(pid (\\d+)\\)");

    @TempDir
    Path dir;
    private final List<Long> daemons = new ArrayList<>();

    record Result(int exit, String out, String err) {
    }

    @AfterEach
    void stopDaemons() throws Exception {
        for (long pid : daemons) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy();
                h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
    }

    private Result launch(NetnsRig rig, Path conf, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--configuration_file", conf.toString(), "--daemonize"));
        a.addAll(List.of(args));
        List<String> cmd = DetectorFiles.command(List.of(), a.toArray(String[]::new));
        if (rig != null) {
            cmd.addAll(0, List.of("ip", "netns", "exec", rig.mon));
        }
        Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the launching command returns");
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Matcher m = PID.matcher(r.out());
        if (m.find()) {
            daemons.add(Long.parseLong(m.group(1)));
        }
        return r;
    }

    /** No script, no port served, one capture thread. */
    private Path quietConfig() throws Exception {
        return DetectorFiles.config(dir, List.of("10.10.0.0/16"), "notify_script_enabled = off",
                "prometheus = off", "enable_api = off", "af_packet_threads = 1");
    }

    private static long count(String text, String what) {
        return Pattern.compile(Pattern.quote(what)).matcher(text).results().count();
    }

    @Test
    void aFailedStartExitsOneWithTheReason() throws Exception {
        NetnsRig.assumeAvailable("setsid");
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "notify_script_enabled = off", "prometheus = off",
                "enable_api = off");
        Result r = launch(null, conf, "fnmnosuch0");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("fnmnosuch0"), r.toString());
        assertFalse(r.out().contains("running in the background"), r.toString());
        assertFalse(Files.exists(dir.resolve("fastnetmon.pid")), "no pid file after a failed start");
        String log = Files.readString(dir.resolve("fastnetmon.log"), StandardCharsets.UTF_8);
        assertEquals(1, count(log, "starting with"), log);
    }

    @Test
    void returnsOnceCapturingWithThePidFileWrittenAndEachLogLineOnce() throws Exception {
        NetnsRig.assumeAvailable("ip", "setsid");
        try (NetnsRig rig = NetnsRig.create()) {
            Path conf = quietConfig();
            Result r = launch(rig, conf, NetnsRig.MON_IF);
            assertEquals(0, r.exit(), r.toString());
            Matcher m = PID.matcher(r.out());
            assertTrue(m.find(), r.toString());
            // No waiting: both are there when the command returns
            assertEquals(m.group(1), Files.readString(dir.resolve("fastnetmon.pid")).strip());
            String log = Files.readString(dir.resolve("fastnetmon.log"));
            assertEquals(1, count(log, "starting with"), log);
            assertEquals(1, count(log, "capturing on " + NetnsRig.MON_IF), log);

            // A second start with the same pid_path is refused, with the reason
            Result second = launch(rig, conf, NetnsRig.MON_IF);
            assertEquals(1, second.exit(), second.toString());
            assertTrue(second.err().contains("another fastnetmon is running (pid " + m.group(1)), second.toString());
        }
    }

    @Test
    void disablePidLogicNeitherWritesNorChecksThePidFile() throws Exception {
        NetnsRig.assumeAvailable("ip", "setsid");
        try (NetnsRig rig = NetnsRig.create()) {
            Path conf = quietConfig();
            Files.writeString(dir.resolve("fastnetmon.pid"), ProcessHandle.current().pid() + "\n"); // a live pid
            Result first = launch(rig, conf, "--disable_pid_logic", NetnsRig.MON_IF);
            Result second = launch(rig, conf, "--disable_pid_logic", NetnsRig.MON_IF);
            assertEquals(0, first.exit(), first.toString());
            assertEquals(0, second.exit(), second.toString());
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dir.resolve("fastnetmon.pid")),
                    "the pid file is left alone");
        }
    }
}
