package fastnetmon.cluster;

import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.RepeatedFailure;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The lease that makes one aggregator the active one (issue 15): one Redis key holding the owner's name with
 * an expiry of {@code ttl}. Every command is on that one key (scripts included), so it works on a Redis
 * Cluster too.
 *
 * <p>A standby polls the key every {@value #POLL_MS} ms and takes it ({@code SET NX PX}) once it has seen it
 * absent for {@code ttl/2}; a holder renews it every {@code ttl/3} by a script that extends it when it holds
 * our name, sets it again when it is absent (Redis restarted and lost it) and says who holds it otherwise. A
 * holder that has failed to renew it for longer than {@code ttl} cannot know it still holds it: it gets
 * {@link Listener#unsure} (the aggregator holds its actions back) and goes on trying; renewed again (or set
 * again after a Redis restart) it gets {@link Listener#confirmed}. A holder that learns another owner holds
 * the key gets {@link Listener#lost}: the aggregator then exits (its supervisor starts it again, as a
 * standby) rather than act beside the new active one; the lease itself goes back to standby behaviour. With a ttl
 * of 3 s, a standby takes over at most 4.5 s after the active one died (the key lasts up to ttl, then
 * ttl/2 of absence), and the first aggregator started takes it ttl/2 after its start. On an orderly stop
 * ({@link #close}) the key is released: not deleted (a standby would wait ttl/2 before taking an absent
 * key) but marked released for ttl, which a standby takes at once. Redis calls are bounded by
 * {@link RedisSettings#TIMEOUT}; their failures are one line at most once a minute.
 *
 * <p>Threading: {@link #start} and {@link #close} once each, from one thread; {@link #held} from any thread.
 * The polls, renewals and the listener run on the lease's own daemon thread "cluster-lease"; the listener
 * must not block long (the renewals wait meanwhile). The link is the caller's: the lease neither connects
 * nor closes it.
 */
public final class AggregatorLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AggregatorLease.class);
    /** How often a standby looks at the key, and a holder retries a failed renewal. */
    static final long POLL_MS = 250;
    /** What a release leaves in the key for {@code ttl}: a standby takes it at once (no live owner can come back). */
    static final String RELEASED = "(released)";

    /** KEYS[1] the lease; ARGV owner, ttl (ms). */
    private static final String RENEW = """
            local v = redis.call('GET', KEYS[1])
            if v == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 'renewed'
            end
            if not v then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 'restored'
            end
            return 'held by ' .. v
            """;
    /** KEYS[1] the lease; ARGV owner, ttl (ms), the released mark: 1 when taken. */
    private static final String TAKE_RELEASED = """
            if redis.call('GET', KEYS[1]) == ARGV[3] then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            return 0
            """;
    /** KEYS[1] the lease; ARGV owner, the released mark, ttl (ms): 1 when it was ours. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """;

    /** Called on the lease's thread; must not block long. */
    public interface Listener {
        /** This aggregator holds the lease now: it is the active one. */
        void acquired();

        /**
         * Not renewed for longer than the lease time ({@code why}, one line): another aggregator may hold it
         * now, or Redis is only away. The aggregator holds back what it would do until {@link #confirmed}
         * or {@link #lost}.
         */
        default void unsure(String why) {
        }

        /** Renewed again after {@link #unsure}: this aggregator still is the active one. */
        default void confirmed() {
        }

        /** Another aggregator holds it ({@code why}, one line): the aggregator exits. */
        void lost(String why);
    }

    private final RedisLink link;
    private final String key;
    private final String owner;
    private final long ttlMs;
    private final Listener listener;
    private final String what;
    private final RepeatedFailure failures;
    private final Thread thread;
    private volatile boolean held;
    private boolean stopping; // guarded by this

    // The lease thread's own
    private boolean absentSeen;
    private long absentSinceNanos;
    private long renewedNanos; // when the last successful take or renewal was sent
    private String lastError; // why the last renewal failed, null after one worked
    private boolean unsure; // held, but not renewed for longer than the ttl

    /**
     * @param key   the lease's key (the caller's prefix included)
     * @param owner this aggregator's name, written in the key
     * @param ttl   how long the lease lasts without renewal; 1 s at least
     */
    public AggregatorLease(RedisLink link, String key, String owner, Duration ttl, Listener listener) {
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("lease time " + ttl.toMillis() + " ms: 1 s at least");
        }
        if (owner.isEmpty() || owner.equals(RELEASED)) {
            throw new IllegalArgumentException("'" + owner + "' cannot own the lease");
        }
        this.link = link;
        this.key = key;
        this.owner = owner;
        this.ttlMs = ttl.toMillis();
        this.listener = listener;
        this.what = link.settings().describe() + ", lease " + key;
        this.failures = new RepeatedFailure(log, what);
        this.thread = new Thread(this::run, "cluster-lease");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether this aggregator holds the lease (as of its last renewal). */
    public boolean held() {
        return held;
    }

    private void run() {
        while (true) {
            long pauseMs = held ? renew() : watch();
            synchronized (this) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs);
                long left;
                while (!stopping && (left = until - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    return;
                }
            }
        }
    }

    /** A holder's step: renews, or says the lease is lost; how long to wait before the next. */
    private long renew() {
        long sent = System.nanoTime();
        long validMs = TimeUnit.NANOSECONDS.toMillis(renewedNanos - sent) + ttlMs;
        if (validMs <= 0 && !unsure) {
            unsure = true;
            String why = "not renewed for longer than the lease time (" + ttlMs + " ms" + (lastError != null ? "; " + lastError : "")
                    + "): this aggregator cannot know it still holds it";
            log.warn("{}: {}", what, why);
            try {
                listener.unsure(why);
            } catch (RuntimeException e) {
                log.error("{}: unsure: {}", what, RedisLink.reason(e));
            }
        }
        String reply;
        try {
            reply = call(c -> c.<String>eval(RENEW, ScriptOutputType.VALUE, new String[] {key}, owner, Long.toString(ttlMs)),
                    unsure ? RedisSettings.TIMEOUT.toMillis() : Math.min(validMs, RedisSettings.TIMEOUT.toMillis()));
        } catch (Unavailable e) {
            lastError = e.getMessage();
            failures.failed("cannot renew the lease: " + lastError + "; trying again every " + POLL_MS + " ms");
            return unsure ? POLL_MS : Math.max(1, Math.min(POLL_MS, validMs));
        }
        if ("renewed".equals(reply) || "restored".equals(reply)) {
            renewedNanos = sent;
            lastError = null;
            if ("restored".equals(reply)) {
                log.info("{}: the key was gone (Redis restarted or failed over); set again for {}", what, owner);
            }
            failures.recovered("the lease is renewed again");
            if (unsure) {
                unsure = false;
                log.info("{}: renewed again: {} is still the active aggregator", what, owner);
                try {
                    listener.confirmed();
                } catch (RuntimeException e) {
                    log.error("{}: confirmed: {}", what, RedisLink.reason(e));
                }
            }
            return ttlMs / 3;
        }
        lose("the lease is " + reply);
        return POLL_MS;
    }

    /** A standby's step: looks at the key and takes it when it may; how long to wait before the next. */
    private long watch() {
        String value;
        long pttl;
        try {
            value = call(c -> c.get(key), RedisSettings.TIMEOUT.toMillis());
            pttl = value == null ? -2 : call(c -> c.pttl(key), RedisSettings.TIMEOUT.toMillis());
        } catch (Unavailable e) {
            absentSeen = false; // an absence is counted from an unbroken run of answers only
            failures.failed("cannot read the lease: " + e.getMessage());
            return POLL_MS;
        }
        failures.recovered("the lease can be read again");
        if (RELEASED.equals(value)) {
            return take(c -> c.<Long>eval(TAKE_RELEASED, ScriptOutputType.INTEGER, new String[] {key}, owner,
                    Long.toString(ttlMs), RELEASED), r -> r == 1L);
        }
        if (value != null) {
            absentSeen = false;
            return pttl > 0 ? Math.min(POLL_MS, pttl + 1) : POLL_MS; // looked at again as soon as it expires
        }
        // Absent: taken only once absent for ttl/2, longer than the active one's renewal period (ttl/3).
        // After a Redis restart the key is gone while the active one is alive and renews it (sets it again)
        // within one period of being connected again; taking it at once would make two active aggregators
        // until the active one's next renewal.
        long now = System.nanoTime();
        if (!absentSeen) {
            absentSeen = true;
            absentSinceNanos = now;
        }
        long leftMs = ttlMs / 2 - TimeUnit.NANOSECONDS.toMillis(now - absentSinceNanos);
        if (leftMs > 0) {
            return Math.min(POLL_MS, leftMs);
        }
        return take(c -> c.set(key, owner, SetArgs.Builder.nx().px(ttlMs)), "OK"::equals);
    }

    /** Tries to take the lease with {@code command}, taken when its reply passes {@code taken}. */
    private <T> long take(Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command,
                          Predicate<T> taken) {
        long sent = System.nanoTime();
        absentSeen = false;
        try {
            if (!taken.test(call(command, RedisSettings.TIMEOUT.toMillis()))) {
                return POLL_MS; // another standby was first
            }
        } catch (Unavailable e) {
            failures.failed("cannot take the lease: " + e.getMessage());
            return POLL_MS;
        }
        renewedNanos = sent;
        lastError = null;
        held = true;
        log.info("{}: taken by {}: this aggregator is the active one", what, owner);
        try {
            listener.acquired();
        } catch (RuntimeException e) {
            log.error("{}: acquired: {}", what, RedisLink.reason(e));
        }
        return ttlMs / 3;
    }

    private void lose(String why) {
        held = false;
        unsure = false;
        absentSeen = false;
        log.warn("{}: lost by {}: {}", what, owner, why);
        try {
            listener.lost(why);
        } catch (RuntimeException e) {
            log.error("{}: lost: {}", what, RedisLink.reason(e));
        }
    }

    /** One command on the link, its reply within {@code timeoutMs}; why not otherwise. */
    private <T> T call(Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command, long timeoutMs)
            throws Unavailable {
        RedisClusterAsyncCommands<String, String> c = link.commands();
        if (c == null) {
            throw new Unavailable("Redis is not reachable"); // the link has said why
        }
        try {
            return command.apply(c).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        } catch (TimeoutException e) {
            throw new Unavailable("no reply within " + timeoutMs + " ms");
        } catch (ExecutionException | RuntimeException e) {
            throw new Unavailable(RedisLink.reason(e));
        }
    }

    /** A Redis call that failed, with why in one line. */
    private static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why, null, false, false);
        }
    }

    /** Stops the thread (a call under way finishes first, bounded by the timeout) without releasing: as a kill would. */
    void stopWithoutRelease() {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        try {
            thread.join(2 * RedisSettings.TIMEOUT.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the thread and releases the lease when the key holds our name (by a script): it is marked
     * released for {@code ttl}, and a standby takes it at once. Bounded by a few seconds.
     */
    @Override
    public void close() {
        stopWithoutRelease();
        held = false;
        try {
            // Also when not held: a take whose reply was lost may have left our name there.
            Long released = call(c -> c.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key}, owner, RELEASED,
                    Long.toString(ttlMs)), RedisSettings.TIMEOUT.toMillis());
            if (released == 1L) {
                log.info("{}: released by {}", what, owner);
            }
        } catch (Unavailable e) {
            log.warn("{}: not released ({}); a standby takes over when it expires", what, e.getMessage());
        }
    }
}
