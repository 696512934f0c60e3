package fastnetmon.console;

import fastnetmon.api.ApiRig;
import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static fastnetmon.counters.TestPackets.syn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The screen file: its text against a screen FastNetMon 1.2.4 wrote (src/test/resources/fastnetmon-1.2.4/
 * screen-traffic.dat), and FastNetMon's own {@code fastnetmon_client} showing the file our writer keeps
 * up to date over a real detector.
 */
class CliStatsFileTest {
    @TempDir
    Path dir;

    private static String fastNetMonScreen() throws Exception {
        try (InputStream in = CliStatsFileTest.class.getResourceAsStream("/fastnetmon-1.2.4/screen-traffic.dat")) {
            assertNotNull(in);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sameLayoutAsFastNetMonsScreenFile() throws Exception {
        // The figures of FastNetMon's screen: two hosts incoming, one of them banned, two manual bans
        Map<Direction, ConsoleData.Rate> totals = new EnumMap<>(Direction.class);
        totals.put(Direction.INCOMING, new ConsoleData.Rate(339, 0.2, 694));
        Map<Direction, Map<SortKey, List<ConsoleData.Host>>> top = new EnumMap<>(Direction.class);
        top.put(Direction.INCOMING, Map.of(SortKey.PACKETS, List.of(new ConsoleData.Host("10.0.0.5", 240, 0.1, 358),
                new ConsoleData.Host("10.0.0.123", 97.4, 0, 145))));
        top.put(Direction.OUTGOING, Map.of(SortKey.PACKETS, List.of(new ConsoleData.Host("10.0.0.5", 0, 0, 0),
                new ConsoleData.Host("10.0.0.123", 0, 0, 0))));
        List<ConsoleData.Ban> bans = List.of(new ConsoleData.Ban("10.0.0.9", 0, "other", "unknown", 0),
                new ConsoleData.Ban("10.0.0.123", 0, "other", "unknown", 0));
        ConsoleData data = new ConsoleData("0.1.0", totals, top, 0, 0, bans, null, 0);

        String ours = CliStatsText.render(data, SortKey.PACKETS, 7, 440_000, 84_000, 0, ZoneOffset.UTC);
        List<String> want = fastNetMonScreen().lines().toList();
        List<String> got = ours.lines().toList();
        assertEquals("FastNetMon 0.1.0 (Java)", got.get(0));
        // Line for line the same, but for the header's first line (the name and version)
        assertEquals(want.subList(1, want.size()), got.subList(1, got.size()), ours);
    }

    @Test
    void twoSignificantDigitsAsFastNetMonPrintsDurations() {
        assertEquals("0.00044", CliStatsText.twoDigits(0.000_444));
        assertEquals("0.5", CliStatsText.twoDigits(0.5));
        assertEquals("0", CliStatsText.twoDigits(0));
    }

    @Test
    void fastNetMonsClientShowsOurScreen() throws Exception {
        NetnsRig.assumeAvailable("tmux", "unshare", "/usr/bin/fastnetmon_client");
        Path file = dir.resolve("fastnetmon.dat");
        String tmux = "fnm-cli-" + ProcessHandle.current().pid() + "-" + (System.nanoTime() % 100000);
        try (ApiRig rig = new ApiRig(dir)) {
            rig.send(3000, syn("198.51.100.7", 2000, "10.10.0.5", 80)).tick();
            rig.send(3000, syn("198.51.100.7", 2000, "10.10.0.5", 80)).tick();
            try (CliStatsFile writer = CliStatsFile.start(file, rig.access, ConsoleSettings.defaults("0.1.0"),
                    () -> 84_000, () -> 3)) {
                waitFor(() -> Files.exists(file) && Files.readString(file).contains("10.10.0.5\t\t"), "screen file " + file);
                assertTrue(Files.readString(file).startsWith("FastNetMon 0.1.0 (Java)\nIPs ordered by: packets\n"));
                // fastnetmon_client reads the fixed /tmp/fastnetmon.dat: give it our folder as /tmp in a mount
                // namespace of its own, so no other /tmp/fastnetmon.dat is touched
                String cmd = "unshare -m sh -c 'mount --bind " + dir + " /tmp && exec /usr/bin/fastnetmon_client'";
                NetnsRig.run("tmux", "-L", tmux, "new-session", "-d", "-x", "120", "-y", "40", cmd);
                String[] pane = {""};
                waitFor(() -> {
                    pane[0] = NetnsRig.sh("tmux", "-L", tmux, "capture-pane", "-p");
                    return pane[0].contains("10.10.0.5") && pane[0].contains("Not processed packets: 3 pps");
                }, "fastnetmon_client showing our screen");
                String screen = pane[0];
                assertTrue(screen.contains("FastNetMon 0.1.0 (Java)"), screen);
                assertTrue(screen.lines().anyMatch(l -> l.matches("Incoming traffic +3000 pps +\\d+ mbps +\\d+ flows")), screen);
                assertTrue(screen.lines().anyMatch(l -> l.matches("10\\.10\\.0\\.5 +3000 pps +\\d+ mbps +\\d+ flows\\s*")), screen);
            } finally {
                NetnsRig.sh("tmux", "-L", tmux, "kill-server");
            }
        }
        assertFalse(Files.exists(file), "the file goes when the detector stops");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting for " + what);
    }
}
