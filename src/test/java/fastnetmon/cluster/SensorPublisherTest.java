package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.TestPackets;
import fastnetmon.counters.TestShards;
import fastnetmon.counters.TrackingLimits;
import fastnetmon.packet.PacketRecord;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.TestRedis;
import fastnetmon.testing.Eventually;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sensor against a real Redis: what it publishes, read back and decoded as an aggregator would, sums
 * to exactly what its shards counted, through a Redis restart too; its heartbeat; its bounded backlog;
 * sample requests; the streams' bound.
 */
class SensorPublisherTest {
    private static final long TICK = 100_000_000L;
    private static final MonitoredNetworks NETWORKS = MonitoredNetworks.of(TestPackets.cidrs("10.0.0.0/8", "2001:db8::/32"));
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestRedis redis;
    private static RedisClient client;
    private static StatefulRedisConnection<byte[], byte[]> reader;

    @BeforeAll
    static void start() throws Exception {
        // Small stream nodes, so that MAXLEN ~ trims close to the length asked for.
        redis = TestRedis.start("--stream-node-max-entries", "4");
        client = RedisClient.create("redis://127.0.0.1:" + redis.port);
        reader = client.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void stop() throws Exception {
        reader.close();
        client.shutdown();
        redis.close();
    }

    private static ClusterSettings settings(String prefix, int retentionSeconds, long backlogBytes) {
        return new ClusterSettings(ClusterSettings.Role.SENSOR, RedisSettings.ofUri("redis://127.0.0.1:" + redis.port, prefix, 60),
                "sensor-" + prefix, 4, Duration.ofSeconds(retentionSeconds), Duration.ofSeconds(3), Duration.ofSeconds(3), backlogBytes, Duration.ofSeconds(3));
    }

    /** The capture side: shards written on the test's thread, their one writer. */
    private static final class Capture {
        final List<CounterShard> shards = new CopyOnWriteArrayList<>();
        final TrackingLimits limits;

        Capture(TrackingLimits limits) {
            this.limits = limits;
        }

        CounterShard shard(String name, boolean wholeSeconds) {
            CounterShard s = wholeSeconds ? new CounterShard(name, NETWORKS, 12, limits, true) : TestShards.shard(name, NETWORKS, 12, limits);
            shards.add(s);
            return s;
        }

        static void count(CounterShard s, PacketRecord p) {
            s.onSecond(System.currentTimeMillis() / 1000);
            s.count(p);
            s.publish();
        }

        static long[] counted(CounterShard s, long[] address) {
            long[] c = new long[CounterShard.COUNTERS];
            int slot = s.slotOf(address[0], address[1]);
            if (slot >= 0) {
                s.readCounters(slot, c, 0);
            }
            return c;
        }

        long[] totals() {
            long[] sum = new long[CounterShard.TOTALS], one = new long[CounterShard.TOTALS];
            for (CounterShard s : shards) {
                s.readTotals(one);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += one[i];
                }
            }
            return sum;
        }

        long[] networkTotals() {
            long[] sum = new long[4 * NETWORKS.size()], one = new long[4 * NETWORKS.size()];
            for (CounterShard s : shards) {
                s.readNetworkTotals(one);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += one[i];
                }
            }
            return sum;
        }
    }

    private static String host(int h) {
        return h % 4 == 3 ? "2001:db8:" + Integer.toHexString(h % 7) + "::" + Integer.toHexString(h + 1) : "10." + (h % 5) + "." + (h / 250) + "." + (h % 250);
    }

    /** Random traffic to and from {@code hosts}, host 0 heavy (above the fast level: published every tick). */
    private static void traffic(CounterShard s, List<String> hosts, Random rnd, int packets) {
        for (int i = 0; i < packets; i++) {
            String h = hosts.get(rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(hosts.size()));
            boolean v6 = h.indexOf(':') >= 0;
            PacketRecord p = rnd.nextBoolean() ? TestPackets.udp(v6 ? "2a00::1" : "198.51.100.1", 1000 + rnd.nextInt(500), h, 53)
                    : TestPackets.syn(h, 2000 + rnd.nextInt(500), v6 ? "2a00::2" : "203.0.113.9", 80);
            Capture.count(s, TestPackets.sized(p, 60 + rnd.nextInt(1400)));
        }
    }

    /** Whether the streams hold exactly what the shards counted: every host's deltas and the totals. */
    private static boolean allArrived(PublishedStreams streams, Capture capture, List<String> hosts, CounterShard packets,
                                      CounterShard seconds, List<String> secondHosts) throws CounterBatch.Malformed {
        streams.poll();
        for (String h : hosts) {
            if (!Arrays.equals(Capture.counted(packets, TestPackets.addr(h)), streams.host(TestPackets.addr(h), false))) {
                return false;
            }
        }
        for (String h : secondHosts) {
            if (!Arrays.equals(Capture.counted(seconds, TestPackets.addr(h)), streams.host(TestPackets.addr(h), true))) {
                return false;
            }
        }
        return Arrays.equals(capture.totals(), streams.totals);
    }

    private static void assertAllArrived(PublishedStreams streams, Capture capture, List<String> hosts, CounterShard packets,
                                         CounterShard seconds, List<String> secondHosts) throws Exception {
        Eventually.until(WAIT, () -> {
            try {
                return allArrived(streams, capture, hosts, packets, seconds, secondHosts);
            } catch (CounterBatch.Malformed e) {
                throw new AssertionError(e);
            }
        }, "the published deltas sum to what the shards counted");
        for (String h : hosts) {
            assertArrayEquals(Capture.counted(packets, TestPackets.addr(h)), streams.host(TestPackets.addr(h), false), h);
            assertArrayEquals(new long[CounterShard.COUNTERS], streams.host(TestPackets.addr(h), true), h + " counted packet by packet");
        }
        for (String h : secondHosts) {
            assertArrayEquals(Capture.counted(seconds, TestPackets.addr(h)), streams.host(TestPackets.addr(h), true), h);
        }
        assertArrayEquals(capture.totals(), streams.totals);
        assertArrayEquals(capture.networkTotals(), Arrays.copyOf(streams.networks, 4 * NETWORKS.size()));
    }

    @Test
    void theStreamsSumToExactlyWhatTheShardsCounted() throws Exception {
        ClusterSettings settings = settings("sums", 100_000, 64 << 20);
        Capture capture = new Capture(new TrackingLimits(100_000, 120, 1000, 0));
        CounterShard packets = capture.shard("capture", false), seconds = capture.shard("flows", true);
        List<String> hosts = new ArrayList<>(), secondHosts = new ArrayList<>();
        for (int h = 0; h < 200; h++) {
            hosts.add(host(h));
            secondHosts.add("10.9." + h / 100 + "." + h % 100);
        }
        Random rnd = new Random(1);
        try (RedisLink link = new RedisLink(settings.redis(), "sensor test", () -> { });
             SensorPublisher publisher = new SensorPublisher(settings, link, capture.shards, capture.limits, TICK)) {
            publisher.start();
            PublishedStreams streams = new PublishedStreams(settings, reader.sync());
            long end = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < end) {
                traffic(packets, hosts, rnd, 150);
                traffic(seconds, secondHosts, rnd, 20);
                Thread.sleep(10);
            }
            assertAllArrived(streams, capture, hosts, packets, seconds, secondHosts);
            long heavyBatches = streams.batches.stream().filter(b -> !b.wholeSeconds && contains(b, TestPackets.addr(hosts.get(0)))).count();
            assertTrue(heavyBatches >= 8, "the heavy host went every tick: in " + heavyBatches + " batches");
            long lightBatches = streams.batches.stream().filter(b -> !b.wholeSeconds && contains(b, TestPackets.addr(hosts.get(1)))).count();
            assertTrue(lightBatches <= 4, "a light host went once a second: in " + lightBatches + " batches");
            java.util.Set<Long> beatTimes = new java.util.HashSet<>();
            streams.batches.stream().filter(b -> b.hasTotals).forEach(b -> beatTimes.add(b.endNanos));
            assertTrue(streams.batches.stream().anyMatch(b -> b.wholeSeconds && b.hosts > 0));
            assertTrue(streams.batches.stream().filter(b -> b.wholeSeconds).allMatch(b -> beatTimes.contains(b.endNanos)),
                    "whole seconds are read at the turn of a second (the heartbeat's tick) only");
            SensorPublisherStats stats = publisher.stats();
            assertEquals(streams.batches.size(), stats.batches());
            assertEquals(0, stats.failedSends());
            assertEquals(0, stats.droppedBatches());
            assertNull(stats.lastError());
            assertTrue(stats.bytes() > 0);
        }
    }

    private static boolean contains(CounterBatch b, long[] address) {
        for (int h = 0; h < b.hosts; h++) {
            if (b.hostHi[h] == address[0] && b.hostLo[h] == address[1]) {
                return true;
            }
        }
        return false;
    }

    /** Without traffic partition 0 publishes its totals every second; shards added later are read too. */
    @Test
    void partitionZeroBeatsEverySecondAndLaterShardsJoin() throws Exception {
        ClusterSettings settings = settings("heartbeat", 100_000, 64 << 20);
        Capture capture = new Capture(new TrackingLimits(100_000, 120, 1000, 0));
        try (RedisLink link = new RedisLink(settings.redis(), "sensor test", () -> { });
             SensorPublisher publisher = new SensorPublisher(settings, link, capture.shards, capture.limits, TICK)) {
            publisher.start();
            PublishedStreams streams = new PublishedStreams(settings, reader.sync());
            Eventually.until(WAIT, () -> poll(streams) && streams.heartbeats() >= 3, "three heartbeats");
            assertEquals(streams.heartbeats(), streams.batches.size(), "nothing but heartbeats without traffic");
            List<CounterBatch> beats = streams.batches;
            for (int i = 1; i < beats.size(); i++) {
                long second = Math.floorDiv(beats.get(i).endNanos, 1_000_000_000L), before = Math.floorDiv(beats.get(i - 1).endNanos, 1_000_000_000L);
                assertTrue(second > before && second - before <= 3, "one heartbeat in each second: " + before + ", " + second);
                assertEquals(beats.get(i - 1).sequence + 1, beats.get(i).sequence);
            }
            CounterShard late = capture.shard("late", false);
            List<String> hosts = List.of("10.7.0.1", "10.7.1.1", "2001:db8::7");
            traffic(late, hosts, new Random(2), 500);
            assertAllArrived(streams, capture, hosts, late, late, List.of());
        }
    }

    private static boolean poll(PublishedStreams streams) {
        try {
            streams.poll();
            return true;
        } catch (CounterBatch.Malformed e) {
            throw new AssertionError(e);
        }
    }

    /** Redis goes away while counting goes on: the backlog arrives when it is back, and the sums are still exact. */
    @Test
    void theBacklogArrivesAfterARedisRestart() throws Exception {
        ClusterSettings settings = settings("restart", 100_000, 64 << 20);
        Capture capture = new Capture(new TrackingLimits(100_000, 120, 1000, 0));
        CounterShard packets = capture.shard("capture", false);
        List<String> hosts = new ArrayList<>();
        for (int h = 0; h < 100; h++) {
            hosts.add(host(h));
        }
        Random rnd = new Random(3);
        try (RedisLink link = new RedisLink(settings.redis(), "sensor test", () -> { });
             SensorPublisher publisher = new SensorPublisher(settings, link, capture.shards, capture.limits, TICK)) {
            publisher.start();
            PublishedStreams streams = new PublishedStreams(settings, reader.sync());
            traffic(packets, hosts, rnd, 1000);
            assertAllArrived(streams, capture, hosts, packets, packets, List.of());
            redis.stop();
            try {
                long end = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < end) {
                    traffic(packets, hosts, rnd, 100);
                    Thread.sleep(20);
                }
                Eventually.until(WAIT, () -> publisher.stats().backlogBytes() > 0 && publisher.stats().failedSends() > 0,
                        "batches wait in the backlog");
                assertNotNull(publisher.stats().lastError());
            } finally {
                redis.startAgain();
            }
            streams.restarted();
            assertAllArrived(streams, capture, hosts, packets, packets, List.of());
            Eventually.until(WAIT, () -> publisher.stats().backlogBytes() == 0, "the backlog is empty again");
            assertEquals(0, publisher.stats().droppedBatches());
        }
    }

    /** A backlog too small for the outage drops its oldest batches, counted; the newest arrive. */
    @Test
    void aFullBacklogDropsItsOldest() throws Exception {
        ClusterSettings settings = settings("tiny", 100_000, 1500);
        Capture capture = new Capture(new TrackingLimits(100_000, 120, 0, 0)); // every host every tick
        CounterShard packets = capture.shard("capture", false);
        List<String> hosts = new ArrayList<>();
        for (int net = 0; hosts.size() < 20; net++) {
            String h = "10.8." + net + ".1";
            long[] a = TestPackets.addr(h);
            if (ClusterSettings.partition(a[0], a[1], settings.partitions()) == 0) {
                hosts.add(h);
            }
        }
        Random rnd = new Random(4);
        try (RedisLink link = new RedisLink(settings.redis(), "sensor test", () -> { });
             SensorPublisher publisher = new SensorPublisher(settings, link, capture.shards, capture.limits, TICK)) {
            publisher.start();
            PublishedStreams before = new PublishedStreams(settings, reader.sync());
            traffic(packets, hosts, rnd, 200);
            Eventually.until(WAIT, () -> poll(before) && before.batches.stream().anyMatch(b -> b.hosts > 0), "a batch of hosts");
            long lastBefore = before.batches.stream().mapToLong(b -> b.sequence).max().orElseThrow();
            redis.stop();
            try {
                Eventually.until(WAIT, () -> {
                    traffic(packets, hosts, rnd, 20);
                    return publisher.stats().droppedBatches() >= 5;
                }, "the backlog overflows");
            } finally {
                redis.startAgain();
            }
            long dropped = publisher.stats().droppedBatches();
            PublishedStreams after = new PublishedStreams(settings, reader.sync());
            Eventually.until(WAIT, () -> poll(after) && after.batches.size() >= 3 && publisher.stats().backlogBytes() == 0,
                    "the backlog arrives");
            long[] sequences = after.batches.stream().filter(b -> !b.wholeSeconds).mapToLong(b -> b.sequence).sorted().toArray();
            for (int i = 1; i < sequences.length; i++) {
                assertEquals(sequences[i - 1] + 1, sequences[i], "what arrives is one run of the newest batches");
            }
            assertTrue(sequences[0] - lastBefore - 1 >= dropped,
                    "the dropped batches are the oldest: " + lastBefore + " before, " + sequences[0] + " first after, " + dropped + " dropped");
        }
    }

    /** Hosts listed in the sample requests' hash have their packets in the batches, one way or both, until unlisted. */
    @Test
    void requestedSamplesArePublished() throws Exception {
        ClusterSettings settings = settings("samples", 100_000, 64 << 20);
        Capture capture = new Capture(new TrackingLimits(100_000, 120, 1000, 0));
        CounterShard packets = capture.shard("capture", false);
        String host = "10.2.0.1";
        long[] a = TestPackets.addr(host);
        int partition = ClusterSettings.partition(a[0], a[1], settings.partitions());
        Random rnd = new Random(5);
        List<String> hosts = List.of(host);
        try (RedisLink link = new RedisLink(settings.redis(), "sensor test", () -> { });
             SensorPublisher publisher = new SensorPublisher(settings, link, capture.shards, capture.limits, TICK)) {
            publisher.start();
            PublishedStreams streams = new PublishedStreams(settings, reader.sync());
            byte[] key = settings.sampleRequestsKey().getBytes(StandardCharsets.UTF_8);
            reader.sync().hset(key, host.getBytes(StandardCharsets.UTF_8), Integer.toString(1 << Direction.INCOMING.hostIndex()).getBytes(StandardCharsets.UTF_8));
            Eventually.until(WAIT, () -> {
                traffic(packets, hosts, rnd, 10);
                return poll(streams) && samples(streams, 0, a, Direction.INCOMING) > 0;
            }, "incoming samples of " + host);
            assertEquals(0, samples(streams, 0, a, Direction.OUTGOING), "incoming only");
            assertTrue(streams.batches.stream().filter(b -> b.samples > 0).allMatch(b -> b.partition == partition), "in the host's partition");

            reader.sync().hset(key, host.getBytes(StandardCharsets.UTF_8), "3".getBytes(StandardCharsets.UTF_8));
            Eventually.until(WAIT, () -> {
                traffic(packets, hosts, rnd, 10);
                return poll(streams) && samples(streams, 0, a, Direction.OUTGOING) > 0;
            }, "outgoing samples too");

            reader.sync().hdel(key, host.getBytes(StandardCharsets.UTF_8));
            long beats = streams.heartbeats();
            Eventually.until(WAIT, () -> poll(streams) && streams.heartbeats() >= beats + 2, "two seconds after the request is gone");
            int mark = streams.batches.size();
            traffic(packets, hosts, rnd, 200);
            assertAllArrived(streams, capture, hosts, packets, packets, List.of());
            assertEquals(0, samples(streams, mark, a, Direction.INCOMING) + samples(streams, mark, a, Direction.OUTGOING),
                    "no samples once unlisted");
            assertEquals(0, publisher.stats().droppedSamples());
        }
    }

    /** Samples of the host in the given direction in the batches from {@code from} on, each checked against the direction. */
    private static long samples(PublishedStreams streams, int from, long[] host, Direction direction) {
        long n = 0;
        for (CounterBatch b : streams.batches.subList(from, streams.batches.size())) {
            for (int s = 0; s < b.samples; s++) {
                boolean outgoing = b.sampleDirection[s] == Direction.OUTGOING.ordinal();
                long hi = outgoing ? b.srcHi[s] : b.dstHi[s], lo = outgoing ? b.srcLo[s] : b.dstLo[s];
                if (hi == host[0] && lo == host[1] && b.sampleDirection[s] == direction.ordinal()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** MAXLEN ~ keeps each stream near the length asked for. */
    @Test
    void theStreamsKeepTheirRetentionOnly() throws Exception {
        ClusterSettings settings = settings("bounded", 2, 64 << 20);
        Capture capture = new Capture(new TrackingLimits(100_000, 120, 0, 0));
        CounterShard packets = capture.shard("capture", false);
        Random rnd = new Random(6);
        List<String> hosts = List.of("10.4.0.1");
        try (RedisLink link = new RedisLink(settings.redis(), "sensor test", () -> { });
             SensorPublisher publisher = new SensorPublisher(settings, link, capture.shards, capture.limits, 20_000_000L)) {
            publisher.start();
            long started = System.currentTimeMillis();
            Eventually.until(WAIT, () -> {
                traffic(packets, hosts, rnd, 2);
                return System.currentTimeMillis() - started > 4500;
            }, "4.5 s of batches published");
            long[] a = TestPackets.addr(hosts.get(0));
            byte[] stream = settings.streamKey(ClusterSettings.partition(a[0], a[1], settings.partitions())).getBytes(StandardCharsets.UTF_8);
            List<io.lettuce.core.StreamMessage<byte[], byte[]>> first = reader.sync().xrange(stream, io.lettuce.core.Range.create("-", "+"),
                    io.lettuce.core.Limit.from(1));
            long oldest = Long.parseLong(first.get(0).getId().split("-")[0]);
            long age = System.currentTimeMillis() - oldest;
            // Trimmed by whole stream nodes of 4 entries (the test server's): within a few ticks of the 2 s.
            assertTrue(age <= 2000 + 500, "the oldest entry is " + age + " ms old");
            assertTrue(age >= 1500, "2 s are kept: the oldest is " + age + " ms old");
        }
    }
}
