package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The totals over every counters instance: cumulative, the last second's, and smoothed for the view
 * (with the flows per direction, summed over hosts). (The warning when hosts go uncounted because the
 * counters are full is {@link fastnetmon.counters.NetworkRates}'s.) Layout of the arrays: {@link CounterShard#totalIndex}.
 *
 * <p>Threading: the evaluator's thread only; what others see goes out in {@link Evaluator.Stats} and the view.
 */
final class TrafficTotals {
    private final long[] totals = new long[CounterShard.TOTALS];
    private final long[] previous = new long[CounterShard.TOTALS];
    private final long[] lastSecond = new long[CounterShard.TOTALS];
    private final long[] one = new long[CounterShard.TOTALS];
    private final double[] average = new double[CounterShard.TOTALS];
    private final double[] averageFlows = new double[2];

    /** Reads the cumulative totals (every tick). */
    void collect(List<HostCounters> counters) {
        Arrays.fill(totals, 0);
        for (HostCounters c : counters) {
            c.readTotals(one);
            for (int i = 0; i < CounterShard.TOTALS; i++) {
                totals[i] += one[i];
            }
        }
    }

    /** The second that ended: what the totals grew by since the previous turn of a second. */
    void endSecond() {
        for (int i = 0; i < totals.length; i++) {
            lastSecond[i] = totals[i] - previous[i];
            previous[i] = totals[i];
        }
    }

    /**
     * Smooths the last second into the averages ({@code keep}: the weight the old average keeps) and
     * returns the rates per direction for the view.
     */
    Map<Direction, TrafficView.Rate> smooth(double keep, double flowsIn, double flowsOut) {
        for (int i = 0; i < CounterShard.TOTALS; i++) {
            average[i] = average[i] * keep + lastSecond[i] * (1 - keep);
        }
        averageFlows[0] = averageFlows[0] * keep + flowsIn * (1 - keep);
        averageFlows[1] = averageFlows[1] * keep + flowsOut * (1 - keep);
        Map<Direction, TrafficView.Rate> rates = new EnumMap<>(Direction.class);
        for (Direction d : Direction.values()) {
            double p = average[CounterShard.totalIndex(d, 4, 0)] + average[CounterShard.totalIndex(d, 6, 0)];
            double b = average[CounterShard.totalIndex(d, 4, 1)] + average[CounterShard.totalIndex(d, 6, 1)];
            double f = d == Direction.INCOMING ? averageFlows[0] : d == Direction.OUTGOING ? averageFlows[1] : 0;
            rates.put(d, new TrafficView.Rate(p, b * 8 / 1e6, f));
        }
        return Collections.unmodifiableMap(rates);
    }

    long[] totals() {
        return totals.clone();
    }

    long[] lastSecond() {
        return lastSecond.clone();
    }
}
