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
}
