package fastnetmon.detection;

import java.util.Arrays;

/**
 * Rows of learned baselines in primitive arrays, one row a host, two directions a row (0 incoming, 1
 * outgoing; {@link fastnetmon.counters.Direction#hostIndex()}), and the smoothing that updates them. Per
 * row and direction: the exponentially smoothed sums of pps, mbps and flows per second and the weight of
 * the seconds taken in (so the baseline, sum / weight, is the mean of what was seen from the first second
 * on, not pulled towards zero while the smoothing fills up), the last second taken into account, and
 * the first second learned (0: nothing learned).
 *
 * <p>Threading: the thread that owns it (the evaluator's), or a snapshot's reader once handed over.
 */
final class BaselineRows {
    static final int PPS = 0, MBPS = 1, FLOWS = 2, WEIGHT = 3;
    /** Doubles per direction: the three sums and the weight. */
    static final int PER_DIRECTION = 4;
    private static final int D = 2 * PER_DIRECTION;

    double[] values = new double[0]; // D per row
    long[] at = new long[0];          // 2 per row: the last second taken into account
    long[] since = new long[0];       // 2 per row: the first second learned; 0: never

    int capacity() {
        return at.length / 2;
    }

    void ensure(int row) {
        if (row >= capacity()) {
            resize(Math.max(16, Math.max(row + 1, capacity() * 2)));
        }
    }

    void resize(int rows) {
        values = Arrays.copyOf(values, rows * D);
        at = Arrays.copyOf(at, rows * 2);
        since = Arrays.copyOf(since, rows * 2);
    }

    /** Whether the row holds anything learned. */
    boolean learned(int row) {
        return row < capacity() && (since[2 * row] != 0 || since[2 * row + 1] != 0);
    }

    boolean learned(int row, int dir) {
        return row < capacity() && since[2 * row + dir] != 0;
    }

    void clear(int row) {
        if (row < capacity()) {
            Arrays.fill(values, row * D, row * D + D, 0);
            at[2 * row] = at[2 * row + 1] = 0;
            since[2 * row] = since[2 * row + 1] = 0;
        }
    }

    /** Copies a row of {@code from} over row {@code to} of this (which must have room). */
    void copy(BaselineRows from, int fromRow, int to) {
        System.arraycopy(from.values, fromRow * D, values, to * D, D);
        System.arraycopy(from.at, fromRow * 2, at, to * 2, 2);
        System.arraycopy(from.since, fromRow * 2, since, to * 2, 2);
    }

    /** The baseline of a metric ({@link #PPS}, {@link #MBPS}, {@link #FLOWS}): the smoothed mean. */
    double baseline(int row, int dir, int metric) {
        int base = row * D + dir * PER_DIRECTION;
        double w = values[base + WEIGHT];
        return w > 0 ? values[base + metric] / w : 0;
    }

    double weight(int row, int dir) {
        return values[row * D + dir * PER_DIRECTION + WEIGHT];
    }

    long at(int row, int dir) {
        return at[2 * row + dir];
    }

    long since(int row, int dir) {
        return since[2 * row + dir];
    }

    /** Sets a direction as read from a state file: its baselines, weight and seconds. */
    void set(int row, int dir, double pps, double mbps, double flows, double weight, long sinceSecond, long atSecond) {
        int base = row * D + dir * PER_DIRECTION;
        values[base + PPS] = pps * weight;
        values[base + MBPS] = mbps * weight;
        values[base + FLOWS] = flows * weight;
        values[base + WEIGHT] = weight;
        since[2 * row + dir] = sinceSecond;
        at[2 * row + dir] = atSecond;
    }

    /**
     * Brings a direction forward to {@code second} over seconds in which the host had no traffic: each is
     * a second of zero taken in (the sums decay, the weight grows), lazily, by the gap.
     */
    void decayTo(int row, int dir, long second, double tau) {
        long gap = second - at[2 * row + dir];
        if (at[2 * row + dir] == 0 || gap <= 0) {
            return;
        }
        double keep = Math.exp(-gap / tau);
        int base = row * D + dir * PER_DIRECTION;
        values[base + PPS] *= keep;
        values[base + MBPS] *= keep;
        values[base + FLOWS] *= keep;
        values[base + WEIGHT] = values[base + WEIGHT] * keep + (1 - keep);
        at[2 * row + dir] = second;
    }

    /** Takes in the second ending at {@code second} with the host's rates in that second. */
    void learn(int row, int dir, long second, double tau, double pps, double mbps, double flows) {
        decayTo(row, dir, second - 1, tau);
        double keep = Math.exp(-1 / tau);
        int base = row * D + dir * PER_DIRECTION;
        values[base + PPS] = values[base + PPS] * keep + pps * (1 - keep);
        values[base + MBPS] = values[base + MBPS] * keep + mbps * (1 - keep);
        values[base + FLOWS] = values[base + FLOWS] * keep + flows * (1 - keep);
        values[base + WEIGHT] = values[base + WEIGHT] * keep + (1 - keep);
        at[2 * row + dir] = second;
        if (since[2 * row + dir] == 0) {
            since[2 * row + dir] = second;
        }
    }

    /** Lets the second ending at {@code second} pass without taking it in (the host was attacked). */
    void skip(int row, int dir, long second, double tau) {
        decayTo(row, dir, second - 1, tau);
        at[2 * row + dir] = second;
    }
}
