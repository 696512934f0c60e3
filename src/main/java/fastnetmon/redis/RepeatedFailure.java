package fastnetmon.redis;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;

/**
 * One log line for a failure that repeats: the first at WARN, then at most one a minute with how many
 * failures came since the last line, and one INFO line when it works again.
 *
 * <p>Threading: any thread; guarded by {@code this}.
 */
public final class RepeatedFailure {
    private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final String what;
    private long total;
    private long sinceLine;
    private long lastLineNanos;
    private boolean failing;

    /** @param what the subject of every line ("redis 127.0.0.1:6379: ban list") */
    public RepeatedFailure(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** Counts one failure and logs it unless a line was written less than a minute ago. */
    public synchronized void failed(String why) {
        total++;
        sinceLine++;
        long now = System.nanoTime();
        if (!failing || now - lastLineNanos >= EVERY_NANOS) {
            log.warn("{}: {}{}", what, why, sinceLine > 1
                    ? " (" + sinceLine + " failures since the last line; said at most once a minute)" : "");
            lastLineNanos = now;
            sinceLine = 0;
        }
        failing = true;
    }

    /** It works again: one line when it had failed (then true). */
    public synchronized boolean recovered(String how) {
        if (!failing) {
            return false;
        }
        failing = false;
        sinceLine = 0;
        log.info("{}: {}", what, how);
        return true;
    }

    /** Failures counted so far. */
    public synchronized long total() {
        return total;
    }
}
