package fastnetmon.source.flow;

/**
 * How long after a second its flow records keep arriving: the delay (in whole seconds) from the end of
 * each record to its arrival, counted in a small histogram over the last 10 to 20 seconds. The lag
 * needed is the smallest delay that covers {@value #QUANTILE_PERCENT}% of the records, bounded by
 * {@code maxLag}. sFlow samples and records without timing arrive with delay 0; softflowd with 1 s
 * timeouts sends records 1 to 2 s after their last packet; a router with a 15 s inactive timeout would
 * need 15 s, which the bound cuts (its later records are counted in the next second evaluated).
 *
 * <p>Threading: one collector thread; {@link #current()} readable from any thread.
 */
final class ExportLag {
    static final int QUANTILE_PERCENT = 95;
    static final int WINDOW_SECONDS = 10;

    private final int maxLag;
    private long[] current, previous;
    private long windowStart = Long.MIN_VALUE;
    private volatile int lag;

    ExportLag(int maxLag) {
        this.maxLag = maxLag;
        this.current = new long[maxLag + 2];
        this.previous = new long[maxLag + 2];
    }

    /** One record arrived {@code delaySeconds} after the second it ended in. */
    void observe(long delaySeconds) {
        int d = delaySeconds <= 0 ? 0 : (int) Math.min(delaySeconds, maxLag + 1);
        current[d]++;
    }

    /** The lag the records of the last 10 to 20 seconds need, at most maxLag. Call once a second. */
    int needed(long second) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = second;
        } else if (second - windowStart >= WINDOW_SECONDS) {
            long[] t = previous;
            previous = current;
            current = t;
            java.util.Arrays.fill(current, 0);
            windowStart = second;
        }
        long total = 0;
        for (int d = 0; d < current.length; d++) {
            total += current[d] + previous[d];
        }
        if (total == 0) {
            return 0;
        }
        long covered = 0;
        for (int d = 0; d < current.length; d++) {
            covered += current[d] + previous[d];
            if (covered * 100 >= total * QUANTILE_PERCENT) {
                return Math.min(d, maxLag);
            }
        }
        return maxLag;
    }

    /** The lag in force (seconds between a second's end and its evaluation, beyond the usual one). */
    int current() {
        return lag;
    }

    int max() {
        return maxLag;
    }

    void set(int lag) {
        this.lag = lag;
    }
}
