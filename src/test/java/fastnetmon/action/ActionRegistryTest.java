package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.testing.Eventually;
import fastnetmon.detection.BanEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static fastnetmon.action.TestActions.event;
import static fastnetmon.detection.BanEvent.Kind.BAN;
import static fastnetmon.detection.BanEvent.Kind.RESTORED;
import static fastnetmon.detection.BanEvent.Kind.UNBAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Actions are independent of each other and of the caller; restored bans reach all; shutdown order. */
class ActionRegistryTest {
    @TempDir
    Path dir;

    /** Records what it sees and when it is closed (into a list shared by several actions). */
    static final class Recording implements Action {
        final String name;
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final List<String> closed;

        Recording(String name, List<String> closed) {
            this.name = name;
            this.closed = closed;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void handle(BanEvent e) {
            seen.add(e.kind() + " " + e.attack().ip);
        }

        @Override
        public void close() {
            closed.add(name);
        }
    }

    static final class Throwing implements Action {
        @Override
        public String name() {
            return "throwing";
        }

        @Override
        public void handle(BanEvent e) {
            throw new IllegalStateException("broken action for " + e.attack().ip);
        }
    }

    /** Never returns until interrupted (the registry gives up on it at close). */
    static final class Hanging implements Action {
        @Override
        public String name() {
            return "hanging";
        }

        @Override
        public void handle(BanEvent e) throws InterruptedException {
            new CountDownLatch(1).await();
        }
    }

    /** Appends "ACTION IP NANOS" when the script starts. */
    private Path timingScript() throws Exception {
        return Fixtures.script(dir, "notify.sh", "cat > /dev/null\necho \"$4 $1 $(date +%s%N)\" >> \"" + dir + "/calls\"");
    }

    /** Nanoseconds (wall clock) at which the script was started for "ACTION IP", waiting up to 10 s. */
    private long calledAt(String actionAndIp) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(dir.resolve("calls"))) {
                for (String l : Files.readAllLines(dir.resolve("calls"))) {
                    if (l.startsWith(actionAndIp + " ")) {
                        return Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
                    }
                }
            }
            Thread.sleep(20);
        }
        return fail("no '" + actionAndIp + "' script call");
    }

    private static long wallNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static ActionStats stats(ActionRegistry r, String name) {
        return r.stats().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aThrowingAndAHangingActionDelayNeitherTheScriptNorTheCallerNorTheNextEvent() throws Exception {
        ScriptAction script = new ScriptAction(timingScript(), Duration.ofSeconds(20), ZoneOffset.UTC);
        ActionRegistry registry = ActionRegistry.builder(null)
                .add(new Throwing(), 1).add(new Hanging(), 1).add(script, 8).build();
        Attack a = Fixtures.synFlood();
        AttackText.description(a); // load the text classes before timing

        long sent = wallNanos();
        long start = System.nanoTime();
        registry.onEvent(event(BAN, a));
        long callerMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(callerMs < 200, "onEvent took " + callerMs + " ms");
        long banDelayMs = (calledAt("ban 10.10.0.5") - sent) / 1_000_000;
        assertTrue(banDelayMs < 2000, "the script's ban started " + banDelayMs + " ms after the event");

        sent = wallNanos();
        registry.onEvent(event(UNBAN, a));
        long unbanDelayMs = (calledAt("unban 10.10.0.5") - sent) / 1_000_000;
        assertTrue(unbanDelayMs < 2000, "the script's unban started " + unbanDelayMs + " ms after the event");
        // Started is not finished: the unban is in the history once its script has exited
        Eventually.until(Duration.ofSeconds(20), () -> script.history().size() == 2, "the unban script finished");
        assertEquals(List.of(new ScriptCall("10.10.0.5", "ban", 0), new ScriptCall("10.10.0.5", "unban", 0)), script.history());

        ActionStats throwing = stats(registry, "throwing");
        assertEquals(2, throwing.handled());
        assertEquals(2, throwing.failed());
        ActionStats hanging = stats(registry, "hanging");
        assertEquals(new ActionStats("hanging", 0, 0, 0, 1, 1, 0, 1), hanging, "ban running, unban waiting behind it");
        assertEquals(new ActionStats("script", 2, 0, 0, 0, 0, 0, 8), stats(registry, "script"));

        start = System.nanoTime();
        assertFalse(registry.close(Duration.ofSeconds(1)), "the hanging action did not finish");
        long closeMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closeMs < 4000, "close took " + closeMs + " ms with a 1 s bound");
        assertEquals(2, stats(registry, "hanging").unfinished());
        assertTrue(registry.close(Duration.ofSeconds(1)), "a second close returns at once");
    }

    @Test
    void aRestoredBanReachesEveryActionButCallsNoScript() throws Exception {
        List<String> closed = Collections.synchronizedList(new ArrayList<>());
        Recording first = new Recording("first", closed);
        Recording second = new Recording("second", closed);
        ScriptAction script = new ScriptAction(timingScript(), Duration.ofSeconds(20), ZoneOffset.UTC);
        ActionRegistry registry = ActionRegistry.builder(null).add(first, 1).add(script, 4).add(second, 1).build();
        registry.onEvent(event(RESTORED, Fixtures.synFlood("10.10.0.7")));
        assertTrue(registry.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(List.of("RESTORED 10.10.0.7"), first.seen);
        assertEquals(List.of("RESTORED 10.10.0.7"), second.seen);
        assertEquals(List.of(), script.history());
        assertEquals(1, stats(registry, "script").handled());
        assertTrue(registry.close(Duration.ofSeconds(5)));
        assertFalse(Files.exists(dir.resolve("calls")), "no script call for a restored ban");
    }

    @Test
    void shutdownDrainsThenClosesEachActionOnceInRegistrationOrderAndTheJournalLast() throws Exception {
        List<String> closed = Collections.synchronizedList(new ArrayList<>());
        Path state = dir.resolve("bans.json");
        Recording a = new Recording("a", closed);
        Recording c = new Recording("c", closed);
        Action b = new Action() { // slow: drained before anything is closed
            @Override
            public String name() {
                return "b";
            }

            @Override
            public void handle(BanEvent e) throws InterruptedException {
                Thread.sleep(300);
            }

            @Override
            public void close() {
                closed.add("b");
            }
        };
        ActionRegistry registry = ActionRegistry.builder(state).add(c, 1).add(b, 1).add(a, 1).build();
        for (int i = 1; i <= 3; i++) {
            registry.onEvent(event(BAN, Fixtures.synFlood("10.10.0." + i)));
        }
        assertTrue(registry.close(Duration.ofSeconds(10)));
        assertTrue(registry.close(Duration.ofSeconds(10)));
        assertEquals(List.of("c", "b", "a"), closed, "each once, in registration order");
        assertEquals(new ActionStats("b", 3, 0, 0, 0, 0, 0, 1), stats(registry, "b"), "drained before closing");
        // The journal is written after the actions: every ban is there, marked done by all three actions.
        String json = Files.readString(state);
        assertEquals(3, json.split("\"ban_done\" : true").length - 1, json);
        registry.onEvent(event(BAN, Fixtures.synFlood("10.10.0.9")));
        assertEquals(1, registry.droppedAfterClose());
    }

    @Test
    void aHostsQueueIsBoundedDropsAreCountedAndOtherHostsGoOn() throws Exception {
        List<String> closed = new ArrayList<>();
        Recording other = new Recording("other", closed);
        Path state = dir.resolve("bans.json");
        ActionRegistry registry = ActionRegistry.builder(state).add(new Hanging(), 4, 2, 100).add(other, 1).build();
        Attack stuck = Fixtures.synFlood("10.10.0.1");
        registry.onEvent(event(BAN, stuck));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (stats(registry, "hanging").running() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (int i = 1; i < 4; i++) { // one running, two waiting, the fourth dropped
            registry.onEvent(event(i == 3 ? UNBAN : BAN, stuck));
        }
        registry.onEvent(event(BAN, Fixtures.synFlood("10.10.0.2")));
        while (stats(registry, "hanging").running() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(new ActionStats("hanging", 0, 0, 1, 2, 2, 0, 4), stats(registry, "hanging"));
        while (other.seen.size() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(registry.close(Duration.ofMillis(200)));
        assertEquals(List.of("BAN 10.10.0.1", "BAN 10.10.0.1", "BAN 10.10.0.1", "UNBAN 10.10.0.1"),
                other.seen.stream().filter(s -> s.endsWith(" 10.10.0.1")).toList(), "the other action took all four");
        // The dropped unban was not carried out by every action: the next start does it.
        ActionRegistry next = ActionRegistry.builder(state).build();
        List<String> replayed = next.recover().replayed().stream().map(e -> e.kind() + " " + e.attack().ip).toList();
        assertTrue(replayed.contains("UNBAN 10.10.0.1"), replayed.toString());
        next.close(Duration.ofSeconds(5));
    }

    /** Two hosts arriving together while one worker waits: the one behind a hanging host gets a worker of its own. */
    @Test
    void aHostArrivingWithAHangingOneIsNotQueuedBehindIt() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Action hangsForOne = new Action() {
            @Override
            public String name() {
                return "hangs_for_one";
            }

            @Override
            public void handle(BanEvent e) throws InterruptedException {
                if (e.attack().ip.equals("10.10.0.1")) {
                    new CountDownLatch(1).await();
                }
                seen.add(e.attack().ip);
            }
        };
        ActionRunner runner = new ActionRunner(hangsForOne, 4, 16, 100);
        runner.offer(new Step(event(BAN, Fixtures.synFlood("10.10.0.3")), null, 0, 1));
        assertTrue(runner.awaitIdle(System.nanoTime() + 5_000_000_000L), "one worker, now waiting");
        synchronized (runner) { // both arrive before the waiting worker wakes
            runner.offer(new Step(event(BAN, Fixtures.synFlood("10.10.0.1")), null, 0, 1));
            runner.offer(new Step(event(BAN, Fixtures.synFlood("10.10.0.2")), null, 0, 1));
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!seen.contains("10.10.0.2") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("10.10.0.3", "10.10.0.2"), seen);
        assertEquals(List.of("ban 10.10.0.1"), runner.close());
    }
}
