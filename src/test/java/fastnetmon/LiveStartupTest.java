package fastnetmon;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live mode refuses to start with one clear line when it cannot capture. */
class LiveStartupTest {
    @TempDir
    Path dir;

    private Path conf(String... extra) throws Exception {
        Files.writeString(dir.resolve("networks_list"), "10.10.0.0/16\n");
        Path conf = dir.resolve("fastnetmon.conf");
        Files.writeString(conf, "networks_list_path = networks_list\nwhite_list_path =\nban_state_path = bans.json\nlog_file = fastnetmon.log\n"
                + "pid_path = fastnetmon.pid\nnotify_script_enabled = off\nprometheus = off\n" + String.join("\n", extra) + "\n");
        return conf;
    }

    private static void assertOneLine(Processes.Result r, String expected) {
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().contains(expected), r.stderr());
        assertFalse(r.stderr().contains("Exception"), r.stderr());
    }

    @Test
    void noInterfaceNamedOrConfiguredAndNoDefaultRoute() throws Exception {
        // With a default route it would capture on its interface: a namespace without one
        NetnsRig.assumeAvailable("ip");
        try (NetnsRig rig = NetnsRig.create()) {
            Processes.Result r = Processes.fastnetmonIn(rig.mon, dir, "--configuration_file", conf().toString());
            assertOneLine(r, "no interface to capture on");
        }
        assertFalse(Files.exists(dir.resolve("fastnetmon.pid")), "pid file left behind");
    }

    @Test
    void interfaceThatDoesNotExist() throws Exception {
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf().toString(), "nosuch0");
        assertOneLine(r, "interface nosuch0 does not exist");
        assertFalse(Files.exists(dir.resolve("fastnetmon.pid")), "pid file left behind");
    }

    @Test
    void configuredInterfacesAreUsedWhenNoneIsNamed() throws Exception {
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf("interfaces = nosuch1,nosuch2").toString());
        assertOneLine(r, "interface nosuch1 does not exist");
    }

    @Test
    void pfringWithoutLibpfringSaysSo() throws Exception {
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file",
                conf("pfring = on", "mirror_afpacket = off").toString(), "lo");
        assertOneLine(r, "PF_RING is not installed: libpfring.so was not found");
    }

    /**
     * A real detector on lo holds the pid file: a second one is refused. Once the first is killed with -9,
     * a new one takes the file over at once, with one line in the log (issue 13, finding 9); so does one
     * whose pid file names another program.
     */
    @Test
    void secondInstanceIsRefusedAndAStalePidFileIsTakenOver() throws Exception {
        NetnsRig.assumeAvailable();
        Path conf = conf("api = off");
        Path pid = dir.resolve("fastnetmon.pid");
        Process first = DetectorFiles.startCapturing(new ProcessBuilder(DetectorFiles.command(List.of(),
                "--configuration_file", conf.toString(), "--log_to_console", "lo")).directory(dir.toFile()), dir.resolve("first.out"));
        try {
            assertEquals(Long.toString(first.pid()), Files.readString(pid).strip());
            Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "lo");
            assertOneLine(r, "another fastnetmon is running (pid " + first.pid() + " in ");
        } finally {
            first.destroyForcibly().waitFor(); // kill -9: the pid file stays behind
        }
        assertEquals(Long.toString(first.pid()), Files.readString(pid).strip());
        assertTakenOver(conf, "pid file " + pid + " names pid " + first.pid() + ", which is not running; taking it over");

        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(pid, sleep.pid() + "\n");
            assertTakenOver(conf, "pid file " + pid + " names pid " + sleep.pid() + ", which is not fastnetmon (sleep 60); taking it over");
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    private void assertTakenOver(Path conf, String line) throws Exception {
        Path out = dir.resolve("next.out");
        Files.deleteIfExists(out);
        Process next = DetectorFiles.startCapturing(new ProcessBuilder(DetectorFiles.command(List.of(),
                "--configuration_file", conf.toString(), "--log_to_console", "lo")).directory(dir.toFile()), out);
        try {
            assertEquals(Long.toString(next.pid()), Files.readString(dir.resolve("fastnetmon.pid")).strip());
            assertEquals(1, Files.readAllLines(out).stream().filter(l -> l.contains(line)).count(), Files.readString(out));
        } finally {
            next.destroy();
            assertTrue(next.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
