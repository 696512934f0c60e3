package fastnetmon.cluster;

import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.RepeatedFailure;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes encoded batches to their partitions' streams ({@code XADD key MAXLEN ~ n * b <batch>}), the
 * batches waiting in the {@link StreamBacklog} first and in order: a round issues up to
 * {@link #ROUND_BATCHES} XADDs at once and awaits them, bounded by {@link RedisSettings#TIMEOUT}; what
 * was not sent (Redis unreachable, a failed or late reply) goes back in front of the backlog, which then
 * drops its oldest batches beyond its bound. A batch whose reply came too late may have been added
 * anyway and is then published twice: the aggregator knows it by its sequence number.
 *
 * <p>Threading: one thread (the publisher's); the counters from any thread.
 */
final class StreamPublisher {
    private static final Logger log = LoggerFactory.getLogger(StreamPublisher.class);
    /** XADDs in flight at most (far below lettuce's request queue) and bytes per round. */
    static final int ROUND_BATCHES = 1000;
    static final long ROUND_BYTES = 32L << 20;
    private static final byte[] FIELD = {'b'};

    private final RedisLink link;
    private final byte[][] streamKeys;
    private final long retentionMillis;
    private final StreamBacklog backlog;
    private final RepeatedFailure failures;
    private final List<PartitionBatches.Encoded> round = new ArrayList<>();
    private final List<PartitionBatches.Encoded> unsent = new ArrayList<>();
    private final List<RedisFuture<String>> replies = new ArrayList<>();
    private volatile long batches, bytes, failedSends;
    private volatile String lastError;

    StreamPublisher(ClusterSettings settings, RedisLink link) {
        this.link = link;
        this.streamKeys = new byte[settings.partitions()][];
        for (int p = 0; p < streamKeys.length; p++) {
            streamKeys[p] = settings.streamKey(p).getBytes(StandardCharsets.UTF_8);
        }
        this.retentionMillis = settings.streamRetention().toMillis();
        this.backlog = new StreamBacklog(settings.backlogBytes());
        this.failures = new RepeatedFailure(log, settings.redis().describe() + ", cluster sensor");
    }

    /**
     * Publishes what waits and then {@code fresh}, in rounds while they succeed and until {@code budgetNanos}
     * has passed; what is left waits in the backlog for the next call.
     */
    void publish(List<PartitionBatches.Encoded> fresh, long budgetNanos) throws InterruptedException {
        backlog.addAll(fresh);
        long until = System.nanoTime() + budgetNanos;
        try {
            while (!backlog.isEmpty()) {
                if (!round() || System.nanoTime() - until > 0) {
                    break;
                }
            }
        } finally {
            backlog.trim();
        }
    }

    /** One round; false when something was not sent. */
    private boolean round() throws InterruptedException {
        RedisClusterAsyncCommands<byte[], byte[]> redis = link.binaryCommands();
        if (redis == null) {
            failed("Redis is not reachable; batches wait in the backlog");
            return false;
        }
        round.clear();
        replies.clear();
        unsent.clear();
        backlog.take(ROUND_BATCHES, ROUND_BYTES, round);
        // Entries older than the retention go (stream ids are Redis' clock in ms; ours is close enough for a bound).
        XAddArgs trim = new XAddArgs().minId((System.currentTimeMillis() - retentionMillis) + "-0").approximateTrimming();
        for (PartitionBatches.Encoded e : round) {
            replies.add(redis.xadd(streamKeys[e.partition()], trim, FIELD, e.data()));
        }
        long deadline = System.nanoTime() + RedisSettings.TIMEOUT.toNanos();
        String error = null;
        long sentBatches = 0, sentBytes = 0;
        for (int i = 0; i < round.size(); i++) {
            try {
                replies.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                sentBatches++;
                sentBytes += round.get(i).data().length;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                unsent.add(round.get(i));
                if (error == null) {
                    error = e instanceof java.util.concurrent.TimeoutException ? "no reply within " + RedisSettings.TIMEOUT.toMillis() + " ms"
                            : RedisLink.reason(e);
                }
            }
        }
        batches += sentBatches;
        bytes += sentBytes;
        backlog.putBack(unsent);
        if (error != null) {
            failedSends += unsent.size();
            failed("XADD failed (" + unsent.size() + " of " + round.size() + " batches wait in the backlog): " + error);
            return false;
        }
        failures.recovered("publishing again");
        return true;
    }

    private void failed(String why) {
        lastError = why;
        failures.failed(why);
    }

    long batches() {
        return batches;
    }

    long bytes() {
        return bytes;
    }

    long failedSends() {
        return failedSends;
    }

    String lastError() {
        return lastError;
    }

    StreamBacklog backlog() {
        return backlog;
    }
}
