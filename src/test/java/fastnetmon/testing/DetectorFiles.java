package fastnetmon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the tests that run the detector as a process share: a configuration whose files all live in
 * the test's folder, a notify script that records its calls, and starting the process until it
 * captures.
 */
public final class DetectorFiles {
    private DetectorFiles() {
    }

    /**
     * Writes {@code networks_list} (the given lines) and {@code fastnetmon.conf} in {@code dir}: logs,
     * pid file, attack details and ban state in the folder, {@code notify.sh} as the script, then
     * {@code lines}. Returns the configuration's path.
     */
    public static Path config(Path dir, List<String> networks, String... lines) throws IOException {
        Files.writeString(dir.resolve("networks_list"), String.join("\n", networks) + "\n");
        List<String> all = new ArrayList<>(List.of(
                "networks_list_path = networks_list",
                "white_list_path =",
                "notify_script_path = notify.sh",
                "log_file = fastnetmon.log",
                "pid_path = fastnetmon.pid",
                "attack_details_folder = attacks",
                "ban_state_path = bans.json",
                "cli_stats_file_path = fastnetmon.dat"));
        all.addAll(List.of(lines));
        Path conf = dir.resolve("fastnetmon.conf");
        Files.writeString(conf, String.join("\n", all) + "\n");
        return conf;
    }

    /**
     * Writes {@code notify.sh}: it reads its stdin and appends one line per call to {@code calls},
     * made of {@code format} with the script's arguments (e.g. {@code "$1 $2 $3 $4"}).
     */
    public static void recordingScript(Path dir, Path calls, String format) throws IOException {
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\ncat > /dev/null\necho \"" + format + "\" >> \"" + calls + "\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The java command that runs the detector on the test classpath, with JVM options first. */
    public static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("@" + classpathFile(), "fastnetmon.FastNetMon"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Path classpathFile;

    /**
     * The test classpath as a java argument file ({@code -cp ...}): the command line stays under a page, which
     * is all the JDK reads back from /proc when the detector re-executes itself for --daemonize.
     */
    private static synchronized Path classpathFile() {
        if (classpathFile == null) {
            try {
                Path f = Files.createTempFile("fastnetmon-test-classpath", ".args");
                f.toFile().deleteOnExit();
                Files.writeString(f, "-cp\n\"" + System.getProperty("java.class.path") + "\"\n");
                classpathFile = f;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return classpathFile;
    }

    /** Starts the process with its output in {@code output} and waits until it says it is capturing. */
    public static Process startCapturing(ProcessBuilder pb, Path output) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.exists(output) ? Files.readString(output) : "";
            if (out.contains("capturing on")) {
                return p;
            }
            if (!p.isAlive()) {
                fail("detector exited " + p.exitValue() + ": " + out);
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new AssertionError("detector did not start capturing: " + Files.readString(output));
    }

    /** A process builder for the detector inside the rig's monitor namespace, run in {@code dir}. */
    public static ProcessBuilder inMonitor(NetnsRig rig, Path dir, Path conf) {
        return inMonitor(rig, dir, conf, List.of());
    }

    /** The same with JVM options (e.g. {@link #launcherJavaOptions()}). */
    public static ProcessBuilder inMonitor(NetnsRig rig, Path dir, Path conf, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", rig.mon));
        cmd.addAll(command(jvmOptions, "--configuration_file", conf.toString(), "--log_to_console", NetnsRig.MON_IF));
        return new ProcessBuilder(cmd).directory(dir.toFile());
    }

    /** The JVM options the {@code fastnetmon} launcher runs the detector with (its {@code opts} default). */
    public static List<String> launcherJavaOptions() throws IOException {
        for (String line : Files.readAllLines(Path.of("fastnetmon"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^opts=\\$\\{FASTNETMON_JAVA_OPTS:-(.*)}$").matcher(line);
            if (m.matches()) {
                return List.of(m.group(1).trim().split("\\s+"));
            }
        }
        throw new AssertionError("no opts= line in the fastnetmon launcher");
    }

    /** The resident memory of a process in MiB (VmRSS from /proc), or -1 when it is gone. */
    public static long rssMib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The recording script's lines once one ends with {@code suffix} (e.g. " attack_details"), or as they
     * are after {@code millis}: the caller asserts on them.
     */
    public static List<String> awaitScriptCall(Path calls, String suffix, long millis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        List<String> lines = List.of();
        while (System.currentTimeMillis() < deadline) {
            lines = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
            if (lines.stream().anyMatch(l -> l.endsWith(suffix))) {
                break;
            }
            Thread.sleep(100);
        }
        return lines;
    }

    /** A ban description without its peak, which may rise between the ban and attack_details. */
    public static String withoutPeak(String text) {
        return text.replaceFirst("Peak attack power: \\d+ packets per second\n", "");
    }
}
