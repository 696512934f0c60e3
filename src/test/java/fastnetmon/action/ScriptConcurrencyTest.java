package fastnetmon.action;

import fastnetmon.detection.Attack;
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
import static org.junit.jupiter.api.Assertions.fail;

/** Scripts of different hosts run side by side, one host's in order, within a bound (issue 13 #7). */
class ScriptConcurrencyTest {
    @TempDir
    Path dir;

    /**
     * Logs "ACTION IP start NANOS" and "... end NANOS". For hosts named in the file "hang", ban starts a
     * child sleep (its pid in pids) and waits for it; other calls sleep {@code others} seconds.
     */
    private Path script(String others) throws Exception {
        return Fixtures.script(dir, "notify.sh", "cat > /dev/null\n"
                + "echo \"$4 $1 start $(date +%s%N)\" >> \"" + dir + "/calls\"\n"
                + "if grep -qx \"$1\" \"" + dir + "/hang\" 2>/dev/null && [ \"$4\" = ban ]; then\n"
                + "  sleep 300 & echo $! >> \"" + dir + "/pids\"; wait\n"
                + "else sleep " + others + "; fi\n"
                + "echo \"$4 $1 end $(date +%s%N)\" >> \"" + dir + "/calls\"");
    }

    private long at(String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(dir.resolve("calls"))) {
                for (String l : Files.readAllLines(dir.resolve("calls"))) {
                    if (l.startsWith(what + " ")) {
                        return Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
                    }
                }
            }
            Thread.sleep(20);
        }
        return fail("no '" + what + "' in the script's log");
    }

    private static long wallNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    /**
     * Issue 13 #7: with eight scripts hung until their timeout, the ninth host's ban started 23 s late
     * (eight workers for every host). Now it starts at once; the hung ones are killed at their timeout
     * with their children, and a hung host's unban still runs after its ban.
     */
    @Test
    void hungScriptsDoNotDelayOtherHostsAndAreKilledWithTheirTreeAtTheTimeout() throws Exception {
        List<String> hung = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            hung.add("10.10.0." + i);
        }
        Files.write(dir.resolve("hang"), hung);
        TestActions actions = new TestActions(script("0"), Duration.ofSeconds(6), null, 64, null);
        long sent = wallNanos();
        for (String ip : hung) {
            Attack a = Fixtures.synFlood(ip);
            actions.ban(a);
            actions.unban(a);
        }
        long ninthSent = wallNanos();
        actions.ban(Fixtures.synFlood("10.10.0.9"));
        long lateMs = (at("ban 10.10.0.9 start") - ninthSent) / 1_000_000;
        assertTrue(lateMs < 2500, "the ninth host's ban started " + lateMs + " ms late");
        at("ban 10.10.0.9 end");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (actions.registry.stats().get(0).handled() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ActionStats s = actions.registry.stats().get(0);
        assertEquals(1, s.handled(), "the ninth host's ban is done: " + s);
        assertEquals(8, s.running(), "eight hung scripts are running: " + s);
        assertEquals(8, s.queued(), "each hung host's unban waits for its ban: " + s);

        assertTrue(actions.awaitIdle(Duration.ofSeconds(30)));
        for (String ip : hung) {
            long unbanAfterMs = (at("unban " + ip + " start") - sent) / 1_000_000;
            assertTrue(unbanAfterMs >= 5500, ip + ": the unban ran " + unbanAfterMs + " ms after the ban was sent, before its timeout");
        }
        List<String> pids = Files.readAllLines(dir.resolve("pids"));
        assertEquals(8, pids.size());
        for (String pid : pids) {
            assertFalse(Fixtures.alive(Long.parseLong(pid.trim())), "the hung script's child " + pid + " outlived its timeout");
        }
        long timedOut = actions.history().stream().filter(c -> c.exitCode() == NotifyScript.TIMED_OUT).count();
        assertEquals(8, timedOut);
        assertEquals(8, actions.registry.stats().get(0).failed());
        assertTrue(actions.close());
    }

    @Test
    void theNumberOfRunningScriptsIsBoundedAndVisible() throws Exception {
        TestActions actions = new TestActions(script("1"), Duration.ofSeconds(20), null, 2, null);
        long sent = wallNanos();
        for (int i = 1; i <= 3; i++) {
            actions.ban(Fixtures.synFlood("10.10.0." + i));
        }
        int maxRunning = 0;
        while (!actions.awaitIdle(Duration.ofMillis(20))) {
            maxRunning = Math.max(maxRunning, actions.registry.stats().get(0).running());
        }
        assertEquals(2, maxRunning);
        long third = Math.max(at("ban 10.10.0.3 start"), Math.max(at("ban 10.10.0.1 start"), at("ban 10.10.0.2 start")));
        assertTrue((third - sent) / 1_000_000 >= 900, "the third script waited for a slot");
        assertEquals(new ActionStats("script", 3, 0, 0, 0, 0, 0, 2), actions.registry.stats().get(0));
        assertTrue(actions.close());
    }
}
