package fastnetmon.action;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link Action} off the evaluator's thread: a bounded queue per host (its events in order, one
 * at a time) and up to {@code threads} workers taking hosts in turn, so a host whose call hangs holds
 * one worker and never delays another host's calls while workers remain. Workers start when needed.
 *
 * <p>Threading: {@link #offer} is called by the registry (evaluator's thread) and never blocks; the
 * workers are this runner's own; {@link #stats} may be called on any thread. All state is guarded by
 * {@code this}.
 */
final class ActionRunner {
    private static final Logger log = LoggerFactory.getLogger(ActionRunner.class);

    private final Action action;
    private final int threads;
    private final int perHost;
    private final int total;

    /** Waiting steps per host key; a key is in {@link #ready} when it has steps and no worker holds it. */
    private final Map<String, ArrayDeque<Step>> lanes = new HashMap<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private final Map<Thread, Step> runningSteps = new HashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private int idle;
    private int queued;
    private long handled, failed, dropped, unfinished;
    private boolean accepting = true;
    private boolean aborted;
    private boolean closed;

    /**
     * @param threads how many events (of different hosts) may run at once
     * @param perHost how many events one host may have waiting; more are dropped and counted
     * @param total   how many events may wait in all; more are dropped and counted
     */
    ActionRunner(Action action, int threads, int perHost, int total) {
        this.action = action;
        this.threads = Math.max(1, threads);
        this.perHost = Math.max(1, perHost);
        this.total = Math.max(1, total);
    }

    String name() {
        return action.name();
    }

    /** Queues the step for its host; false (counted as a drop, step abandoned) when a bound is reached. */
    synchronized boolean offer(Step step) {
        String key = step.event().attack().ip;
        ArrayDeque<Step> lane = lanes.get(key);
        if (!accepting || queued >= total || (lane != null && lane.size() >= perHost)) {
            dropped++;
            step.abandon();
            String why = !accepting ? "closed" : queued >= total ? "queue of " + total + " full"
                    : perHost + " calls already waiting for this host";
            // 1st, 2nd, 4th, 8th... drop at WARN: a flood of drops is not a flood of lines.
            boolean warn = Long.bitCount(dropped) == 1;
            String line = "action {}: {} {} dropped ({}; {} so far); it stays pending in the ban state for the next start";
            Object[] args = {action.name(), kindText(step), key, why, dropped};
            if (warn) {
                log.warn(line, args);
            } else {
                log.debug(line, args);
            }
            return false;
        }
        if (lane == null) {
            lane = new ArrayDeque<>();
            lanes.put(key, lane);
            if (!isHeld(key)) {
                ready.add(key);
            }
        }
        lane.add(step);
        queued++;
        wakeOrStart();
        return true;
    }

    /** Wakes waiting workers, and starts one more when hosts are ready than workers wait (up to the bound). */
    private void wakeOrStart() {
        if (ready.size() > idle && workers.size() < threads) {
            Thread t = new Thread(this::work, "action-" + action.name() + "-" + (workers.size() + 1));
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        notifyAll();
    }

    private boolean isHeld(String key) {
        for (Step s : runningSteps.values()) {
            if (s.event().attack().ip.equals(key)) {
                return true;
            }
        }
        return false;
    }

    private void work() {
        Thread me = Thread.currentThread();
        while (true) {
            Step step;
            synchronized (this) {
                while (ready.isEmpty() && !aborted && (accepting || queued > 0)) {
                    idle++;
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // aborted: the loop condition ends it
                    } finally {
                        idle--;
                    }
                }
                if (aborted || ready.isEmpty()) {
                    return;
                }
                String key = ready.poll();
                ArrayDeque<Step> lane = lanes.get(key);
                step = lane.poll();
                if (lane.isEmpty()) {
                    lanes.remove(key);
                }
                queued--;
                runningSteps.put(me, step);
            }
            boolean ok = run(step);
            synchronized (this) {
                runningSteps.remove(me);
                String key = step.event().attack().ip;
                if (aborted && !ok) { // cut short by the abort (or failed as it came): the next start does it
                    unfinished++;
                    step.abandon();
                } else {
                    handled++;
                    if (!ok) {
                        failed++;
                    }
                    step.done();
                }
                if (lanes.containsKey(key)) {
                    ready.add(key);
                }
                wakeOrStart();
            }
            Thread.interrupted(); // an abort's interrupt is spent; the loop ends on `aborted`
        }
    }

    /** Carries out one step; false when it failed. */
    private boolean run(Step step) {
        try {
            step.awaitJournaled();
            action.handle(step.event());
            return true;
        } catch (Action.Failed e) {
            return false;
        } catch (InterruptedException e) {
            return false;
        } catch (Exception | Error e) {
            log.error("action {}: {} {} failed: {}", action.name(), kindText(step), step.event().attack().ip, e.toString());
            return false;
        }
    }

    /** Stops taking new steps; waits until every taken step is carried out or {@code deadlineNanos}. */
    synchronized boolean drain(long deadlineNanos) throws InterruptedException {
        accepting = false;
        notifyAll();
        return awaitIdle(deadlineNanos);
    }

    /** Waits until nothing is queued or running (the runner keeps accepting); false after {@code deadlineNanos}. */
    synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        while (queued > 0 || !runningSteps.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Abandons what is still queued or running (workers interrupted), then closes the action once (which
     * stops what it still runs). Returns a description of each abandoned step ("unban 10.0.0.1").
     */
    List<String> close() {
        List<String> abandoned = new ArrayList<>();
        List<Thread> toJoin;
        synchronized (this) {
            if (closed) {
                return abandoned;
            }
            closed = true;
            accepting = false;
            aborted = true;
            for (ArrayDeque<Step> lane : lanes.values()) {
                for (Step s : lane) {
                    s.abandon();
                    abandoned.add(kindText(s) + " " + s.event().attack().ip);
                    unfinished++;
                }
            }
            lanes.clear();
            ready.clear();
            queued = 0;
            for (Map.Entry<Thread, Step> e : runningSteps.entrySet()) {
                abandoned.add(kindText(e.getValue()) + " " + e.getValue().event().attack().ip);
                e.getKey().interrupt();
            }
            notifyAll();
            toJoin = new ArrayList<>(workers);
        }
        try {
            action.close();
        } catch (RuntimeException e) {
            log.error("action {}: close failed: {}", action.name(), e.toString());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : toJoin) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left > 0) {
                    t.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return abandoned;
    }

    synchronized ActionStats stats() {
        return new ActionStats(action.name(), handled, failed, dropped, queued, runningSteps.size(), unfinished, threads,
                action.mitigation());
    }

    private static String kindText(Step s) {
        return s.event().kind().name().toLowerCase(java.util.Locale.ROOT);
    }
}
