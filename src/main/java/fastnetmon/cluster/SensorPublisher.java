package fastnetmon.cluster;

import fastnetmon.counters.HostCounters;
import fastnetmon.counters.TrackingLimits;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A sensor's side of the cluster (cluster_role = sensor): instead of an evaluator, reads every counters
 * instance on the wall clock every tick and publishes the hosts' counter deltas and the totals to the
 * partitions' Redis streams, where an aggregator sums every sensor's counters and detects. Which hosts go
 * at a tick and which at the turn of a second is {@link PendingCounts}' policy; the batches are
 * {@link PartitionBatches}', one kind for counters counted packet by packet and one for those counting
 * whole seconds (read at the turn of a second only); publishing and the backlog while Redis is away are
 * {@link StreamPublisher}'s. Partition 0 publishes a batch every second at least, with the totals: the
 * sensor's heartbeat. Once a second the aggregator's sample requests are read and passed on, and every
 * tick the sample packets go into the sampled host's partition's batch.
 *
 * <p>What an aggregator can count on: sequence numbers start at 0 when the sensor starts and go up by one
 * per batch of a partition and kind; a tick may have several batches of a partition and kind (same
 * {@code endNanos}) when one would exceed {@link PartitionBatches#MAX_HOSTS} hosts; a batch may arrive
 * twice after a late Redis reply (same sequence); a host's removal comes after its last deltas, and
 * means that this sensor's counters of that kind gave it up.
 *
 * <p>Threading: its own daemon thread "cluster-sensor" is the one reader of every counters instance (no
 * evaluator runs on a sensor); the capture threads only write their counters and never wait for it.
 * {@link #start}, {@link #close} and {@link #stats} from any thread; the counters list may grow while it runs.
 */
public final class SensorPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SensorPublisher.class);
    /** Ticks run this long after a wall-clock multiple of the interval, so capture threads have published it. */
    private static final long TICK_LAG_MS = 5;
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final ClusterSettings settings;
    private final RedisLink link;
    private final List<? extends HostCounters> counters;
    private final long tickNanos;
    private final byte[] sampleRequestsKey;
    private final PendingCounts packetCounts, secondCounts;
    private final PartitionBatches packetBatches, secondBatches;
    private final SensorTotals totals = new SensorTotals();
    private final SensorSampleRequests sampleRequests = new SensorSampleRequests();
    private final StreamPublisher publisher;
    private final List<PartitionBatches.Encoded> encoded = new ArrayList<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private Thread thread;
    private boolean ticked, closed;
    private long lastTickNanos, lastSecondTickNanos;
    private long hostsThisSecond;
    private volatile long hostsLastSecond;

    /**
     * @param counters  every counters instance of this sensor, a live list (instances added later are read
     *                  from the next tick on)
     * @param limits    the promotion levels, of which the fast level of a tick is made
     * @param tickNanos how often it publishes (detection_interval_ms)
     */
    public SensorPublisher(ClusterSettings settings, RedisLink link, List<? extends HostCounters> counters,
                           TrackingLimits limits, long tickNanos) {
        if (tickNanos < 1_000_000 || tickNanos > SECOND_NANOS) {
            throw new IllegalArgumentException("tick of " + tickNanos + " ns: 1 ms to 1 s");
        }
        this.settings = settings;
        this.link = link;
        this.counters = counters;
        this.tickNanos = tickNanos;
        this.sampleRequestsKey = settings.sampleRequestsKey().getBytes(StandardCharsets.UTF_8);
        this.packetCounts = new PendingCounts(limits, tickNanos);
        this.secondCounts = new PendingCounts(limits, SECOND_NANOS);
        this.packetBatches = new PartitionBatches(settings.sensorName(), settings.partitions(), false);
        this.secondBatches = new PartitionBatches(settings.sensorName(), settings.partitions(), true);
        this.publisher = new StreamPublisher(settings, link);
    }

    /** Starts ticking on the wall clock, a few ms after each multiple of the tick. */
    public synchronized void start() {
        if (thread != null || closed) {
            throw new IllegalStateException("started already, or closed");
        }
        thread = new Thread(this::run, "cluster-sensor");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long interval = Math.max(1, tickNanos / 1_000_000);
        try {
            while (true) {
                long now = System.currentTimeMillis();
                long next = (now / interval + 1) * interval + TICK_LAG_MS;
                if (stopping.await(next - now, TimeUnit.MILLISECONDS)) {
                    return;
                }
                tickSafely(System.currentTimeMillis() * 1_000_000L, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tickSafely(long nowNanos, boolean last) throws InterruptedException {
        try {
            tick(nowNanos, last);
        } catch (RuntimeException e) {
            log.error("cluster sensor: a tick failed; it goes on at the next tick", e);
        }
    }

    /**
     * One tick ending at {@code nowNanos} (wall time): reads, batches and publishes; {@code last}: everything
     * pending goes, as at the turn of a second.
     */
    void tick(long nowNanos, boolean last) throws InterruptedException {
        long second = Math.floorDiv(nowNanos, SECOND_NANOS);
        boolean newSecond = !ticked || last || second != Math.floorDiv(lastTickNanos, SECOND_NANOS);
        long covered = ticked ? nowNanos - lastTickNanos : tickNanos;
        long coveredSecond = ticked ? nowNanos - lastSecondTickNanos : SECOND_NANOS;
        ticked = true;
        lastTickNanos = nowNanos;
        encoded.clear();
        long upTo = Long.MIN_VALUE, upToSeconds = Long.MIN_VALUE;
        for (HostCounters c : counters) {
            if (!c.countsWholeSeconds()) {
                c.read(second, packetCounts);
                upTo = Math.max(upTo, c.countedUpToNanos());
            } else if (newSecond) {
                c.read(second, secondCounts);
                upToSeconds = Math.max(upToSeconds, c.countedUpToNanos());
            }
        }
        if (newSecond) {
            sampleRequests.update(readSampleRequests(), counters);
        }
        packetBatches.start(nowNanos, covered, upTo, encoded);
        hostsThisSecond += packetCounts.tick(newSecond, packetBatches);
        for (HostCounters c : counters) {
            c.drainSamples(packetBatches);
        }
        if (newSecond) {
            totals.read(counters, packetBatches.first());
        }
        packetBatches.finish(newSecond);
        if (newSecond) {
            lastSecondTickNanos = nowNanos;
            secondBatches.start(nowNanos, coveredSecond, upToSeconds, encoded);
            hostsThisSecond += secondCounts.tick(true, secondBatches);
            secondBatches.finish(false);
            hostsLastSecond = hostsThisSecond;
            hostsThisSecond = 0;
        }
        publisher.publish(encoded, last ? RedisSettings.TIMEOUT.toNanos() : tickNanos / 2);
    }

    /** The hash of sample requests, or null when Redis does not answer now. */
    private Map<byte[], byte[]> readSampleRequests() throws InterruptedException {
        RedisClusterAsyncCommands<byte[], byte[]> redis = link.binaryCommands();
        if (redis == null) {
            return null;
        }
        try {
            return redis.hgetall(sampleRequestsKey).get(RedisSettings.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.debug("cluster sensor: sample requests not read: {}", RedisLink.reason(e));
            return null;
        }
    }

    public SensorPublisherStats stats() {
        StreamBacklog b = publisher.backlog();
        return new SensorPublisherStats(publisher.batches(), publisher.bytes(), b.dropped(), b.bytes(),
                publisher.failedSends(), hostsLastSecond, packetBatches.droppedSamples(), publisher.lastError());
    }

    /** Stops ticking and publishes what is pending a last time (bounded by the Redis timeout). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        stopping.countDown();
        try {
            if (t != null) {
                t.join(2 * RedisSettings.TIMEOUT.toMillis() + 1000);
                if (t.isAlive()) {
                    log.warn("cluster sensor: the publisher did not stop in time; its last batches are not published");
                    return;
                }
            }
            tickSafely(System.currentTimeMillis() * 1_000_000L, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "cluster sensor " + settings.sensorName() + " -> " + settings.redis().describe();
    }
}
