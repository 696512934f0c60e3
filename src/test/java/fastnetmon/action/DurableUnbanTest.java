package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 #2: a script that takes 25 s, ban_time 5, twelve short floods and SIGTERM 3 s later left eleven
 * hosts banned for ever: their unban calls were cut off and the ban-state file held only the last ban.
 * Here at CI size: twelve bans and unbans with a script that hangs, a stop bounded to 2 s, a restart.
 */
class DurableUnbanTest {
    @TempDir
    Path dir;

    /**
     * Logs "ACTION IP PPS journaled|not-journaled" (whether the state file names the IP when the call
     * starts); while the file "slow" exists, starts a long child sleep (pid in pids) and waits for it.
     */
    private Path script(Path state) throws Exception {
        return Fixtures.script(dir, "notify.sh", "cat > /dev/null\n"
                + "j=not-journaled; grep -q \"\\\"ip\\\" : \\\"$1\\\"\" \"" + state + "\" && j=journaled\n"
                + "echo \"$4 $1 $3 $j\" >> \"" + dir + "/calls\"\n"
                + "if [ -e \"" + dir + "/slow\" ]; then echo $$ >> \"" + dir + "/pids\"; sleep 300 & echo $! >> \""
                + dir + "/pids\"; wait; fi");
    }

    private static List<Attack> hosts() {
        List<Attack> out = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            out.add(Fixtures.synFlood("10.10.0." + i));
        }
        return out;
    }

    private List<String> calls() throws Exception {
        return Files.exists(dir.resolve("calls")) ? Files.readAllLines(dir.resolve("calls")) : List.of();
    }

    @Test
    void unbansCutShortAtShutdownAreCarriedOutAtTheNextStart() throws Exception {
        Path state = dir.resolve("bans.json");
        Path script = script(state);
        Files.writeString(dir.resolve("slow"), "");
        TestActions first = new TestActions(script, Duration.ofSeconds(60), null, 64, state);
        for (Attack a : hosts()) {
            first.ban(a);
            first.unban(a); // ban_time over while the ban's call still runs
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (calls().size() < 12 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(12, calls().size(), calls().toString());
        for (String c : calls()) {
            assertTrue(c.startsWith("ban ") && c.endsWith(" journaled"), "the ban is in the file before its call: " + c);
        }

        long start = System.nanoTime();
        assertFalse(first.registry.close(Duration.ofSeconds(2)), "the calls did not finish");
        long closeMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closeMs < 8000, "stop took " + closeMs + " ms with a 2 s bound");
        List<String> pids = Files.readAllLines(dir.resolve("pids"));
        assertEquals(24, pids.size(), "twelve scripts and their children");
        for (String pid : pids) {
            assertFalse(Fixtures.alive(Long.parseLong(pid.trim())), "script process " + pid + " outlived the stop");
        }
        ActionStats s = first.registry.stats().get(0);
        assertEquals(24, s.unfinished(), s.toString());
        String json = Files.readString(state);
        assertEquals(12, json.split("\"unban_requested\" : true").length - 1, json);

        // The next start: no ban to restore, twelve unbans to carry out, with the ban's own arguments.
        Files.delete(dir.resolve("slow"));
        Files.delete(dir.resolve("calls"));
        TestActions second = new TestActions(script, Duration.ofSeconds(60), null, 64, state);
        ActionRegistry.Recovery r = second.registry.recover();
        assertEquals(List.of(), r.restore());
        assertEquals(12, r.replayed().size());
        assertTrue(r.replayed().stream().allMatch(e -> e.kind() == BanEvent.Kind.UNBAN));
        assertTrue(second.awaitIdle(Duration.ofSeconds(30)));
        List<String> lines = new ArrayList<>(calls());
        lines.sort(null);
        List<String> expected = new ArrayList<>();
        for (Attack a : hosts()) {
            expected.add("unban " + a.ip + " " + a.initialPps() + " journaled");
        }
        expected.sort(null);
        assertEquals(expected, lines);
        assertTrue(second.close());
        assertTrue(Files.readString(state).contains("\"bans\" : [ ]"), Files.readString(state));
        ActionRegistry third = ActionRegistry.builder(state).build();
        assertEquals(new ActionRegistry.Recovery(List.of(), List.of()), third.recover(), "each unban once");
        third.close(Duration.ofSeconds(5));
    }

    /** A crash (no close at all) leaves the pending unban in the file, written before the call started. */
    @Test
    void aCrashMidUnbanLeavesItInTheFileForTheNextStart() throws Exception {
        Path state = dir.resolve("bans.json");
        Path script = script(state);
        TestActions first = new TestActions(script, Duration.ofSeconds(60), null, 64, state);
        Attack a = Fixtures.synFlood("10.10.0.42");
        first.ban(a);
        assertTrue(first.awaitIdle(Duration.ofSeconds(10)));
        Files.writeString(dir.resolve("slow"), "");
        first.unban(a);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (calls().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("ban 10.10.0.42 50012 journaled", "unban 10.10.0.42 50012 journaled"), calls());
        // The unban's script is running: what a kill -9 now would leave on disk.
        Path crashed = dir.resolve("crashed.json");
        Files.copy(state, crashed);
        String json = Files.readString(crashed);
        assertTrue(json.contains("\"unban_requested\" : true") && json.contains("\"ban_done\" : true"), json);

        Files.delete(dir.resolve("slow"));
        TestActions next = new TestActions(script, Duration.ofSeconds(60), null, 64, crashed);
        ActionRegistry.Recovery r = next.registry.recover();
        assertEquals(List.of(), r.restore());
        assertEquals(List.of("UNBAN 10.10.0.42"), r.replayed().stream().map(e -> e.kind() + " " + e.attack().ip).toList());
        assertTrue(next.close());
        assertTrue(Files.readString(crashed).contains("\"bans\" : [ ]"));
        first.registry.close(Duration.ZERO);
    }
}
