package fastnetmon;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --daemonize}: the command starts itself again in a new session with no terminal and returns
 * only once that daemon is capturing (exit 0; its pid file is written by then) or has failed (exit 1
 * with the daemon's reason on stderr). The daemon tells its start through its standard output, a pipe
 * read here: a line {@link #STARTED} when capture runs; its own failure lines otherwise, before it
 * exits. The launching command writes nothing to the log, so every log line is the daemon's, once.
 */
final class Daemon {
    static final String DETACHED = "FASTNETMON_DETACHED";
    /** What the daemon prints on its standard output once it captures. */
    static final String STARTED = "fastnetmon: daemon started";
    private static final long START_TIMEOUT_SECONDS = 120;

    private Daemon() {
    }

    /** Whether this process is the daemon started by {@link #detach}. */
    static boolean isDaemon() {
        return System.getenv(DETACHED) != null;
    }

    /** In the daemon: says it has started, then stops writing to the pipe, which closes with the launcher. */
    static void started(PrintStream out) {
        if (isDaemon()) {
            out.println(STARTED);
            out.flush();
            System.setOut(new PrintStream(PrintStream.nullOutputStream()));
            System.setErr(new PrintStream(PrintStream.nullOutputStream()));
        }
    }

    /**
     * This process's command line: /proc/self/cmdline on Linux (ProcessHandle.Info gives no arguments
     * when the command line is long, e.g. a long class path), else what ProcessHandle.Info says.
     */
    static List<String> ownCommandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<String> args = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
                    from = i + 1;
                }
            }
            if (!args.isEmpty()) {
                return args;
            }
        } catch (IOException ignored) {
            // Not Linux: ask the JDK
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of(info.command().get()));
        args.addAll(Arrays.asList(info.arguments().get()));
        return args;
    }

    /** Starts this same command as a daemon and waits for its start; returns the exit status. */
    static int detach(Path logPath, PrintStream out, PrintStream err) throws InterruptedException {
        List<String> self = ownCommandLine();
        if (self.isEmpty()) {
            err.println("fastnetmon: cannot daemonize: this system does not tell a process its own command line; run it under a service manager instead");
            return 1;
        }
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(self);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        pb.environment().put(DETACHED, "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            err.println("fastnetmon: cannot daemonize: " + e.getMessage());
            return 1;
        }
        // Read the daemon's lines on a thread of our own, so a silent daemon cannot hold us past the timeout
        List<String> said = new ArrayList<>();
        boolean[] started = {false};
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals(STARTED)) {
                        synchronized (said) {
                            started[0] = true;
                        }
                        return;
                    }
                    synchronized (said) {
                        if (said.size() < 100) {
                            said.add(line);
                        }
                    }
                    err.println(line);
                }
            } catch (IOException ignored) {
                // The daemon closed its end: it has exited or detached
            }
        }, "daemon-start");
        reader.setDaemon(true);
        reader.start();
        reader.join(TimeUnit.SECONDS.toMillis(START_TIMEOUT_SECONDS));
        synchronized (said) {
            if (started[0]) {
                out.println("fastnetmon: running in the background (pid " + p.pid() + "); log: " + logPath);
                return 0;
            }
        }
        if (reader.isAlive()) {
            p.destroy();
            err.println("fastnetmon: the daemon did not start within " + START_TIMEOUT_SECONDS + " s; stopped it");
            return 1;
        }
        boolean exited = p.waitFor(10, TimeUnit.SECONDS);
        synchronized (said) {
            if (said.isEmpty()) {
                err.println("fastnetmon: the daemon " + (exited ? "exited with status " + p.exitValue() : "stopped talking")
                        + " before it started; see " + logPath);
            }
        }
        return 1;
    }
}
