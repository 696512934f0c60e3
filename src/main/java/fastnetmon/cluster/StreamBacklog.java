package fastnetmon.cluster;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The encoded batches waiting to be published, oldest first, bounded in bytes: when what waits exceeds
 * the bound after a failed send ({@link #trim}), the oldest batches are dropped and counted.
 *
 * <p>Threading: one thread (the publisher's); {@link #bytes()} and {@link #dropped()} from any thread.
 */
final class StreamBacklog {
    private final ArrayDeque<PartitionBatches.Encoded> queue = new ArrayDeque<>();
    private final long limitBytes;
    private volatile long bytes;
    private volatile long dropped;

    StreamBacklog(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** Appends batches after those waiting. */
    void addAll(List<PartitionBatches.Encoded> batches) {
        for (PartitionBatches.Encoded e : batches) {
            queue.addLast(e);
            bytes += e.data().length;
        }
    }

    /** Takes the oldest batches, at most {@code maxBatches} and about {@code maxBytes} (one at least), into {@code into}. */
    void take(int maxBatches, long maxBytes, List<PartitionBatches.Encoded> into) {
        long taken = 0;
        while (!queue.isEmpty() && into.size() < maxBatches && (into.isEmpty() || taken + queue.peekFirst().data().length <= maxBytes)) {
            PartitionBatches.Encoded e = queue.pollFirst();
            taken += e.data().length;
            bytes -= e.data().length;
            into.add(e);
        }
    }

    /** Puts batches taken and not sent back in front, in their order. */
    void putBack(List<PartitionBatches.Encoded> batches) {
        for (int i = batches.size() - 1; i >= 0; i--) {
            queue.addFirst(batches.get(i));
            bytes += batches.get(i).data().length;
        }
    }

    /** Drops the oldest batches while more than the bound waits. */
    void trim() {
        while (bytes > limitBytes && !queue.isEmpty()) {
            bytes -= queue.pollFirst().data().length;
            dropped++;
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }

    /** Batches dropped because the backlog was full, since the start. */
    long dropped() {
        return dropped;
    }
}
