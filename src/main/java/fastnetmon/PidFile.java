package fastnetmon;

import fastnetmon.config.RegularFile;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * pid_path: written at start, removed at exit; refuses to start over a running instance. A stale file is
 * taken over with one line in the log: its pid is not running (the previous instance was killed), is a
 * zombie, or is a process that is not a fastnetmon JVM (the pid was reused after a reboot or a crash).
 */
final class PidFile {
    /** A pid file is a number and a newline; anything much larger is not one. */
    private static final long MAX_BYTES = 4096;

    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    /** Writes our pid to {@code path}, unless another live fastnetmon holds it. */
    static PidFile acquire(Path path) throws StartupException {
        try {
            if (Files.exists(path)) {
                takeOverOrRefuse(path);
            }
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, ProcessHandle.current().pid() + "\n");
            return new PidFile(path);
        } catch (IOException e) {
            throw new StartupException("cannot write pid file " + path + " (pid_path): " + e.getMessage());
        }
    }

    private static void takeOverOrRefuse(Path path) throws StartupException, IOException {
        String text;
        try {
            text = RegularFile.readText(path, "pid file (pid_path)", MAX_BYTES).strip();
        } catch (RegularFile.Refused e) {
            throw new StartupException(e.getMessage());
        }
        long other;
        try {
            other = Long.parseLong(text);
        } catch (NumberFormatException e) {
            LoggerFactory.getLogger(PidFile.class).warn("pid file {} does not hold a pid; taking it over", path);
            return;
        }
        if (other == ProcessHandle.current().pid()) {
            return;
        }
        String why = staleBecause(other);
        if (why == null) {
            throw new StartupException("another fastnetmon is running (pid " + other + " in " + path + ")");
        }
        LoggerFactory.getLogger(PidFile.class).warn("pid file {} names pid {}, which {}; taking it over", path, other, why);
    }

    /**
     * Why the pid in a pid file does not stand for a running fastnetmon ("is not running", "is a zombie",
     * "is not fastnetmon (sleep 60)"), or null when it does.
     */
    static String staleBecause(long pid) {
        if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return "is not running";
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            if (close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z') {
                return "is a zombie (the previous instance was killed)";
            }
            List<String> cmd = commandLine(pid);
            if (isFastNetMon(cmd)) {
                return null;
            }
            String shown = String.join(" ", cmd).strip();
            return "is not fastnetmon (" + (shown.length() > 80 ? shown.substring(0, 80) + "…" : shown) + ")";
        } catch (NoSuchFileException e) {
            return "is not running";
        } catch (IOException e) {
            return null; // cannot tell: be safe and refuse
        }
    }

    /**
     * A process's whole command line from /proc (ProcessHandle.Info gives up on lines over a page, such
     * as a long class path), or an empty list when it cannot be read.
     */
    static List<String> commandLine(long pid) throws NoSuchFileException {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String text = new String(b, StandardCharsets.UTF_8);
            if (text.endsWith("\0")) {
                text = text.substring(0, text.length() - 1);
            }
            return text.isEmpty() ? List.of() : Arrays.asList(text.split("\0", -1));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** This process's whole command line (empty when /proc cannot tell). */
    static List<String> selfCommandLine() {
        try {
            return commandLine(ProcessHandle.current().pid());
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Whether a command line is a JVM running the detector: its main class, or its jar. */
    static boolean isFastNetMon(List<String> cmd) {
        if (cmd.isEmpty() || !Path.of(cmd.get(0)).getFileName().toString().startsWith("java")) {
            return false;
        }
        for (int i = 1; i < cmd.size(); i++) {
            String a = cmd.get(i);
            if (a.equals(FastNetMon.class.getName())) {
                return true;
            }
            if (a.equals("-jar") && i + 1 < cmd.size()) {
                String jar = Path.of(cmd.get(i + 1)).getFileName().toString();
                return jar.startsWith("fastnetmon") && jar.endsWith(".jar") && !jar.startsWith("fastnetmon_client");
            }
        }
        return false;
    }

    void remove() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Nothing more to do at exit.
        }
    }
}
