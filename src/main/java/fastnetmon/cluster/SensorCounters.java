package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.HostIndex;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.SampleRing;
import fastnetmon.config.TrafficClass;
import fastnetmon.redis.RepeatedFailure;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One cluster sensor's counters of one kind (per tick, or whole seconds from its flow collectors) as the
 * aggregator's evaluator reads them: the sensor's {@link CounterBatch}es are handed in by the feed
 * ({@link #offer}) and applied at the next {@link #read}. A host is added when a batch first names it,
 * counted with each batch's deltas, and removed when a batch says the sensor gave it up or when no batch
 * named it for {@link CounterShard#IDLE_SECONDS} (so a lost removal cannot keep it forever). The totals
 * are the sums of the batches' deltas. At most {@code maxHosts} hosts are held; the packets of further
 * hosts count as untracked. A batch that ends more than the maximum lag before the aggregator's clock is
 * dropped as late; one that does not decode is dropped as malformed (counted, said once a minute).
 *
 * <p>Threading: {@link #offer} on one feeding thread; the {@link HostCounters} methods on the reader's
 * thread (the evaluator's), which takes no lock: the two meet in a bounded single-producer
 * single-consumer queue, and a batch offered when it is full is dropped (counted). {@link #name()},
 * {@link #sensorName()}, the counts ({@link #late()}, {@link #dropped()}, {@link #malformed()},
 * {@link #untrackedHosts()}) and {@link #lastSecond()} are safe from any thread.
 */
public final class SensorCounters implements HostCounters {
    private static final Logger log = LoggerFactory.getLogger(SensorCounters.class);
    /** Batches that may wait for the reader. */
    static final int QUEUE = 1024;
    /** Bytes of batches that may wait for the reader. */
    static final long QUEUE_BYTES = 64L << 20;
    private static final int C = CounterShard.COUNTERS;
    private static final int IN_PACKETS = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0);
    private static final int OUT_PACKETS = CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 0);

    private final String sensor;
    private final boolean wholeSeconds;
    private final int maxHosts;
    private final WantedSamples requests;
    private final MonitoredNetworks networks;
    private final long maxLagNanos;
    private final LongSupplier wallNanos;
    private final OneToOneConcurrentArrayQueue<byte[]> queue = new OneToOneConcurrentArrayQueue<>(QUEUE);
    private final AtomicLong queuedBytes = new AtomicLong();
    private final RepeatedFailure malformedLog;
    // Counts with one writer each (the feeding thread: late, dropped; the reader: the others), read from any thread.
    private volatile long late, dropped, malformed, untrackedHosts;

    // The reader's thread only.
    private final CounterBatch batch = new CounterBatch();
    /** Samples decoded and not yet drained (at most {@link CounterBatch#MAX_SAMPLES}; beyond, dropped). */
    private final CounterBatch samples = new CounterBatch();
    private final HostIndex index = new HostIndex(1024);
    private long[] hiOf = new long[1024], loOf = new long[1024], lastSecond = new long[1024];
    private int[] readerId = new int[1024];
    private final long[] counts = new long[C];
    private final long[] totals = new long[CounterShard.TOTALS];
    private final long[] networkTotals;
    private long untracked, promoted;
    private long countedUpTo = Long.MIN_VALUE;
    private long sweptSecond = Long.MIN_VALUE;
    private final SecondRates rates = new SecondRates();

    /**
     * @param sensor       the sensor's name, as its batches give it
     * @param wholeSeconds whether these are its counters of whole seconds (its batches flagged so)
     * @param maxHosts     hosts held at most
     * @param requests     where sample requests go (shared by every sensor's counters)
     * @param networks     the monitored networks whose totals the batches carry, in the same order
     * @param maxLag       how far behind the aggregator's clock a batch may end and still count
     * @param wallNanos    the aggregator's clock (ns since the epoch)
     */
    public SensorCounters(String sensor, boolean wholeSeconds, int maxHosts, WantedSamples requests,
                          MonitoredNetworks networks, Duration maxLag, LongSupplier wallNanos) {
        this.sensor = sensor;
        this.wholeSeconds = wholeSeconds;
        this.maxHosts = maxHosts;
        this.requests = requests;
        this.networks = networks;
        this.networkTotals = new long[Math.max(1, networks.size()) * 4];
        this.maxLagNanos = maxLag.toNanos();
        this.wallNanos = wallNanos;
        this.malformedLog = new RepeatedFailure(log, "cluster sensor " + name() + ": malformed batch dropped");
        Arrays.fill(readerId, -1);
    }

    @Override
    public String name() {
        return wholeSeconds ? sensor + " (flows)" : sensor;
    }

    @Override
    public String sensorName() {
        return sensor;
    }

    @Override
    public boolean countsWholeSeconds() {
        return wholeSeconds;
    }

    /**
     * Hands a batch of this sensor and kind in (its header decoded already: {@code endNanos}); false when
     * it is dropped: late, or the queue is full. Feeding thread only.
     */
    public boolean offer(byte[] data, long endNanos) {
        if (endNanos < wallNanos.getAsLong() - maxLagNanos) {
            late++; // one writer
            return false;
        }
        if (queuedBytes.get() + data.length > QUEUE_BYTES || !queue.offer(data)) {
            dropped++;
            return false;
        }
        queuedBytes.addAndGet(data.length);
        return true;
    }

    /** Batches dropped because they ended more than the maximum lag ago. */
    public long late() {
        return late;
    }

    /** Batches dropped because the reader had not taken the earlier ones (the queue was full). */
    public long dropped() {
        return dropped;
    }

    /** Batches dropped because they did not decode. */
    public long malformed() {
        return malformed;
    }

    /** Host records not held because {@code maxHosts} hosts were held already (their packets count as untracked). */
    public long untrackedHosts() {
        return untrackedHosts;
    }

    @Override
    public void read(long tickSecond, Changes changes) {
        for (byte[] data; (data = queue.poll()) != null; ) {
            queuedBytes.addAndGet(-data.length);
            try {
                batch.decode(data);
            } catch (CounterBatch.Malformed e) {
                malformed++;
                malformedLog.failed(e.getMessage());
                continue;
            }
            apply(tickSecond, changes);
        }
        if (tickSecond != sweptSecond) {
            sweptSecond = tickSecond;
            sweep(tickSecond - CounterShard.IDLE_SECONDS, changes);
        }
    }

    /** The decoded batch: its hosts' deltas, then its removals, totals and samples. */
    private void apply(long tickSecond, Changes changes) {
        CounterBatch b = batch;
        for (int h = 0; h < b.hosts; h++) {
            long hi = b.hostHi[h], lo = b.hostLo[h];
            int slot = index.find(hi, lo);
            if (slot < 0) {
                if (index.size() >= maxHosts) {
                    untracked += b.counts[h * C + IN_PACKETS] + b.counts[h * C + OUT_PACKETS];
                    untrackedHosts++;
                    continue;
                }
                slot = index.findOrInsert(hi, lo);
                room(slot);
                hiOf[slot] = hi;
                loOf[slot] = lo;
                readerId[slot] = changes.added(hi, lo);
            }
            lastSecond[slot] = tickSecond;
            System.arraycopy(b.counts, h * C, counts, 0, C);
            changes.counted(readerId[slot], counts);
        }
        for (int r = 0; r < b.removed; r++) {
            int slot = index.find(b.removedHi[r], b.removedLo[r]);
            if (slot >= 0) {
                release(slot, changes);
            }
        }
        if (b.hasTotals) {
            rates.add(b);
            for (int i = 0; i < totals.length; i++) {
                totals[i] += b.totals[i];
            }
            untracked += b.untrackedPackets;
            promoted += b.promotedHosts;
            int n = Math.min(networkTotals.length, 4 * b.networks);
            for (int i = 0; i < n; i++) {
                networkTotals[i] += b.networkTotals[i];
            }
        }
        countedUpTo = Math.max(countedUpTo, b.countedUpToNanos);
        for (int s = 0; s < b.samples; s++) {
            int m = b.meta[s];
            if (!samples.addSample(b.sampleTime[s], b.srcHi[s], b.srcLo[s], b.dstHi[s], b.dstLo[s], b.ports[s] >>> 16,
                    b.ports[s] & 0xffff, m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, (m & 1) != 0, b.samplePackets[s],
                    b.sampleLength[s], Direction.of(b.sampleDirection[s]), b.sampleBytes[s], (m >>> 1) & 7)) {
                break; // the reader drains every tick: more than a batch's worth in one tick is not needed
            }
        }
    }

    private void room(int slot) {
        if (slot >= readerId.length) {
            int cap = Math.max(slot + 1, readerId.length * 2);
            hiOf = Arrays.copyOf(hiOf, cap);
            loOf = Arrays.copyOf(loOf, cap);
            lastSecond = Arrays.copyOf(lastSecond, cap);
            int old = readerId.length;
            readerId = Arrays.copyOf(readerId, cap);
            Arrays.fill(readerId, old, cap, -1);
        }
    }

    private void release(int slot, Changes changes) {
        changes.removed(readerId[slot]);
        readerId[slot] = -1;
        index.remove(hiOf[slot], loOf[slot]);
    }

    /** Removes the hosts no batch named since {@code before}; gives memory back after a flood. */
    private void sweep(long before, Changes changes) {
        int n = index.slotLimit();
        for (int slot = 0; slot < n; slot++) {
            if (readerId[slot] >= 0 && lastSecond[slot] < before) {
                release(slot, changes);
            }
        }
        int cap = Math.max(1024, index.slotLimit() * 2);
        if (readerId.length > 2 * cap) {
            hiOf = Arrays.copyOf(hiOf, cap);
            loOf = Arrays.copyOf(loOf, cap);
            lastSecond = Arrays.copyOf(lastSecond, cap);
            readerId = Arrays.copyOf(readerId, cap);
        }
    }

    /**
     * The sensor's traffic of its last complete second from its totals, as of the last read: packets in,
     * packets out, bytes in, bytes out (do not modify). Any thread.
     */
    public long[] lastSecond() {
        return rates.last();
    }

    /** Hosts held now. Reader's thread. */
    public int hosts() {
        return index.size();
    }

    @Override
    public long countedUpToNanos() {
        return countedUpTo;
    }

    @Override
    public void readTotals(long[] dst) {
        System.arraycopy(totals, 0, dst, 0, CounterShard.TOTALS);
    }

    @Override
    public long untrackedPackets() {
        return untracked;
    }

    @Override
    public long promotedHosts() {
        return promoted;
    }

    @Override
    public MonitoredNetworks networks() {
        return networks;
    }

    @Override
    public void readNetworkTotals(long[] dst) {
        System.arraycopy(networkTotals, 0, dst, 0, Math.min(dst.length, networkTotals.length));
    }

    @Override
    public void requestSamples(long hi, long lo, Direction direction) {
        requests.set(hi, lo, WantedSamples.flags(direction));
    }

    @Override
    public void requestSamplesBothWays(long hi, long lo) {
        requests.set(hi, lo, WantedSamples.BOTH_WAYS);
    }

    @Override
    public void drainSamples(SampleRing.Visitor visitor) {
        CounterBatch s = samples;
        for (int i = 0; i < s.samples; i++) {
            int m = s.meta[i];
            visitor.sample(s.sampleTime[i], s.srcHi[i], s.srcLo[i], s.dstHi[i], s.dstLo[i], s.ports[i] >>> 16,
                    s.ports[i] & 0xffff, m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, (m & 1) != 0, s.samplePackets[i],
                    s.sampleLength[i], Direction.of(s.sampleDirection[i]), s.sampleBytes[i], (m >>> 1) & 7);
        }
        s.samples = 0;
    }
}
