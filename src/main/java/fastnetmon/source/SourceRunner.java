package fastnetmon.source;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link Source} on a thread of its own, through Agrona's {@link AgentRunner}: the runner owns
 * the thread, the stop flag, the idle strategy (spin, yield, then park up to 1 ms after rounds that
 * found nothing), the wall clock ({@link Source#onSecond} before the first round and whenever the second
 * turns, checked before every round), the once-a-second statistics (a warning when the source's
 * {@link Source#dropped()} grows, at most once a minute) and {@link Source#close()} on the source's own
 * thread when it stops.
 *
 * <p>A source that throws {@link SourceException} is stopped and closed with its one-line message logged;
 * other sources go on. A {@link RuntimeException} is a bug: it is logged with its stack and stops the
 * source the same way.
 *
 * <p>Threading: every public method from any thread.
 */
public final class SourceRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);
    /** How long close() waits for the source's thread to finish its round and close the source. */
    static final long CLOSE_WAIT_MILLIS = 5_000;
    private static final long DROP_WARNING_EVERY_SECONDS = 60;

    private final Source source;
    private final EpochClock clock;
    private final AgentRunner runner;
    private volatile Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String failure;
    private final AtomicBoolean stopAsked = new AtomicBoolean();

    private SourceRunner(Source source, EpochClock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = clock;
        this.runner = new AgentRunner(new BackoffIdleStrategy(), this::onError, null, new SourceAgent());
    }

    /** Starts a thread named after the source that drives it until {@link #close()} or a failure. */
    public static SourceRunner start(Source source) {
        return start(source, SystemEpochClock.INSTANCE);
    }

    /** The same on a given wall clock (tests). */
    static SourceRunner start(Source source, EpochClock clock) {
        SourceRunner r = new SourceRunner(source, clock);
        r.thread = AgentRunner.startOnThread(r.runner, task -> {
            Thread t = new Thread(task, "source-" + source.name());
            t.setDaemon(true);
            return t;
        });
        return r;
    }

    public Source source() {
        return source;
    }

    /** The thread driving the source (for diagnostics and tests). */
    public Thread thread() {
        return thread;
    }

    /** False once the source has stopped (closed or failed) and been closed. */
    public boolean running() {
        return closed.getCount() > 0;
    }

    /** Why the source stopped by itself (one line), or null. */
    public String failure() {
        return failure;
    }

    /**
     * Stops the source: its current round finishes (within about 100 ms), then the source is closed on
     * its thread. Waits up to {@value #CLOSE_WAIT_MILLIS} ms; a source whose thread does not stop is left
     * open (closing a ring its thread still reads could crash the JVM). Idempotent.
     */
    @Override
    public void close() {
        stop();
        try {
            if (!closed.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                log.error("source {} did not stop within {} ms; leaving it open", source.name(), CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the source to stop and returns at once; {@link #close()} waits for it. */
    public void stop() {
        if (stopAsked.compareAndSet(false, true)) {
            // AgentRunner.close() waits for the thread without a bound: let a thread of its own do that.
            Thread closer = new Thread(() -> runner.close(), "close-" + source.name());
            closer.setDaemon(true);
            closer.start();
        }
    }

    private void onError(Throwable t) {
        if (!(t instanceof AgentTerminationException)) {
            log.error("source {} failed", source.name(), t);
        }
    }

    /** The source as an Agrona agent, with the clock and the statistics in front of it. */
    private final class SourceAgent implements Agent {
        private long second = Long.MIN_VALUE;
        private long droppedBefore;
        private long lastDropWarning = Long.MIN_VALUE / 2; // far past, without overflow in now - it

        @Override
        public void onStart() {
            second = clock.time() / 1000;
            source.onSecond(second);
            droppedBefore = source.dropped();
        }

        @Override
        public int doWork() {
            try {
                long now = clock.time() / 1000;
                if (now > second) { // a wall clock stepped back keeps the later second
                    second = now;
                    source.onSecond(now);
                    statistics(now);
                }
                return source.doWork();
            } catch (SourceException e) {
                failure = e.getMessage();
                log.error("source {} stopped: {}", source.name(), e.getMessage());
                throw new AgentTerminationException(e);
            } catch (RuntimeException e) {
                failure = e.toString();
                log.error("source {} failed", source.name(), e);
                throw new AgentTerminationException(e);
            }
        }

        private void statistics(long now) {
            long dropped = source.dropped();
            if (dropped > droppedBefore && now - lastDropWarning >= DROP_WARNING_EVERY_SECONDS) {
                log.warn("source {}: {} dropped for lack of room so far, {} received", source.name(), dropped,
                        source.received());
                lastDropWarning = now;
            }
            droppedBefore = dropped;
        }

        @Override
        public void onClose() {
            try {
                source.close();
            } catch (RuntimeException e) {
                log.warn("closing source {}: {}", source.name(), e.toString());
            } finally {
                closed.countDown();
            }
        }

        @Override
        public String roleName() {
            return "source-" + source.name();
        }
    }
}
