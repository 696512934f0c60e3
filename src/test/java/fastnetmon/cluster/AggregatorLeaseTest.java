package fastnetmon.cluster;

import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.TestRedis;
import fastnetmon.redis.TestRedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static fastnetmon.testing.Eventually.throughout;
import static fastnetmon.testing.Eventually.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two aggregators' leases on a real redis-server (started once for the class, a fresh key per test): one
 * takes it; an orderly stop hands it over at once; a killed holder's lease is taken after it expired and
 * was seen absent for ttl/2; a Redis restart leaves it with its holder; an overwritten key, or no renewal
 * for the lease time, is lost. And the same lease on a Redis Cluster.
 */
class AggregatorLeaseTest {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration SHORT_TTL = Duration.ofSeconds(2);
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static TestRedis redis;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final String key = "lease_" + KEYS.incrementAndGet();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(opened); // the leases (released) before their links
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** What a lease said, and when it first said it had taken the lease. */
    private static final class Events implements AggregatorLease.Listener {
        final AtomicInteger acquired = new AtomicInteger();
        final List<String> lost = Collections.synchronizedList(new ArrayList<>());
        final List<String> unsure = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger confirmed = new AtomicInteger();
        volatile long acquiredNanos;

        @Override
        public void acquired() {
            if (acquired.getAndIncrement() == 0) {
                acquiredNanos = System.nanoTime();
            }
        }

        @Override
        public void lost(String why) {
            lost.add(why);
        }

        @Override
        public void unsure(String why) {
            unsure.add(why);
        }

        @Override
        public void confirmed() {
            confirmed.incrementAndGet();
        }
    }

    private record Aggregator(String owner, AggregatorLease lease, Events events) {
        boolean held() {
            return lease.held();
        }
    }

    private Aggregator start(RedisSettings settings, String owner, Duration ttl) {
        RedisLink link = new RedisLink(settings, "lease " + owner, () -> {
        });
        opened.add(link);
        Events events = new Events();
        AggregatorLease lease = new AggregatorLease(link, settings.key(key), owner, ttl, events);
        opened.add(lease);
        lease.start();
        return new Aggregator(owner, lease, events);
    }

    private Aggregator start(String owner, Duration ttl) {
        return start(redis.settings("t"), owner, ttl);
    }

    /** A holder alone first, then a standby beside it. */
    private List<Aggregator> holderAndStandby(RedisSettings settings, Duration ttl) throws InterruptedException {
        Aggregator a = start(settings, "a", ttl);
        until(ttl.multipliedBy(2), a::held, "a alone takes the lease");
        Aggregator b = start(settings, "b", ttl);
        return List.of(a, b);
    }

    private static String value(String k) {
        return redis.sync().get(k);
    }

    @Test
    void oneOfTwoTakesTheLeaseAndTheOtherWaits() throws Exception {
        Aggregator a = start("a", SHORT_TTL);
        Aggregator b = start("b", SHORT_TTL);
        until(Duration.ofSeconds(4), () -> a.held() || b.held(), "one of them takes the lease");
        Aggregator holder = a.held() ? a : b;
        Aggregator other = holder == a ? b : a;
        throughout(SHORT_TTL.multipliedBy(2), () -> holder.held() && !other.held(), "the holder keeps it, the other waits");
        assertEquals(1, holder.events.acquired.get());
        assertEquals(0, other.events.acquired.get());
        assertEquals(List.of(), holder.events.lost);
        assertEquals(holder.owner, value("t_" + key));
    }

    @Test
    void anOrderlyStopHandsTheLeaseOverAtOnce() throws Exception {
        List<Aggregator> ab = holderAndStandby(redis.settings("t"), TTL);
        Thread.sleep(300); // the standby has looked at the held key
        assertFalse(ab.get(1).held());
        ab.get(0).lease().close();
        long closed = System.nanoTime();
        until(Duration.ofSeconds(2), ab.get(1)::held, "the standby takes the released lease");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(ab.get(1).events.acquiredNanos - closed);
        assertTrue(tookMs < 1000, "taken " + tookMs + " ms after the release");
        assertEquals("b", value("t_" + key));
    }

    @Test
    void aKilledHoldersLeaseIsTakenOnceItExpiredAndWasAbsentForHalfTheLeaseTime() throws Exception {
        List<Aggregator> ab = holderAndStandby(redis.settings("t"), TTL);
        Aggregator b = ab.get(1);
        ab.get(0).lease().stopWithoutRelease();
        long killed = System.nanoTime();
        long deadline = killed + TTL.plusSeconds(4).toNanos();
        long absent = 0;
        while (!b.held()) {
            if (absent == 0 && ":0".equals(redis.command("EXISTS", "t_" + key))) {
                absent = System.nanoTime();
            }
            if (System.nanoTime() - deadline > 0) {
                fail("the standby has not taken the lease " + TTL.plusSeconds(4).toMillis() + " ms after the holder died");
            }
            Thread.sleep(5);
        }
        long afterKillMs = TimeUnit.NANOSECONDS.toMillis(b.events.acquiredNanos - killed);
        assertTrue(absent != 0, "taken before the key was seen absent");
        long afterAbsentMs = TimeUnit.NANOSECONDS.toMillis(b.events.acquiredNanos - absent);
        // The key lasts up to ttl after the last renewal (ttl/3 at most before the kill), then ttl/2 absent.
        assertTrue(afterKillMs <= TTL.plusMillis(2500).toMillis(), "taken " + afterKillMs + " ms after the kill");
        assertTrue(afterAbsentMs >= TTL.toMillis() / 2 - 400, "taken " + afterAbsentMs + " ms after the key was gone");
        assertTrue(afterKillMs >= TTL.toMillis() / 2, "taken " + afterKillMs + " ms after the kill");
        assertEquals("b", value("t_" + key));
    }

    @Test
    void aRedisRestartLeavesTheLeaseWithItsHolder() throws Exception {
        List<Aggregator> ab = holderAndStandby(redis.settings("t"), TTL);
        Aggregator a = ab.get(0);
        Aggregator b = ab.get(1);
        Thread.sleep(300); // the standby has looked at the held key
        redis.stop();
        redis.startAgain(); // empty: the key is gone
        until(TTL, () -> "a".equals(value("t_" + key)), "the holder sets the key again");
        throughout(TTL, () -> a.held() && !b.held(), "the holder keeps it, the standby waits");
        assertEquals(0, b.events.acquired.get(), "the standby never took it");
        assertEquals(List.of(), a.events.lost);
        assertEquals("a", value("t_" + key));
    }

    @Test
    void aHolderWhoseKeyIsOverwrittenLosesIt() throws Exception {
        Aggregator a = start("a", SHORT_TTL);
        until(SHORT_TTL.multipliedBy(2), a::held, "a takes the lease");
        redis.sync().set("t_" + key, "intruder");
        until(SHORT_TTL, () -> !a.events.lost.isEmpty(), "the holder learns it lost the lease");
        assertFalse(a.held());
        assertEquals(1, a.events.lost.size(), a.events.lost.toString());
        assertTrue(a.events.lost.get(0).contains("held by intruder"), a.events.lost.get(0));
        assertEquals("intruder", value("t_" + key), "not taken back");
    }

    @Test
    void aHolderThatCannotRenewForTheLeaseTimeIsUnsureUntilItRenewsAgain() throws Exception {
        Aggregator a = start("a", SHORT_TTL);
        until(SHORT_TTL.multipliedBy(2), a::held, "a takes the lease");
        redis.stop();
        long stopped = System.nanoTime();
        try {
            until(SHORT_TTL.plusSeconds(2), () -> !a.events.unsure.isEmpty(), "the holder says it is unsure of the lease");
        } finally {
            redis.startAgain();
        }
        long afterStopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        // Renewed at most ttl/3 before Redis went away, valid ttl from then.
        assertTrue(afterStopMs >= SHORT_TTL.toMillis() * 2 / 3 - 100, "unsure " + afterStopMs + " ms after Redis went away");
        assertEquals(1, a.events.unsure.size(), a.events.unsure.toString());
        assertTrue(a.events.unsure.get(0).contains("cannot know it still holds it"), a.events.unsure.get(0));
        until(SHORT_TTL.plusSeconds(10), () -> a.events.confirmed.get() == 1, "renewed again once Redis is back");
        assertTrue(a.held());
        assertEquals(List.of(), a.events.lost, "nobody else took it");
        assertEquals("a", value("t_" + key), "the key names the holder again");
    }

    @Test
    void anUnsureHolderThatFindsTheLeaseTakenLosesIt() throws Exception {
        Aggregator a = start("a", SHORT_TTL);
        until(SHORT_TTL.multipliedBy(2), a::held, "a takes the lease");
        redis.stop();
        try {
            until(SHORT_TTL.plusSeconds(2), () -> !a.events.unsure.isEmpty(), "the holder is unsure");
        } finally {
            redis.startAgain();
        }
        redis.sync().set("t_" + key, "b"); // the standby took it meanwhile
        until(SHORT_TTL.plusSeconds(10), () -> !a.events.lost.isEmpty(), "the holder learns it lost the lease");
        assertFalse(a.held());
        assertEquals(0, a.events.confirmed.get());
    }

    @Test
    void onARedisClusterOneTakesTheLeaseAndHandsItOverOnClose() throws Exception {
        try (TestRedisCluster cluster = TestRedisCluster.start()) {
            RedisSettings settings = cluster.settings("c");
            List<Aggregator> ab = holderAndStandby(settings, SHORT_TTL);
            throughout(SHORT_TTL, () -> ab.get(0).held() && !ab.get(1).held(), "the holder renews it, the other waits");
            ab.get(0).lease().close();
            until(Duration.ofSeconds(2), ab.get(1)::held, "the standby takes the released lease");
            assertEquals(List.of(), ab.get(0).events.lost);
            assertNotEquals(0, ab.get(1).events.acquiredNanos);
            closeAll(); // before the cluster stops
            opened.clear();
        }
    }
}
