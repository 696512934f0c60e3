package fastnetmon.cluster;

import fastnetmon.cluster.SensorBatches.Recording;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.TestPackets;
import fastnetmon.counters.TestShards;
import fastnetmon.counters.TrackingLimits;
import fastnetmon.packet.PacketRecord;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.TestRedis;
import fastnetmon.testing.Eventually;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real sensors' publishers and an aggregator's feed through one redis-server: what the aggregator's
 * counters report per host and in total is exactly what the sensors' shards counted, with no batch lost
 * or malformed.
 */
class PublisherToFeedTest {
    static final MonitoredNetworks NETWORKS = MonitoredNetworks.of(TestPackets.cidrs("10.0.0.0/8", "2001:db8::/32"));

    @Test
    void theFeedSumsExactlyWhatTwoSensorsCounted() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            TrackingLimits limits = new TrackingLimits(100_000, 120, 1000, 0);
            List<CounterShard> shardsA = new CopyOnWriteArrayList<>(), shardsB = new CopyOnWriteArrayList<>();
            CounterShard a = TestShards.shard("a", NETWORKS, 12, limits), b = TestShards.shard("b", NETWORKS, 12, limits);
            shardsA.add(a);
            shardsB.add(b);
            ClusterSettings sa = settings(redis, "sa"), sb = settings(redis, "sb"), agg = settings(redis, "agg");
            List<HostCounters> joined = new CopyOnWriteArrayList<>();
            Map<HostCounters, Recording> seen = new HashMap<>();
            try (RedisLink la = new RedisLink(sa.redis(), "a", () -> { }); RedisLink lb = new RedisLink(sb.redis(), "b", () -> { });
                 RedisLink lg = new RedisLink(agg.redis(), "agg", () -> { });
                 SensorPublisher pa = new SensorPublisher(sa, la, shardsA, limits, 100_000_000L);
                 SensorPublisher pb = new SensorPublisher(sb, lb, shardsB, limits, 100_000_000L);
                 ClusterFeed feed = new ClusterFeed(agg, lg, joined::add, 100_000, NETWORKS)) {
                feed.start();
                pa.start();
                pb.start();
                Random rnd = new Random(1);
                List<String> hosts = new ArrayList<>();
                for (int h = 0; h < 300; h++) {
                    hosts.add("10." + (h % 5) + "." + (h / 250) + "." + (h % 250));
                }
                long end = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 100; i++) {
                        CounterShard s = rnd.nextBoolean() ? a : b;
                        PacketRecord p = TestPackets.udp("198.51.100.1", 1000 + rnd.nextInt(500), hosts.get(rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(hosts.size())), 53);
                        s.onSecond(System.currentTimeMillis() / 1000);
                        s.count(TestPackets.sized(p, 60 + rnd.nextInt(1400)));
                        s.publish();
                    }
                    Thread.sleep(10);
                }
                Eventually.until(Duration.ofSeconds(20), () -> {
                    for (HostCounters c : joined) c.read(System.currentTimeMillis() / 1000, seen.computeIfAbsent(c, k -> new Recording()));
                    for (String h : hosts) {
                        long[] want = new long[CounterShard.COUNTERS];
                        for (CounterShard s : List.of(a, b)) {
                            long[] addr = TestPackets.addr(h);
                            int slot = s.slotOf(addr[0], addr[1]);
                            if (slot >= 0) { long[] c = new long[CounterShard.COUNTERS]; s.readCounters(slot, c, 0); for (int i = 0; i < c.length; i++) want[i] += c[i]; }
                        }
                        long[] got = new long[CounterShard.COUNTERS];
                        for (Recording r : seen.values()) { long[] x = r.sums.get(h); if (x != null) for (int i = 0; i < x.length; i++) got[i] += x[i]; }
                        if (!Arrays.equals(want, got)) return false;
                    }
                    return true;
                }, "sums");
                long[] ta = new long[16], tb = new long[16], t = new long[16];
                a.readTotals(ta);
                b.readTotals(tb);
                long[] sum = new long[16];
                for (HostCounters c : joined) {
                    c.readTotals(t);
                    for (int i = 0; i < 16; i++) {
                        sum[i] += t[i];
                    }
                }
                for (int i = 0; i < 16; i++) assertEquals(ta[i] + tb[i], sum[i], "total " + i);
                assertEquals(2, feed.sensors().size());
                for (SensorStatus st : feed.sensors()) {
                    assertEquals(0, st.lostBatches(), st.toString());
                    assertEquals(0, st.malformedBatches(), st.toString());
                    assertTrue(st.up(), st.toString());
                }
            }
        }
    }

    static ClusterSettings settings(TestRedis redis, String name) {
        return new ClusterSettings(ClusterSettings.Role.SENSOR, RedisSettings.ofUri("redis://127.0.0.1:" + redis.port, "ix", 60),
                "sensor-" + name, 4, Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(3), 64 << 20, Duration.ofSeconds(3));
    }
}
