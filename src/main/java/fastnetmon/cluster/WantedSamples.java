package fastnetmon.cluster;

import fastnetmon.counters.Direction;
import fastnetmon.networks.IpAddresses;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The hosts the aggregator wants sample packets of, and in which directions, as the sensors read them
 * from the Redis hash {@link ClusterSettings#sampleRequestsKey()} (field the address as
 * {@link IpAddresses#format}, value the direction flags in decimal: bit {@link Direction#hostIndex()}).
 * Every {@link SensorCounters} forwards the evaluator's requests here, so one request arrives once per
 * sensor: setting the same flags again changes nothing. At most {@link #MAX_HOSTS} hosts are wanted at a
 * time; requests beyond are refused (counted).
 *
 * The feed writes them to Redis ({@link #writeTo}): the whole hash at first and after a failure (a
 * reconnection), then only what changed.
 *
 * <p>Threading: {@link #set} on one thread (the evaluator's, through every sensor's counters);
 * {@link #flush} and {@link #forgetWritten} on the feed's thread only, which alone keeps what it wrote;
 * {@link #wanted()} and {@link #refused()} from any thread.
 */
public final class WantedSamples {
    /** Most hosts wanted at once (a ban wants one or two; this is far above any ban list). */
    public static final int MAX_HOSTS = 10_000;

    private final Map<String, Integer> wanted = new ConcurrentHashMap<>();
    private volatile boolean changed = true;
    private volatile long refused;
    // The feed's thread only: what the hash holds as far as it knows; null: unknown, rewrite it whole.
    private Map<String, Integer> written;

    /** Wants the host's packets in the directions of {@code flags} (bit {@link Direction#hostIndex()}); 0 stops. */
    public void set(long hi, long lo, int flags) {
        String host = IpAddresses.format(hi, lo);
        if (flags == 0) {
            if (wanted.remove(host) != null) {
                changed = true;
            }
            return;
        }
        if (!wanted.containsKey(host) && wanted.size() >= MAX_HOSTS) {
            refused++; // one writer
            return;
        }
        Integer before = wanted.put(host, flags);
        if (before == null || before != flags) {
            changed = true;
        }
    }

    /** The flags of a direction; 0 (stop) for null. */
    static int flags(Direction direction) {
        return direction == null ? 0 : 1 << direction.hostIndex();
    }

    /** The flags of both of a host's directions. */
    static final int BOTH_WAYS = 1 << Direction.INCOMING.hostIndex() | 1 << Direction.OUTGOING.hostIndex();

    /** Requests refused because {@link #MAX_HOSTS} hosts were wanted already. */
    public long refused() {
        return refused;
    }

    /** The hosts wanted now (a copy), field and value as in the hash. */
    public Map<String, Integer> wanted() {
        return Map.copyOf(wanted);
    }

    /** The next {@link #flush} rewrites the whole hash (after a reconnection or a failed write). */
    void forgetWritten() {
        written = null;
    }

    /**
     * Writes what the hash lacks ({@link #flush}), each command bounded by the timeout; when one fails, the
     * next call rewrites the hash whole. Feed thread only.
     */
    void writeTo(RedisLink link, String key) throws Exception {
        Writes w = flush();
        if (w.none()) {
            return;
        }
        try {
            RedisClusterAsyncCommands<String, String> redis = link.commands();
            if (redis == null) {
                throw new IllegalStateException("Redis cannot be reached");
            }
            List<RedisFuture<?>> writes = new ArrayList<>();
            if (w.rewrite()) {
                writes.add(redis.del(key));
            }
            if (!w.set().isEmpty()) {
                writes.add(redis.hset(key, w.set()));
            }
            if (!w.delete().isEmpty()) {
                writes.add(redis.hdel(key, w.delete().toArray(String[]::new)));
            }
            for (RedisFuture<?> f : writes) {
                f.get(RedisSettings.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            forgetWritten();
            throw e;
        }
    }

    /** What one flush has to do: replace the hash whole, or set and delete fields. */
    record Writes(boolean rewrite, Map<String, String> set, List<String> delete) {
        boolean none() {
            return !rewrite && set.isEmpty() && delete.isEmpty();
        }
    }

    /**
     * What the hash lacks against the hosts wanted now, taken as written (call {@link #forgetWritten} when
     * the writes fail). Feed thread only.
     */
    Writes flush() {
        if (!changed && written != null) {
            return new Writes(false, Map.of(), List.of());
        }
        changed = false; // before the read: a change made during it is seen by the next flush
        Map<String, Integer> now = new HashMap<>(wanted);
        Map<String, String> set = new HashMap<>();
        List<String> delete = new ArrayList<>();
        boolean rewrite = written == null;
        now.forEach((host, flags) -> {
            if (rewrite || !flags.equals(written.get(host))) {
                set.put(host, Integer.toString(flags));
            }
        });
        if (!rewrite) {
            written.keySet().stream().filter(h -> !now.containsKey(h)).forEach(delete::add);
        }
        written = now;
        return new Writes(rewrite, set, delete);
    }
}
