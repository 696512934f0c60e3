package fastnetmon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the detector as a real process (a fresh JVM on the test classpath), as an operator would. */
final class Processes {
    private Processes() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        String lastLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    static Result fastnetmon(Path workDir, String... args) throws IOException, InterruptedException {
        return fastnetmonIn(null, workDir, args);
    }

    /** The same inside a network namespace (null: this one). */
    static Result fastnetmonIn(String netns, Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(netns == null ? List.of() : List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "fastnetmon.FastNetMon"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fastnetmon did not finish in 120 s: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
