package fastnetmon.action;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 13 #2: with a script that never returns, its processes outlived the detector. */
class ScriptReaperTest {
    @TempDir
    Path dir;

    @Test
    void scriptsStillRunningWhenTheJvmExitsAreKilledWithTheirChildren() throws Exception {
        Path pids = dir.resolve("pids");
        Path script = Fixtures.script(dir, "hang.sh", "echo $$ >> \"" + pids + "\"\nsleep 600 &\necho $! >> \""
                + pids + "\"\ntouch \"" + dir + "/started\"\nwait");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ScriptReaperMain.class.getName(), script.toString(), dir.resolve("started").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("jvm.log").toFile()).start();
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
        assertEquals(3, jvm.exitValue(), Files.readString(dir.resolve("jvm.log")));
        List<String> lines = Files.readAllLines(pids);
        assertEquals(2, lines.size(), "the script and its child");
        for (String pid : lines) {
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (Fixtures.alive(Long.parseLong(pid.trim())) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(Fixtures.alive(Long.parseLong(pid.trim())), "script process " + pid + " outlived the JVM");
        }
        assertTrue(Files.readString(dir.resolve("jvm.log")).contains("killing 1 notify script processes still running at exit"),
                Files.readString(dir.resolve("jvm.log")));
    }
}
