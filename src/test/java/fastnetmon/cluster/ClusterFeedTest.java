package fastnetmon.cluster;

import fastnetmon.cluster.SensorBatches.Recording;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.TestPackets;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static fastnetmon.cluster.SensorBatches.batch;
import static fastnetmon.cluster.SensorBatches.bytes;
import static fastnetmon.cluster.SensorBatches.host;
import static fastnetmon.cluster.SensorBatches.totals;
import static fastnetmon.testing.Eventually.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator's feed against a real redis-server: batches of fake sensors written with XADD (as a
 * sensor would), read back into each sensor's counters and read by the test's thread as the evaluator
 * would, the sensors followed, sample requests written, and a restart of Redis lived through.
 */
class ClusterFeedTest {
    private static final long NANOS = 1_000_000_000L;
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static TestRedis redis;
    private static RedisClient client;
    private static StatefulRedisConnection<byte[], byte[]> writer;

    private ClusterSettings settings;
    private RedisLink link;
    private ClusterFeed feed;
    /** The counters the feed handed to "the evaluator", and what the test's reads of each saw. */
    private final List<HostCounters> joined = new CopyOnWriteArrayList<>();
    private final Map<HostCounters, Recording> seen = new HashMap<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedis.start();
        client = RedisClient.create("redis://127.0.0.1:" + redis.port);
        writer = client.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        writer.close();
        client.shutdown();
        redis.close();
    }

    @AfterEach
    void stopFeed() {
        if (feed != null) {
            feed.close();
        }
        if (link != null) {
            link.close();
        }
    }

    private void startFeed(Duration sensorTimeout) {
        settings = new ClusterSettings(ClusterSettings.Role.AGGREGATOR, redis.settings("feed" + PREFIXES.incrementAndGet()),
                "aggregator", 2, Duration.ofSeconds(60), Duration.ofSeconds(5), sensorTimeout, 0, Duration.ofSeconds(10));
        link = new RedisLink(settings.redis(), "cluster feed", () -> {
        });
        feed = new ClusterFeed(settings, link, joined::add, 1000);
        feed.start();
    }

    private static long nowNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static int partitionOf(String ip) {
        long[] a = TestPackets.addr(ip);
        return ClusterSettings.partition(a[0], a[1], 2);
    }

    /** XADDs a batch to the stream of its partition; returns its size. */
    private int publish(CounterBatch b) {
        return publish(b.partition, bytes(b));
    }

    private int publish(int partition, byte[] data) {
        writer.sync().xadd(settings.streamKey(partition).getBytes(StandardCharsets.UTF_8),
                Map.of("b".getBytes(StandardCharsets.UTF_8), data));
        return data.length;
    }

    /** Reads every counters instance as the evaluator would. */
    private void readAll() {
        for (HostCounters c : joined) {
            c.read(nowNanos() / NANOS, seen.computeIfAbsent(c, k -> new Recording()));
        }
    }

    private long packets(String ip) {
        readAll();
        return seen.values().stream().mapToLong(r -> r.packets(ip)).sum();
    }

    private SensorStatus status(String sensor) {
        return feed.sensors().stream().filter(s -> s.name().equals(sensor)).findFirst().orElse(null);
    }

    @Test
    void fourSensorsCountersAreSummedExactlyAndFollowedOneByOne() throws Exception {
        startFeed(Duration.ofSeconds(30));
        long second = nowNanos() / NANOS - 2;
        String a = "10.0.0.1", b = "10.9.0.1";
        assertTrue(partitionOf(a) != partitionOf(b), "the two hosts in two partitions");
        Map<String, Integer> bytesOf = new HashMap<>();
        for (int s = 1; s <= 4; s++) {
            String name = "s" + s;
            int size = 0;
            for (int tick = 1; tick <= 3; tick++) {
                long end = second * NANOS + tick * 100_000_000L;
                CounterBatch pa = batch(name, partitionOf(a), tick, end);
                host(pa, a, 1000L * s + tick, 64_000L * s);
                CounterBatch pb = batch(name, partitionOf(b), tick, end);
                host(pb, b, s, 64);
                totals(pa.partition == 0 ? pa : pb, 100 * s, 8000 * s, s, 1000);
                size += publish(pa) + publish(pb);
            }
            // the next second's first heartbeat completes the second before
            CounterBatch beat = batch(name, 0, 4, (second + 1) * NANOS + 100_000_000L);
            totals(beat, 1, 1, 1, 1);
            size += publish(beat);
            bytesOf.put(name, size);
        }
        long expectedA = 0;
        for (int s = 1; s <= 4; s++) {
            expectedA += 3 * 1000L * s + 6;
        }
        long wantA = expectedA;
        until(WAIT, () -> packets(a) == wantA && packets(b) == 3 * 10, "all four sensors' counts of both hosts");
        assertEquals(wantA, packets(a), "nothing counted twice");
        assertEquals(4, joined.size(), "one counters instance per sensor");
        assertEquals(List.of("s1", "s2", "s3", "s4"), joined.stream().map(HostCounters::sensorName).sorted().toList());
        until(WAIT, () -> feed.sensors().size() == 4 && feed.sensors().stream().allMatch(st -> st.batches() == 7 && st.packetsPerSecondIn() > 0),
                "statuses, with the rates the reads found: " + feed.sensors());
        for (int s = 1; s <= 4; s++) {
            SensorStatus st = status("s" + s);
            assertTrue(st.up());
            assertEquals((long) bytesOf.get("s" + s), st.bytes());
            assertEquals(0, st.lostBatches());
            assertEquals(0, st.lateBatches());
            assertEquals(0, st.malformedBatches());
            assertEquals(3 * 100 * s, st.packetsPerSecondIn(), st.toString());
            assertEquals(3 * s, st.packetsPerSecondOut());
            assertEquals(3 * 8000 * s * 8, st.bitsPerSecondIn());
            assertEquals(3 * 1000 * 8, st.bitsPerSecondOut());
        }
        long[] totals = new long[fastnetmon.counters.CounterShard.TOTALS];
        HostCounters s4 = joined.stream().filter(c -> "s4".equals(c.sensorName())).findFirst().orElseThrow();
        s4.readTotals(totals);
        assertEquals(3 * 400 + 1, totals[fastnetmon.counters.CounterShard.totalIndex(Direction.INCOMING, 4, 0)]);
    }

    @Test
    void gapsDuplicatesLateAndMalformedBatchesAreCountedAndTheFeedGoesOn() throws Exception {
        startFeed(Duration.ofSeconds(30));
        long now = nowNanos();
        for (long seq : new long[] {0, 1, 4}) { // 2 and 3 never came
            publish(withHost(batch("s1", 0, seq, now), "10.0.0.1", 1));
        }
        CounterBatch flows = batch("s1", 0, 0, now); // another kind: a sequence of its own
        flows.wholeSeconds = true;
        publish(flows);
        publish(withHost(batch("s1", 0, 5, now - 60 * NANOS), "10.0.0.1", 1000)); // late
        publish(withHost(batch("s1", 0, 1, now), "10.0.0.1", 1)); // sent again after a late reply
        publish(0, "hello".getBytes(StandardCharsets.UTF_8)); // not a batch: no sensor to blame
        writer.sync().xadd(settings.streamKey(0).getBytes(StandardCharsets.UTF_8),
                Map.of("x".getBytes(StandardCharsets.UTF_8), new byte[] {1}));
        publish(0, bytes(batch("s1", 1, 1, now))); // says partition 1, written to 0's stream
        byte[] cut = bytes(withHost(batch("s1", 0, 6, now), "10.0.0.2", 5));
        publish(0, java.util.Arrays.copyOf(cut, cut.length - 2)); // its header is whole, its hosts not
        publish(withHost(batch("s1", 0, 7, now), "10.0.0.1", 10));
        until(WAIT, () -> packets("10.0.0.1") == 13, "the good batches counted once, the late one not");
        publish(withHost(batch("s1", 0, 0, now + 1_000_000), "10.0.0.1", 100)); // the sensor started again
        until(WAIT, () -> packets("10.0.0.1") == 113, "the restarted sensor's first batch");
        until(WAIT, () -> {
            SensorStatus s = status("s1");
            return s != null && s.lateBatches() == 1 && s.malformedBatches() == 2 && s.batches() == 10;
        }, "1 late, 2 malformed, 10 batches: " + feed.sensors());
        SensorStatus s = status("s1");
        assertEquals(2, s.lostBatches(), s.toString());
        assertEquals(1, s.duplicateBatches(), s.toString());
        assertEquals(0, packets("10.0.0.2"));
        assertEquals(1, feed.sensors().size(), "the entries of no sensor made none");
    }

    @Test
    void aSilentSensorIsDownUntilItsNextBatch() throws Exception {
        startFeed(Duration.ofSeconds(1));
        publish(withHost(batch("s1", 0, 0, nowNanos()), "10.0.0.1", 1));
        until(WAIT, () -> status("s1") != null && status("s1").up(), "up on its first batch");
        until(WAIT, () -> !status("s1").up(), "down after a second without a batch");
        assertTrue(status("s1").secondsSinceLastBatch() >= 1);
        assertEquals(0, status("s1").packetsPerSecondIn());
        publish(withHost(batch("s1", 0, 1, nowNanos()), "10.0.0.1", 1));
        until(WAIT, () -> status("s1").up(), "up again on its next batch");
        assertEquals(0, status("s1").lostBatches());
    }

    @Test
    void sampleRequestsAreWrittenToTheHashAndRemoved() throws Exception {
        startFeed(Duration.ofSeconds(30));
        publish(withHost(batch("s1", 0, 1, nowNanos()), "10.0.0.1", 1));
        until(WAIT, () -> !joined.isEmpty(), "the sensor's counters");
        HostCounters c = joined.get(0);
        long[] h1 = TestPackets.addr("10.0.0.1"), h2 = TestPackets.addr("2001:db8::7");
        c.requestSamples(h1[0], h1[1], Direction.INCOMING);
        c.requestSamplesBothWays(h2[0], h2[1]);
        String key = settings.sampleRequestsKey();
        until(WAIT, () -> Map.of("10.0.0.1", "1", "2001:db8::7", "3").equals(redis.sync().hgetall(key)), "both hosts wanted");
        c.requestSamples(h1[0], h1[1], null);
        until(WAIT, () -> Map.of("2001:db8::7", "3").equals(redis.sync().hgetall(key)), "10.0.0.1 no longer wanted");
    }

    @Test
    void afterRedisRestartsTheFeedGoesOnAndRewritesTheSampleRequests() throws Exception {
        startFeed(Duration.ofSeconds(30));
        publish(withHost(batch("s1", 0, 1, nowNanos()), "10.0.0.1", 1));
        until(WAIT, () -> packets("10.0.0.1") == 1, "the first batch");
        long[] h = TestPackets.addr("10.0.0.9");
        joined.get(0).requestSamples(h[0], h[1], Direction.OUTGOING);
        String key = settings.sampleRequestsKey();
        until(WAIT, () -> "2".equals(redis.sync().hget(key, "10.0.0.9")), "wanted");
        redis.stop();
        redis.startAgain(); // empty: the streams and the hash are gone
        until(WAIT, () -> {
            try {
                publish(withHost(batch("s1", 0, 2, nowNanos()), "10.0.0.1", 10));
                return true;
            } catch (RuntimeException e) {
                return false; // the test's own connection is reconnecting
            }
        }, "the sensor publishes again");
        until(WAIT, () -> packets("10.0.0.1") == 11, "the batch after the restart");
        until(WAIT, () -> "2".equals(redis.sync().hget(key, "10.0.0.9")), "the hash written again");
        assertEquals(0, status("s1").lostBatches());
    }

    private static CounterBatch withHost(CounterBatch b, String ip, long packets) {
        host(b, ip, packets, packets * 64);
        return b;
    }
}
