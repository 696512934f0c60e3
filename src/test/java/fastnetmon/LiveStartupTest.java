package fastnetmon;

import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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

    @Test
    void secondInstanceIsRefusedByThePidFile() throws Exception {
        Path conf = conf();
        Files.writeString(dir.resolve("fastnetmon.pid"), ProcessHandle.current().pid() + "\n"); // a live process
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "lo");
        assertOneLine(r, "another fastnetmon is running (pid " + ProcessHandle.current().pid());
    }
}
