package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import org.agrona.collections.Long2LongHashMap;

import java.util.function.Function;

/**
 * What the feed follows of one sensor: its counters (per tick, and whole seconds once such a batch
 * comes), its batches and bytes, the gaps in its sequences per partition and kind, its malformed batches,
 * when its last batch came and whether it is up, and its traffic of the last complete second from the
 * totals its batches carry.
 *
 * <p>Threading: the feed's thread only; it makes {@link SensorStatus} snapshots for the others.
 */
final class SensorTrack {
    private static final long SECOND = 1_000_000_000L;

    final String name;
    private final Function<Boolean, SensorCounters> make;
    private SensorCounters ticks, flows;
    private long batches, bytes, gaps, malformed;
    /** Per partition * 2 + kind, the last sequence read. */
    private final Long2LongHashMap sequences = new Long2LongHashMap(-1);
    private long lastBatchNanos;
    private boolean up = true;
    private final Rate tickRate = new Rate(), flowRate = new Rate();

    /** @param make makes the sensor's counters of a kind (true: whole seconds), and hands them to the evaluator */
    SensorTrack(String name, Function<Boolean, SensorCounters> make, long nowNanos) {
        this.name = name;
        this.make = make;
        this.lastBatchNanos = nowNanos;
    }

    /**
     * A batch of this sensor from {@code partition}'s stream, its header decoded into {@code header}: counts
     * it and hands it to the counters of its kind (made on first sight).
     */
    void received(CounterBatch header, byte[] data, long nowNanos) {
        batches++;
        bytes += data.length;
        lastBatchNanos = nowNanos;
        long key = header.partition * 2L + (header.wholeSeconds ? 1 : 0);
        long last = sequences.get(key);
        if (last >= 0 && header.sequence > last + 1) {
            gaps += header.sequence - last - 1;
        }
        if (header.sequence != last) { // lower: the sensor started again and counts from the start
            sequences.put(key, header.sequence);
        }
        if (header.hasTotals) {
            (header.wholeSeconds ? flowRate : tickRate).add(header);
        }
        counters(header.wholeSeconds).offer(data, header.endNanos);
    }

    /** A batch of this sensor that did not decode, or came from another partition's stream than it says. */
    void malformed(long nowNanos) {
        batches++;
        malformed++;
        lastBatchNanos = nowNanos;
    }

    SensorCounters counters(boolean wholeSeconds) {
        if (wholeSeconds) {
            return flows != null ? flows : (flows = make.apply(true));
        }
        return ticks != null ? ticks : (ticks = make.apply(false));
    }

    /** Whether the sensor's state changed: null when not, else whether it is up now. */
    Boolean checkUp(long nowNanos, long timeoutNanos) {
        boolean now = nowNanos - lastBatchNanos <= timeoutNanos;
        if (now == up) {
            return null;
        }
        up = now;
        return up;
    }

    long silentSeconds(long nowNanos) {
        return (nowNanos - lastBatchNanos) / SECOND;
    }

    SensorStatus status(long nowNanos) {
        long late = 0, dropped = 0, bad = malformed;
        for (SensorCounters c : new SensorCounters[] {ticks, flows}) {
            if (c != null) {
                late += c.late();
                dropped += c.dropped();
                bad += c.malformed();
            }
        }
        long[] r = new long[4];
        if (up) {
            tickRate.last(r);
            flowRate.last(r);
        }
        return new SensorStatus(name, up, silentSeconds(nowNanos), batches, bytes, gaps, late, bad, dropped,
                r[0], r[1], r[2] * 8, r[3] * 8);
    }

    /**
     * Packets and bytes in and out per second of the sensor's clock, from its totals' deltas: a batch
     * counts in the second its end falls in (one ending on the second's turn, in the second before), and a
     * second is complete when a batch of a later one comes.
     */
    private static final class Rate {
        private long second = Long.MIN_VALUE;
        private final long[] current = new long[4], last = new long[4];

        void add(CounterBatch b) {
            long s = Math.floorDiv(b.endNanos - 1, SECOND);
            if (s < second) {
                return; // out of order: its second is gone
            }
            if (s > second) {
                for (int i = 0; i < 4; i++) {
                    last[i] = s == second + 1 ? current[i] : 0;
                    current[i] = 0;
                }
                second = s;
            }
            for (int v = 4; v <= 6; v += 2) {
                current[0] += b.totals[CounterShard.totalIndex(Direction.INCOMING, v, 0)];
                current[1] += b.totals[CounterShard.totalIndex(Direction.OUTGOING, v, 0)];
                current[2] += b.totals[CounterShard.totalIndex(Direction.INCOMING, v, 1)];
                current[3] += b.totals[CounterShard.totalIndex(Direction.OUTGOING, v, 1)];
            }
        }

        void last(long[] into) {
            for (int i = 0; i < 4; i++) {
                into[i] += last[i];
            }
        }
    }
}
