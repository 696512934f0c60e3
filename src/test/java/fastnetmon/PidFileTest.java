package fastnetmon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 13, finding 9: a stale pid file (dead pid, zombie, another program) is taken over; a live fastnetmon's is not. */
class PidFileTest {
    @TempDir
    Path dir;

    private Path pidFile(long pid) throws Exception {
        Path p = dir.resolve("fastnetmon.pid");
        Files.writeString(p, pid + "\n");
        return p;
    }

    private static String own(Path p) throws Exception {
        return Files.readString(p).strip();
    }

    @Test
    void aDeadPidIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path p = pidFile(gone.pid());
        assertEquals("is not running", PidFile.staleBecause(gone.pid()));
        PidFile.acquire(p).remove();
        assertFalse(Files.exists(p));
    }

    @Test
    void anotherProgramsPidIsTakenOver() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Path p = pidFile(sleep.pid());
            assertEquals("is not fastnetmon (sleep 60)", PidFile.staleBecause(sleep.pid()));
            PidFile f = PidFile.acquire(p);
            assertEquals(Long.toString(ProcessHandle.current().pid()), own(p));
            f.remove();
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    @Test
    void aKilledButUnreapedInstanceIsAZombieAndTakenOver() throws Exception {
        // A child killed with -9 that its parent (this JVM) has not waited for yet is a zombie.
        Process child = new ProcessBuilder("sh", "-c", "exec sleep 60").start();
        new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
        long deadline = System.currentTimeMillis() + 5000;
        String why = PidFile.staleBecause(child.pid());
        // Until the signal has taken effect it may still look like this JVM (forked, not yet exec'ed): null.
        while ((why == null || !(why.startsWith("is a zombie") || why.equals("is not running")))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            why = PidFile.staleBecause(child.pid());
        }
        assertTrue(why != null && (why.startsWith("is a zombie") || why.equals("is not running")), why);
        child.waitFor();
    }

    @Test
    void aRunningFastnetmonIsRecognisedByItsMainClassOrJar() {
        assertTrue(PidFile.isFastNetMon(List.of("/usr/bin/java", "-XX:+UseParallelGC", "-jar", "/opt/fnm/target/fastnetmon.jar", "eth0")));
        assertTrue(PidFile.isFastNetMon(List.of("java", "-cp", "a.jar:b.jar", "fastnetmon.FastNetMon", "--configuration_file", "x")));
        assertFalse(PidFile.isFastNetMon(List.of("java", "-cp", "/opt/fnm/target/fastnetmon.jar", "fastnetmon.client.FastNetMonClient")));
        assertFalse(PidFile.isFastNetMon(List.of("java", "-jar", "other.jar", "fastnetmon.FastNetMon")));
        assertFalse(PidFile.isFastNetMon(List.of("/usr/sbin/fastnetmon", "--daemonize"))); // FastNetMon CE's C++ daemon is not us
        assertFalse(PidFile.isFastNetMon(List.of()));
    }

    @Test
    void aGarbageOrSpecialPidFileIsHandled() throws Exception {
        Path p = dir.resolve("fastnetmon.pid");
        Files.writeString(p, "not a pid\n");
        PidFile.acquire(p).remove();
        Path folder = Files.createDirectory(dir.resolve("pid-folder"));
        StartupException e = assertThrows(StartupException.class, () -> PidFile.acquire(folder));
        assertEquals(folder + ": pid file (pid_path) must be a regular file, not a directory", e.getMessage());
    }

    @Test
    void ourOwnPidIsOurs() throws Exception {
        assertEquals("is not running", PidFile.staleBecause(-1));
        Path p = pidFile(ProcessHandle.current().pid());
        PidFile.acquire(p).remove();
    }
}
