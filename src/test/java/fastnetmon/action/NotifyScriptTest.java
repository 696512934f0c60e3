package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotifyScriptTest {
    @TempDir
    Path dir;
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void captureLogs() {
        logs = Fixtures.capture(NotifyScript.class);
    }

    @AfterEach
    void releaseLogs() {
        Fixtures.release(NotifyScript.class, logs);
    }

    @Test
    void passesArgvVerbatimAndStdin() throws Exception {
        Path s = Fixtures.script(dir, "record.sh",
                "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done > \"" + dir + "/args\"\n"
                        + "cat > \"" + dir + "/stdin\"\n"
                        + "echo \"got $4 for $1\"");
        String evil = "a b; touch " + dir + "/pwned";
        String stdin = "IP: 10.10.0.5\nline two with ünïcode\n".repeat(5000); // > pipe buffer
        int code = new NotifyScript(s, Duration.ofSeconds(20)).run("10.10.0.5",
                List.of("10.10.0.5", "incoming", evil, "$(id)", "", "ban"), stdin);
        assertEquals(0, code);
        assertEquals(List.of("<10.10.0.5>", "<incoming>", "<" + evil + ">", "<$(id)>", "<>", "<ban>"),
                Files.readAllLines(dir.resolve("args")));
        assertEquals(stdin, Files.readString(dir.resolve("stdin")));
        assertFalse(Files.exists(dir.resolve("pwned")), "no shell must interpret the arguments");
        assertTrue(Fixtures.messages(logs).contains("INFO record.sh 10.10.0.5: got $(id) for 10.10.0.5"),
                Fixtures.messages(logs).toString());
    }

    @Test
    void nonZeroExitIsLoggedNotThrown() throws Exception {
        Path s = Fixtures.script(dir, "fail.sh", "cat >/dev/null; echo 'oops happened' >&2; exit 3");
        int code = new NotifyScript(s, Duration.ofSeconds(20)).run("10.0.0.1", List.of("10.0.0.1", "incoming", "1", "ban"), "x");
        assertEquals(3, code);
        List<String> m = Fixtures.messages(logs);
        assertTrue(m.contains("WARN fail.sh 10.0.0.1 stderr: oops happened"), m.toString());
        assertTrue(m.contains("WARN fail.sh 10.0.0.1: exited with code 3"), m.toString());
    }

    @Test
    void scriptThatIgnoresStdinStillCompletes() throws Exception {
        Path s = Fixtures.script(dir, "ignore.sh", "exit 0");
        assertEquals(0, new NotifyScript(s, Duration.ofSeconds(20)).run("1.1.1.1", List.of(), "x".repeat(1 << 20)));
    }

    @Test
    void timeoutKillsScriptAndItsChild() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path s = Fixtures.script(dir, "hang.sh", "sleep 1000 &\necho $! > \"" + pidFile + "\"\nwait");
        long start = System.nanoTime();
        int code = new NotifyScript(s, Duration.ofMillis(700)).run("10.0.0.2", List.of("10.0.0.2", "incoming", "1", "ban"), "");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(NotifyScript.TIMED_OUT, code);
        assertTrue(ms >= 650 && ms < 700 + 3000, "took " + ms + " ms");
        long child = Long.parseLong(Files.readString(pidFile).trim());
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (Fixtures.alive(child) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Fixtures.alive(child), "child sleep " + child + " must be killed");
        assertTrue(Fixtures.messages(logs).contains("WARN hang.sh 10.0.0.2: killed after the 700 ms timeout"),
                Fixtures.messages(logs).toString());
    }

    @Test
    void missingScriptIsNotStartedAndLogged() {
        int code = new NotifyScript(dir.resolve("nope.sh")).run("10.0.0.3", List.of("x"), "");
        assertEquals(NotifyScript.NOT_STARTED, code);
        assertTrue(Fixtures.messages(logs).stream().anyMatch(m -> m.startsWith("ERROR nope.sh 10.0.0.3: cannot start")));
    }

    @Test
    void problemExplainsWhyAScriptCannotRun() throws Exception {
        Path ok = Fixtures.script(dir, "ok.sh", "exit 0");
        assertEquals(Optional.empty(), NotifyScript.problem(ok));

        Path missing = dir.resolve("missing.sh");
        assertEquals(Optional.of("notify script " + missing + " does not exist"), NotifyScript.problem(missing));

        Path plain = dir.resolve("plain.sh");
        Files.writeString(plain, "#!/bin/sh\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.of("notify script " + plain + " is not executable (chmod +x it)"), NotifyScript.problem(plain));

        assertEquals(Optional.of("notify script " + dir + " is not a regular file"), NotifyScript.problem(dir));
        assertTrue(NotifyScript.problem(null).isPresent());
    }

    /**
     * Issue 13 #6: a script printing megabytes without a newline was read into one string and logged whole
     * (100 MB: 6.3 GB RSS, 3 GB: OutOfMemoryError). Now a line is cut, the logged total is bounded and the
     * rest is counted.
     */
    @Test
    void outputWithoutNewlinesIsCutAndCounted() throws Exception {
        int size = 8_000_000;
        Path s = Fixtures.script(dir, "zeros.sh", "head -c " + size + " /dev/zero; echo; echo done; echo oops >&2");
        int code = new NotifyScript(s, Duration.ofSeconds(60)).run("10.0.0.9", List.of("10.0.0.9"), "");
        assertEquals(0, code);
        List<String> m = Fixtures.messages(logs);
        for (String line : m) {
            assertTrue(line.length() < ScriptOutput.MAX_LINE_BYTES + 200, "a logged line of " + line.length() + " chars");
        }
        long cut = size - ScriptOutput.MAX_LINE_BYTES;
        String zeros = new String(new char[ScriptOutput.MAX_LINE_BYTES]); // NUL characters, as printed
        assertTrue(m.contains("INFO zeros.sh 10.0.0.9: " + zeros + " [" + cut + " more bytes of this line cut]"),
                m.stream().map(l -> l.length() > 80 ? l.substring(l.length() - 80) : l).toList().toString());
        assertTrue(m.contains("INFO zeros.sh 10.0.0.9: done"), m.toString());
        assertTrue(m.contains("WARN zeros.sh 10.0.0.9 stderr: oops"), m.toString());
        assertTrue(m.contains("WARN zeros.sh 10.0.0.9: " + cut + " bytes of output not logged (0 whole lines)"), m.toString());
    }

    @Test
    void manyLinesAreLoggedUpToTheBoundAndTheRestCounted() throws Exception {
        Path s = Fixtures.script(dir, "lines.sh", "yes 0123456789 | head -n 200000");
        assertEquals(0, new NotifyScript(s, Duration.ofSeconds(60)).run("10.0.0.8", List.of("10.0.0.8"), ""));
        List<String> m = Fixtures.messages(logs);
        long logged = m.stream().filter(l -> l.equals("INFO lines.sh 10.0.0.8: 0123456789")).count();
        int expected = Math.min(ScriptOutput.MAX_LINES, ScriptOutput.MAX_BYTES / 10);
        assertEquals(expected, logged);
        long rest = 200_000 - expected;
        assertTrue(m.contains("WARN lines.sh 10.0.0.8: " + rest * 11 + " bytes of output not logged (" + rest + " whole lines)"),
                m.subList(Math.max(0, m.size() - 3), m.size()).toString());
    }
}
