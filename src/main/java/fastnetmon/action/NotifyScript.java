package fastnetmon.action;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the operator's notify script with an argument vector (no shell), feeds it stdin, logs its output
 * line by line and kills it (with all its descendants) after a timeout. Never throws into the caller.
 */
public final class NotifyScript {
    private static final Logger log = LoggerFactory.getLogger(NotifyScript.class);

    /** {@link #run} result when the process could not be started. */
    public static final int NOT_STARTED = -1;
    /** {@link #run} result when the process was killed after the timeout (or the wait was interrupted). */
    public static final int TIMED_OUT = -2;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** How long to wait for output to drain once the process is gone (a detached child may hold the pipes). */
    private static final long DRAIN_MILLIS = 2000;
    /** Every script process running now, in any instance: killed with its tree on close and at JVM exit. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    /** Set by the reaper at JVM exit: no script starts after it. */
    private static volatile boolean EXITING;
    /** Scripts being started now (not yet in RUNNING). */
    private static final AtomicInteger STARTING = new AtomicInteger();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(NotifyScript::killAllAtExit, "notify-script-reaper"));
        } catch (IllegalStateException exiting) {
            EXITING = true; // first used while the JVM exits: start nothing
        }
    }

    private final Path script;
    private final Duration timeout;
    private final String name;
    /** This instance's script processes running now. */
    private final Set<Process> mine = ConcurrentHashMap.newKeySet();

    public NotifyScript(Path script) {
        this(script, DEFAULT_TIMEOUT);
    }

    public NotifyScript(Path script, Duration timeout) {
        this.script = script;
        this.timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? DEFAULT_TIMEOUT : timeout;
        Path file = script.getFileName();
        this.name = file == null ? script.toString() : file.toString();
    }

    public Path path() {
        return script;
    }

    public Duration timeout() {
        return timeout;
    }

    /** A one-line reason why {@code script} cannot be run, or empty when it looks runnable. */
    public static Optional<String> problem(Path script) {
        if (script == null) {
            return Optional.of("notify script path is not set");
        }
        if (!Files.exists(script)) {
            return Optional.of("notify script " + script + " does not exist");
        }
        if (!Files.isRegularFile(script)) {
            return Optional.of("notify script " + script + " is not a regular file");
        }
        if (!Files.isExecutable(script)) {
            return Optional.of("notify script " + script + " is not executable (chmod +x it)");
        }
        return Optional.empty();
    }

    /**
     * Runs the script with {@code args}, writes {@code stdin} and closes it, and waits for the exit.
     * {@code ip} only prefixes log lines. Returns the exit code, {@link #NOT_STARTED} or {@link #TIMED_OUT}.
     */
    public int run(String ip, List<String> args, String stdin) {
        String prefix = name + " " + ip;
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(script.toString());
        command.addAll(args);
        Process process;
        STARTING.incrementAndGet(); // the reaper waits for starts in flight, so none escapes it
        try {
            if (EXITING) {
                log.warn("{}: not started, the JVM is exiting", prefix);
                return NOT_STARTED;
            }
            process = new ProcessBuilder(command).start();
            RUNNING.add(process);
            mine.add(process);
        } catch (IOException | RuntimeException e) {
            log.error("{}: cannot start {}: {}", prefix, script, e.toString());
            return NOT_STARTED;
        } finally {
            STARTING.decrementAndGet();
        }
        try {
            return await(process, prefix, stdin);
        } finally {
            mine.remove(process);
            RUNNING.remove(process);
        }
    }

    private int await(Process process, String prefix, String stdin) {
        Thread out = pump(process.getInputStream(), prefix, false);
        Thread err = pump(process.getErrorStream(), prefix, true);
        // A separate writer: a script that never reads stdin must not block us past the timeout.
        Thread in = daemon(() -> feed(process, stdin, prefix), "notify-stdin");
        in.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                log.warn("{}: killed after the {} ms timeout", prefix, timeout.toMillis());
                process.waitFor(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
                join(out, err, in);
                return TIMED_OUT;
            }
            join(out, err, in);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process);
            log.warn("{}: interrupted, killed the script", prefix);
            return TIMED_OUT;
        }
        int code = process.exitValue();
        if (code != 0) {
            log.warn("{}: exited with code {}", prefix, code);
        } else {
            log.debug("{}: exited with code 0", prefix);
        }
        return code;
    }

    private static void feed(Process process, String stdin, String prefix) {
        try (OutputStream os = process.getOutputStream()) {
            if (stdin != null && !stdin.isEmpty()) {
                os.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // Usually a script that exited (or closed stdin) without reading everything: not our failure.
            log.debug("{}: stdin not fully read: {}", prefix, e.toString());
        }
    }

    private static Thread pump(InputStream stream, String prefix, boolean stderr) {
        Thread t = daemon(new ScriptOutput(stream, log, prefix, stderr), stderr ? "notify-stderr" : "notify-stdout");
        t.start();
        return t;
    }

    /** How many script processes run now, in all instances. */
    static int runningCount() {
        return RUNNING.size();
    }

    /** Kills this instance's script processes still running, with their trees. */
    void killRunning() {
        for (Process p : List.copyOf(mine)) {
            killTree(p);
        }
    }

    /** Kills every script process still running, with its tree. */
    static void killAll() {
        for (Process p : List.copyOf(RUNNING)) {
            killTree(p);
        }
    }

    /**
     * At JVM exit no script may outlive the detector. An orderly stop has already drained or killed
     * them within its bound (it runs in another shutdown hook); this waits for that, then kills the rest.
     */
    private static void killAllAtExit() {
        long deadline = System.nanoTime() + ActionRegistry.exitWaitNanos();
        while (ActionRegistry.exitWaitNanos() > 0 && System.nanoTime() < deadline) { // an orderly stop is under way
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                break;
            }
        }
        EXITING = true;
        long startsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (STARTING.get() > 0 && System.nanoTime() < startsDeadline) {
            Thread.onSpinWait();
        }
        if (!RUNNING.isEmpty()) {
            log.warn("killing {} notify script processes still running at exit", RUNNING.size());
            killAll();
        }
    }

    /** Kills the process and every descendant; the list is taken first because orphans leave the tree. */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = new ArrayList<>();
        try {
            process.descendants().forEach(descendants::add);
        } catch (RuntimeException e) {
            log.debug("cannot list descendants: {}", e.toString());
        }
        process.destroyForcibly();
        for (ProcessHandle h : descendants) {
            h.destroyForcibly();
        }
    }

    private static void join(Thread... threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
