package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;

/**
 * A sensor's packets and bytes in and out per second of its clock, from the totals' deltas of its
 * batches: a batch counts in the second its end falls in (one ending on the second's turn, in the second
 * before), and a second is complete when a batch of a later one comes (0 when the one before it had none).
 *
 * <p>Threading: {@link #add} on one thread; {@link #last} from any thread (an immutable array).
 */
final class SecondRates {
    private static final long SECOND = 1_000_000_000L;
    private static final long[] NONE = new long[4];

    private long second = Long.MIN_VALUE;
    private final long[] current = new long[4];
    private volatile long[] last = NONE;

    /** A batch with totals. */
    void add(CounterBatch b) {
        long s = Math.floorDiv(b.endNanos - 1, SECOND);
        if (s < second) {
            return; // out of order: its second is gone
        }
        if (s > second) {
            last = s == second + 1 ? current.clone() : NONE;
            java.util.Arrays.fill(current, 0);
            second = s;
        }
        for (int v = 4; v <= 6; v += 2) {
            current[0] += b.totals[CounterShard.totalIndex(Direction.INCOMING, v, 0)];
            current[1] += b.totals[CounterShard.totalIndex(Direction.OUTGOING, v, 0)];
            current[2] += b.totals[CounterShard.totalIndex(Direction.INCOMING, v, 1)];
            current[3] += b.totals[CounterShard.totalIndex(Direction.OUTGOING, v, 1)];
        }
    }

    /** The last complete second: packets in, packets out, bytes in, bytes out (do not modify). */
    long[] last() {
        return last;
    }
}
