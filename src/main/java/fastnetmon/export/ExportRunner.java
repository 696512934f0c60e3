package fastnetmon.export;

import fastnetmon.detection.TrafficView;
import fastnetmon.redis.RepeatedFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs one {@link Exporter} on its own daemon thread every period with the newest view, so that a slow or
 * dead server holds up only this exporter. A failure is counted and logged at most once a minute (with the
 * number of failures since the last line).
 *
 * <p>Threading: {@link #start} and {@link #close} by the owner, once each; {@link #stats} on any thread.
 */
final class ExportRunner {
    private static final Logger log = LoggerFactory.getLogger(ExportRunner.class);

    private final Exporter exporter;
    private final Supplier<TrafficView> views;
    private final ScheduledExecutorService thread;
    private final AtomicLong pushes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final RepeatedFailure failures;

    ExportRunner(Exporter exporter, Supplier<TrafficView> views) {
        this.exporter = exporter;
        this.views = views;
        this.failures = new RepeatedFailure(log, exporter.name());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "export-" + exporter.name());
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        long period = exporter.period().toMillis();
        thread.scheduleWithFixedDelay(this::pushOnce, period, period, TimeUnit.MILLISECONDS);
    }

    /** One push now, on the caller's thread (the schedule's, or a test's). */
    void pushOnce() {
        try {
            exporter.export(views.get());
            pushes.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopped mid-push at close: neither a push nor a failure
        } catch (Exception e) {
            pushes.incrementAndGet();
            failed.incrementAndGet();
            failures.failed("push failed: " + e.getMessage());
        } catch (Error e) {
            pushes.incrementAndGet();
            failed.incrementAndGet();
            log.error("{}: push failed", exporter.name(), e);
        }
    }

    ExportStats stats() {
        return new ExportStats(exporter.name(), pushes.get(), failed.get(), exporter.dropped());
    }

    /** Stops the thread (interrupting a push that takes longer than {@code waitMillis}) and closes the exporter. */
    void close(long waitMillis) {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                thread.shutdownNow();
                thread.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            exporter.close();
        } catch (RuntimeException e) {
            log.warn("{}: close: {}", exporter.name(), e.getMessage());
        }
    }
}
