package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SamplePacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static fastnetmon.action.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScriptActionTest {
    @TempDir
    Path dir;

    /** Appends "ACTION IP start|end" lines to a shared log; sleeps $SLEEP_<action> seconds in between. */
    private Path recorder(String banSleep) throws Exception {
        return Fixtures.script(dir, "notify.sh",
                "cat > \"" + dir + "/stdin_$1_$4\"\n"
                        + "echo \"$4 $1 start\" >> \"" + dir + "/calls\"\n"
                        + "if [ \"$4\" = ban ]; then sleep " + banSleep + "; fi\n"
                        + "echo \"$4 $1 end\" >> \"" + dir + "/calls\"\n"
                        + "[ \"$4\" = unban ] && exit 5\n"
                        + "exit 0");
    }

    private static SamplePacket syn(long ts) {
        return new SamplePacket(ts, "1.2.3.4", 46804, "10.10.0.5", 80, 6, 0x02, false, 1, 54, 64);
    }

    @Test
    void callsForOneIpRunInOrderAndCallerNeverBlocks() throws Exception {
        AttackText.description(Fixtures.synFlood()); // load the text classes before timing
        TestActions actions = new TestActions(recorder("1"), Duration.ofSeconds(20), null);
        Attack a = Fixtures.synFlood().withSamples(java.util.List.of(syn(T0)));

        long start = System.nanoTime();
        actions.ban(a);
        long banMs = (System.nanoTime() - start) / 1_000_000;
        actions.attackDetails(a);
        actions.unban(a);
        long allMs = (System.nanoTime() - start) / 1_000_000;
        // The ban script sleeps 1 s: a caller that waited for it would take that long.
        assertTrue(banMs < 500, "ban() took " + banMs + " ms");
        assertTrue(allMs < 800, "three calls took " + allMs + " ms");

        assertFalse(actions.awaitIdle(Duration.ofMillis(200)), "the ban script is still sleeping");
        assertTrue(actions.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(List.of("ban 10.10.0.5 start", "ban 10.10.0.5 end", "attack_details 10.10.0.5 start",
                "attack_details 10.10.0.5 end", "unban 10.10.0.5 start", "unban 10.10.0.5 end"),
                Files.readAllLines(dir.resolve("calls")));
        assertEquals(List.of(new ScriptCall("10.10.0.5", "ban", 0), new ScriptCall("10.10.0.5", "attack_details", 0),
                new ScriptCall("10.10.0.5", "unban", 5)), actions.history());

        String description = AttackText.description(a);
        assertEquals(description, Files.readString(dir.resolve("stdin_10.10.0.5_ban")));
        assertEquals(description + "\n\n" + AttackText.sampleLine(syn(T0), ZoneOffset.UTC) + "\n"
                        + "\nAttack vector: syn_flood\nFingerprint of 1 sampled packets:\n  protocol: tcp 100%\n  src_port: 46804 100%\n"
                        + "  dst_port: 80 100%\n  tcp_flags: syn 100%\n  packet_size: 0-63 100%\n  ttl: 64 100%\n",
                Files.readString(dir.resolve("stdin_10.10.0.5_attack_details")));
        assertEquals("", Files.readString(dir.resolve("stdin_10.10.0.5_unban")));
        assertTrue(actions.close());
    }

    @Test
    void differentIpsRunConcurrently() throws Exception {
        TestActions actions = new TestActions(recorder("1"), Duration.ofSeconds(20), null);
        long start = System.nanoTime();
        for (int i = 1; i <= 6; i++) {
            actions.ban(Fixtures.synFlood("10.10.0." + i));
        }
        assertTrue(actions.awaitIdle(Duration.ofSeconds(20)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 3000, "6 one-second scripts took " + ms + " ms; they should overlap");
        Set<String> ips = new HashSet<>();
        actions.history().forEach(c -> ips.add(c.ip()));
        assertEquals(6, ips.size());
        assertTrue(actions.close());
    }

    @Test
    void oneIpOrderHoldsWhileOtherIpsInterleave() throws Exception {
        TestActions actions = new TestActions(recorder("0.2"), Duration.ofSeconds(20), null, 3, null);
        for (int i = 1; i <= 4; i++) {
            Attack a = Fixtures.synFlood("10.0.0." + i);
            actions.ban(a);
            actions.attackDetails(a);
            actions.unban(a);
        }
        assertTrue(actions.close());
        List<String> lines = Files.readAllLines(dir.resolve("calls"));
        for (int i = 1; i <= 4; i++) {
            String ip = " 10.0.0." + i + " ";
            List<String> mine = lines.stream().filter(l -> l.contains(ip)).toList();
            assertEquals(List.of("ban" + ip + "start", "ban" + ip + "end", "attack_details" + ip + "start",
                    "attack_details" + ip + "end", "unban" + ip + "start", "unban" + ip + "end"), mine);
        }
    }

    @Test
    void detailsFileHoldsDescriptionThenSamples() throws Exception {
        Path folder = dir.resolve("attacks/nested");
        ListAppender<ILoggingEvent> logs = Fixtures.capture(ScriptAction.class);
        try {
            TestActions actions = new TestActions(null, null, folder);
            Attack a = Fixtures.synFlood().withSamples(java.util.List.of(syn(T0), syn(T0 + 5_000)));
            actions.ban(a);
            actions.attackDetails(a);
            actions.unban(a);
            assertTrue(actions.close());

            Path file = folder.resolve("10.10.0.5_04_07_14_13:59:54.txt");
            String description = AttackText.description(a);
            String details = AttackText.details(a, ZoneOffset.UTC);
            assertEquals(description + "\n\n" + details + "\n\n", Files.readString(file));
            assertTrue(details.contains("2014-07-04 13:59:54.778877 1.2.3.4:46804 > 10.10.0.5:80 protocol: tcp flags: syn "));
            assertEquals(List.of(new ScriptCall("10.10.0.5", "ban", ScriptCall.NO_SCRIPT),
                    new ScriptCall("10.10.0.5", "attack_details", ScriptCall.NO_SCRIPT),
                    new ScriptCall("10.10.0.5", "unban", ScriptCall.NO_SCRIPT)), actions.history());
            assertTrue(Fixtures.messages(logs).contains("INFO ban 10.10.0.5 incoming syn_flood 50012 pps: no notify script"));
        } finally {
            Fixtures.release(ScriptAction.class, logs);
        }
    }

    @Test
    void logsOneInfoLinePerActionWithTheScriptPath() throws Exception {
        Path s = recorder("0");
        ListAppender<ILoggingEvent> logs = Fixtures.capture(ScriptAction.class);
        try {
            TestActions actions = new TestActions(s, Duration.ofSeconds(20), null);
            actions.ban(Fixtures.synFlood());
            assertTrue(actions.close());
            assertEquals(List.of("INFO ban 10.10.0.5 incoming syn_flood 50012 pps: running " + s), Fixtures.messages(logs));
        } finally {
            Fixtures.release(ScriptAction.class, logs);
        }
    }

    @Test
    void unwritableFolderAndBrokenScriptAreLoggedNotThrown() throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "not a folder");
        TestActions actions = new TestActions(dir.resolve("missing.sh"), Duration.ofSeconds(5), blocker.resolve("sub"));
        actions.ban(Fixtures.synFlood());
        actions.unban(Fixtures.synFlood());
        assertTrue(actions.close());
        assertEquals(List.of(new ScriptCall("10.10.0.5", "ban", NotifyScript.NOT_STARTED),
                new ScriptCall("10.10.0.5", "unban", NotifyScript.NOT_STARTED)), actions.history());
        actions.ban(Fixtures.synFlood()); // after close: dropped with a warning
        assertEquals(2, actions.history().size());
    }

    @Test
    void awaitIdleOnIdleActionsReturnsAtOnce() {
        TestActions actions = new TestActions(null, null, null);
        assertTrue(actions.awaitIdle(Duration.ZERO));
        assertTrue(actions.close());
    }
}
