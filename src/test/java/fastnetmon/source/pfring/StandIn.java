package fastnetmon.source.pfring;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stand-in libpfring.so (src/test/native/pfring_standin.c), compiled with gcc into the build
 * directory, and the checks that the tests can run for real: without a C compiler they are skipped,
 * except in CI (CI=true), where that is a failure.
 */
final class StandIn {
    private static Path library;

    private StandIn() {
    }

    /** The build directory (target/ or -DbuildDir): the parent of test-classes. */
    static Path buildDir() {
        try {
            return Paths.get(StandIn.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path projectDir() {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** $CC, else gcc or cc on the PATH; null when there is none. */
    static String compiler() {
        String cc = System.getenv("CC");
        if (cc != null && !cc.isBlank()) {
            return onPath(cc) ? cc : null;
        }
        for (String c : List.of("gcc", "cc")) {
            if (onPath(c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean onPath(String name) {
        if (name.contains("/")) {
            return Files.isExecutable(Paths.get(name));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Skips (outside CI) or fails (CI=true) when there is no C compiler or no Linux; fails when there is a
     * compiler but the build did not produce the JNI binding.
     */
    static void requireToolchain() {
        String why = null;
        if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
            why = "PF_RING tests need Linux";
        } else if (compiler() == null) {
            why = "PF_RING tests need a C compiler (gcc) to build the stand-in libpfring.so; install build-essential";
        }
        if (why != null) {
            if (inCi()) {
                Assertions.fail(why + " (CI=true, so this is a failure, not a skip)");
            }
            Assumptions.abort(why + " - skipped");
        }
        try {
            PfRingNative.ensureLoaded();
        } catch (Exception e) {
            Assertions.fail("a C compiler is installed but the JNI binding did not load: " + e.getMessage());
        }
    }

    /** The stand-in libpfring.so, compiled once per test run. */
    static synchronized Path library() throws IOException, InterruptedException {
        requireToolchain();
        if (library != null) {
            return library;
        }
        Path src = projectDir().resolve("src/test/native/pfring_standin.c");
        Assertions.assertTrue(Files.isRegularFile(src), "missing " + src);
        Path dir = buildDir().resolve("pfring-standin");
        Files.createDirectories(dir);
        Path out = dir.resolve("libpfring.so");
        Path tmp = dir.resolve("libpfring.so.tmp");
        Process p = new ProcessBuilder(compiler(), "-O2", "-g", "-fPIC", "-shared", "-std=gnu11", "-Wall", "-Wextra",
                "-Werror", "-o", tmp.toString(), src.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assertions.assertTrue(p.waitFor(120, TimeUnit.SECONDS), "compiler did not finish");
        Assertions.assertEquals(0, p.exitValue(), "compiling the stand-in libpfring.so failed:\n" + output);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        library = out;
        return out;
    }

    /** The stand-in, loaded through the binding. */
    static PfRingLibrary load() throws Exception {
        return PfRingLibrary.load(List.of(library().toString()));
    }
}
