package fastnetmon.cluster;

import org.agrona.collections.Long2LongHashMap;

import java.util.function.Function;

/**
 * What the feed follows of one sensor: its counters (per tick, and whole seconds once such a batch
 * comes), its batches and bytes, the gaps in its sequences per partition and kind, the batches that came
 * twice and its malformed ones, when its last batch came and whether it is up.
 *
 * <p>Threading: the feed's thread only; it makes {@link SensorStatus} snapshots for the others.
 */
final class SensorTrack {
    private static final long SECOND = 1_000_000_000L;

    final String name;
    private final Function<Boolean, SensorCounters> make;
    private SensorCounters ticks, flows;
    private long batches, bytes, gaps, duplicates, malformed;
    /** Per partition * 2 + kind, the last sequence read and the latest end of a batch. */
    private final Long2LongHashMap sequences = new Long2LongHashMap(-1), ends = new Long2LongHashMap(Long.MIN_VALUE);
    private long lastBatchNanos;
    private boolean up = true;

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
        long last = sequences.get(key), lastEnd = ends.get(key);
        if (last >= 0 && header.sequence <= last && header.endNanos <= lastEnd) {
            duplicates++; // the sensor sent it again after a late reply: counted once already
            return;
        }
        if (last >= 0 && header.sequence > last + 1) {
            gaps += header.sequence - last - 1;
        }
        // A lower sequence ending later: the sensor started again and counts from 0.
        sequences.put(key, header.sequence);
        ends.put(key, Math.max(lastEnd, header.endNanos));
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
        for (SensorCounters c : new SensorCounters[] {ticks, flows}) {
            if (c != null && up) {
                long[] l = c.lastSecond();
                for (int i = 0; i < 4; i++) {
                    r[i] += l[i];
                }
            }
        }
        return new SensorStatus(name, up, silentSeconds(nowNanos), batches, bytes, gaps, duplicates, late, bad, dropped,
                r[0], r[1], r[2] * 8, r[3] * 8);
    }
}
