package fastnetmon.cluster;

import fastnetmon.counters.Direction;
import fastnetmon.counters.SampleRing;

import java.util.List;

/**
 * One tick's batches of one kind (counted packet by packet, or whole seconds) of a sensor, one per
 * partition, filled by host ({@link PendingCounts.Sink}) and by sample ({@link SampleRing.Visitor}) and
 * encoded at the end of the tick ({@link #finish}) with the partition's next sequence number. A batch
 * that reaches {@link #MAX_HOSTS} hosts or removals is encoded there and a new one started (the next
 * sequence, the same period), which bounds the memory and the size of a stream entry.
 *
 * <p>Threading: one thread (the publisher's); {@link #droppedSamples} from any thread.
 */
final class PartitionBatches implements PendingCounts.Sink, SampleRing.Visitor {
    /** Hosts (or removals) per batch at most: about 0.3 MB encoded for light hosts. */
    static final int MAX_HOSTS = 16_384;

    /** An encoded batch for the stream of {@code partition}. */
    record Encoded(int partition, long sequence, byte[] data) {
    }

    private final String sensor;
    private final boolean wholeSeconds;
    private final CounterBatch[] batches;
    private final long[] sequences;
    private final BatchBytes bytes = new BatchBytes();
    private List<Encoded> out;
    private long endNanos, coveredNanos, countedUpToNanos;
    private volatile long droppedSamples; // read by stats() from any thread

    PartitionBatches(String sensor, int partitions, boolean wholeSeconds) {
        this.sensor = sensor;
        this.wholeSeconds = wholeSeconds;
        this.batches = new CounterBatch[partitions];
        this.sequences = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            batches[p] = new CounterBatch();
        }
    }

    /** Starts a tick's batches, which are encoded into {@code out}. */
    void start(long endNanos, long coveredNanos, long countedUpToNanos, List<Encoded> out) {
        this.endNanos = endNanos;
        this.coveredNanos = coveredNanos;
        this.countedUpToNanos = countedUpToNanos;
        this.out = out;
        for (CounterBatch b : batches) {
            b.clear();
        }
    }

    private CounterBatch batchOf(long hi, long lo) {
        int p = ClusterSettings.partition(hi, lo, batches.length);
        CounterBatch b = batches[p];
        if (b.hosts == MAX_HOSTS || b.removed == MAX_HOSTS) {
            seal(p);
        }
        return b;
    }

    @Override
    public void host(long hi, long lo, long[] counts, int offset) {
        batchOf(hi, lo).addHost(hi, lo, counts, offset);
    }

    @Override
    public void removed(long hi, long lo) {
        batchOf(hi, lo).addRemoved(hi, lo);
    }

    /** Partition 0's batch, which carries the totals. */
    CounterBatch first() {
        return batches[0];
    }

    @Override
    public void sample(long timestampNanos, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort,
                       int protocol, int tcpFlags, int ttl, boolean fragmented, long packets, int length, Direction direction) {
        sample(timestampNanos, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol, tcpFlags, ttl, fragmented, packets,
                length, direction, 0, 0);
    }

    @Override
    public void sample(long timestampNanos, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort,
                       int protocol, int tcpFlags, int ttl, boolean fragmented, long packets, int length,
                       Direction direction, long bytes, int origin) {
        boolean outgoing = direction == Direction.OUTGOING; // the sampled host is the source
        long hi = outgoing ? srcHi : dstHi, lo = outgoing ? srcLo : dstLo;
        CounterBatch b = batches[ClusterSettings.partition(hi, lo, batches.length)];
        if (!b.addSample(timestampNanos, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol, tcpFlags, ttl,
                fragmented, packets, length, direction, bytes, origin)) {
            droppedSamples++;
        }
    }

    /** Samples not published because their batch had {@link CounterBatch#MAX_SAMPLES}, since the start; any thread. */
    long droppedSamples() {
        return droppedSamples;
    }

    /** Encodes the tick's batches that hold anything, and partition 0's anyway when {@code heartbeat}. */
    void finish(boolean heartbeat) {
        for (int p = 0; p < batches.length; p++) {
            if (!batches[p].isEmpty() || (p == 0 && heartbeat)) {
                seal(p);
            }
        }
        out = null;
    }

    private void seal(int p) {
        CounterBatch b = batches[p];
        b.sensor = sensor;
        b.partition = p;
        b.sequence = sequences[p]++;
        b.endNanos = endNanos;
        b.coveredNanos = coveredNanos;
        b.countedUpToNanos = countedUpToNanos;
        b.wholeSeconds = wholeSeconds;
        out.add(new Encoded(p, b.sequence, b.encode(bytes).toArray()));
        b.clear();
    }
}
