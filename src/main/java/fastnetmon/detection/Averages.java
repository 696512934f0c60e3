package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.HostTraffic;

import java.util.Arrays;

/**
 * Every host's traffic smoothed over average_calculation_time, as FastNetMon's average speeds:
 * exponential smoothing, one step per second, counters laid out as {@link CounterShard#counter}.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class Averages {
    private static final int C = CounterShard.COUNTERS;

    private final double tau;
    private double[] average = new double[0];     // C per host
    private long[] averagedAt = new long[0];       // the second of the last update; 0: never

    Averages(double averageCalculationTimeSeconds) {
        this.tau = Math.max(1e-9, averageCalculationTimeSeconds);
    }

    /** The weight a one-second-old average keeps in the next. */
    double keep() {
        return Math.exp(-1 / tau);
    }

    private void ensure(int host) {
        if (host >= averagedAt.length) {
            int cap = Math.max(16, Math.max(host + 1, averagedAt.length * 2));
            average = Arrays.copyOf(average, cap * C);
            averagedAt = Arrays.copyOf(averagedAt, cap);
        }
    }

    /** Takes in the second ending at {@code nowSecond} with the host's counts of that second. */
    void update(int host, long[] counts, int off, long nowSecond) {
        ensure(host);
        decayTo(host, nowSecond - 1);
        double keep = keep();
        int base = host * C;
        for (int i = 0; i < C; i++) {
            average[base + i] = average[base + i] * keep + counts[off + i] * (1 - keep);
        }
        averagedAt[host] = nowSecond;
    }

    /** Brings a host's average forward over seconds in which it had no traffic. */
    void decayTo(int host, long second) {
        if (host >= averagedAt.length) {
            return;
        }
        long gap = second - averagedAt[host];
        if (averagedAt[host] == 0 || gap <= 0) {
            return;
        }
        double keep = Math.exp(-gap / tau);
        int base = host * C;
        for (int i = 0; i < C; i++) {
            average[base + i] *= keep;
        }
        averagedAt[host] = second;
    }

    /** Whether any traffic of the host was taken in (since it was last forgotten). */
    boolean seen(int host) {
        return host < averagedAt.length && averagedAt[host] != 0;
    }

    long averagedAt(int host) {
        return host < averagedAt.length ? averagedAt[host] : 0;
    }

    /** The average at counter offset {@code off}; see {@link CounterShard#counter}. */
    double value(int host, int off) {
        return host < averagedAt.length ? average[host * C + off] : 0;
    }

    /** The host's averages as per-second rates (zeros for a host without traffic). */
    void fill(int host, HostTraffic h) {
        for (int i = 0; i < HostTraffic.SIZE; i++) {
            h.packets[i] = value(host, i * 3);
            h.bytes[i] = value(host, i * 3 + 1);
            h.flows[i] = value(host, i * 3 + 2);
        }
        h.seconds = 1;
    }

    /** Drops the averages of ids from {@code capacity} on (hosts no longer known; see {@link HostTable#trim()}). */
    void trim(int capacity) {
        if (averagedAt.length > capacity) {
            average = Arrays.copyOf(average, capacity * C);
            averagedAt = Arrays.copyOf(averagedAt, capacity);
        }
    }

    void forget(int host) {
        if (host < averagedAt.length) {
            Arrays.fill(average, host * C, host * C + C, 0);
            averagedAt[host] = 0;
        }
    }
}
