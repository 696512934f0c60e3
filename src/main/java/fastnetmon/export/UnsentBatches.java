package fastnetmon.export;

import fastnetmon.detection.TrafficView;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The pushes a time-series exporter could not deliver yet, oldest first, sent again with the next push:
 * at most {@code capacity} of them; adding to a full buffer drops the oldest, whose points count as dropped.
 *
 * <p>Threading: the exporter's thread only, except {@link #droppedPoints} (any thread).
 */
final class UnsentBatches {
    /** The text of one push (whole lines, each ending in a newline) and how many points it carries. */
    record Batch(String text, int points) {
    }

    private final int capacity;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private long lastSecond = Long.MIN_VALUE;

    UnsentBatches(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds the batch {@code format} makes of the view's second (Unix time), unless that second was added
     * already (the evaluator has not published since) or the view is the empty one before the first second.
     */
    void addView(TrafficView view, LongFunction<Batch> format) {
        long second = Math.floorDiv(view.timeNanos(), 1_000_000_000L);
        if (view.timeNanos() > 0 && second != lastSecond) {
            add(format.apply(second));
            lastSecond = second;
        }
    }

    void add(Batch batch) {
        if (batches.size() == capacity) {
            dropped.addAndGet(batches.removeFirst().points());
        }
        batches.addLast(batch);
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }

    int size() {
        return batches.size();
    }

    /** Every batch, oldest first, as one text (for one write). */
    String joined() {
        StringBuilder all = new StringBuilder();
        for (Batch b : batches) {
            all.append(b.text());
        }
        return all.toString();
    }

    /** They were delivered. */
    void clear() {
        batches.clear();
    }

    /** They were refused for good (sending them again would not help): counted as dropped. */
    void dropAll() {
        for (Batch b : batches) {
            dropped.addAndGet(b.points());
        }
        batches.clear();
    }

    long droppedPoints() {
        return dropped.get();
    }
}
