package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanHandler;
import fastnetmon.detection.SamplePacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What happens when an attack is banned, its samples are collected and it is unbanned, as in FastNetMon
 * 1.2.4: the notify script runs as {@code SCRIPT IP DIRECTION PPS ban|attack_details|unban} and the text
 * goes to attack_details_folder. Calls return at once; the work runs on a bounded pool, strictly in call
 * order for one IP, concurrently for different IPs.
 */
public final class AttackActions implements BanHandler {
    private static final Logger log = LoggerFactory.getLogger(AttackActions.class);
    public static final int DEFAULT_PARALLELISM = 8;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final NotifyScript script;
    private final Path detailsFolder;
    private final ZoneId zone;
    private final ThreadPoolExecutor pool;
    private final List<ScriptCall> history = new CopyOnWriteArrayList<>();
    /** Last queued call per IP; the next call for that IP runs after it. Guarded by this. */
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private int pending; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param script        notify script, or null when notify_script is disabled (files and logs only)
     * @param timeout       how long a script may run before it is killed (null: 60 s)
     * @param detailsFolder attack_details_folder, created when missing; null: no files
     * @param zone          time zone of the file names and sample times (FastNetMon uses local time)
     */
    public AttackActions(Path script, Duration timeout, Path detailsFolder, ZoneId zone) {
        this(script, timeout, detailsFolder, zone, DEFAULT_PARALLELISM);
    }

    public AttackActions(Path script, Duration timeout, Path detailsFolder, ZoneId zone, int parallelism) {
        this.script = script == null ? null : new NotifyScript(script, timeout);
        this.detailsFolder = detailsFolder;
        this.zone = zone == null ? ZoneId.systemDefault() : zone;
        int n = Math.max(1, parallelism);
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "attack-action-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
    }

    /** Script with stdin = the description; the description also starts the details file. */
    public void ban(Attack a) {
        // FastNetMon appends its flow list to the ban text; for a ban by hand that is this marker (no newline)
        String description = AttackText.description(a) + (Attack.MANUAL_BAN.equals(a.reason) ? "manually triggered attack" : "");
        submit(a, "ban", () -> {
            writeDetails(a, description);
            return description;
        });
    }

    /** Script with stdin = description and sample lines; the same text is appended to the details file. */
    public void attackDetails(Attack a) {
        String description = AttackText.description(a);
        List<SamplePacket> samples = List.copyOf(a.samples); // the caller owns the list; copy it here
        submit(a, "attack_details", () -> {
            String details = AttackText.details(description, samples, zone);
            writeDetails(a, details);
            return details;
        });
    }

    /** Script only; FastNetMon passes nothing on stdin for unban. */
    public void unban(Attack a) {
        submit(a, "unban", () -> "");
    }

    /** Every action run so far, in completion order. */
    @Override
    public void onBan(Attack attack) {
        ban(attack);
    }

    @Override
    public void onAttackDetails(Attack attack) {
        attackDetails(attack);
    }

    @Override
    public void onUnban(Attack attack) {
        unban(attack);
    }

    public List<ScriptCall> history() {
        return List.copyOf(history);
    }

    /** Waits until no call is queued or running; false when {@code max} passed first. */
    public boolean awaitIdle(Duration max) {
        long start = System.nanoTime();
        long budget;
        try {
            budget = max.toNanos();
        } catch (ArithmeticException e) {
            budget = Long.MAX_VALUE;
        }
        synchronized (this) {
            while (pending > 0) {
                long left = budget - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return pending == 0;
                }
            }
            return true;
        }
    }

    /** Refuses new calls, waits for the pending ones (each is bounded by the script timeout) and stops the pool. */
    public boolean close() {
        return close(Duration.ofSeconds(Long.MAX_VALUE));
    }

    /** As {@link #close()} but waits at most {@code max}; false when calls were still running. */
    public boolean close(Duration max) {
        synchronized (this) {
            closed = true;
        }
        boolean idle = awaitIdle(max);
        pool.shutdown();
        if (!idle) {
            log.warn("attack actions: {} calls still running at close", pendingCount());
        }
        return idle;
    }

    private synchronized int pendingCount() {
        return pending;
    }

    private void submit(Attack a, String action, Supplier<String> prepare) {
        String ip = a.ip;
        String direction = a.direction.text();
        long pps = a.initialPps();
        String type = a.attackType;
        Runnable task = () -> execute(ip, direction, pps, type, action, prepare);
        synchronized (this) {
            if (closed) {
                log.warn("{} {} {}: attack actions are closed, call dropped", action, ip, direction);
                return;
            }
            pending++;
            CompletableFuture<Void> next = tails.getOrDefault(ip, DONE)
                    .exceptionally(e -> null)
                    .thenRunAsync(task, pool);
            tails.put(ip, next);
            next.whenComplete((v, e) -> finished(ip, next, e));
        }
    }

    private synchronized void finished(String ip, CompletableFuture<Void> f, Throwable e) {
        if (e != null) {
            log.error("attack action for {} failed: {}", ip, e.toString());
        }
        if (tails.get(ip) == f) {
            tails.remove(ip);
        }
        pending--;
        notifyAll();
    }

    private void execute(String ip, String direction, long pps, String type, String action, Supplier<String> prepare) {
        int code = ScriptCall.NO_SCRIPT;
        try {
            if (script == null) {
                log.info("{} {} {} {} {} pps: no notify script", action, ip, direction, type, pps);
                prepare.get();
            } else {
                log.info("{} {} {} {} {} pps: running {}", action, ip, direction, type, pps, script.path());
                String stdin = prepare.get();
                code = script.run(ip, List.of(ip, direction, Long.toString(pps), action), stdin);
            }
        } catch (RuntimeException | Error e) {
            log.error("{} {}: {}", action, ip, e.toString(), e);
            code = NotifyScript.NOT_STARTED;
        }
        history.add(new ScriptCall(ip, action, code));
    }

    /** Appends like FastNetMon's print_attack_details_to_file: the text and a blank line. */
    private void writeDetails(Attack a, String text) {
        if (detailsFolder == null) {
            return;
        }
        Path file = detailsFolder.resolve(AttackText.detailsFileName(a, zone));
        try {
            Files.createDirectories(detailsFolder);
            Files.writeString(file, text + "\n\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            log.error("cannot write attack details to {}: {}", file, e.toString());
        }
    }
}
