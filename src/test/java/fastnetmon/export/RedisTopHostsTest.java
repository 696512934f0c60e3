package fastnetmon.export;

import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import fastnetmon.redis.TestRedis;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live top hosts in a real redis-server: each push replaces the sorted sets, rates and totals whole,
 * bounded to {@link RedisTopHosts#MAX_HOSTS} a direction, and they expire when no push follows; Redis
 * gone fails the push at once (counted), and the next push after its return writes the view again.
 */
class RedisTopHostsTest {
    private static TestRedis redis;
    private static RedisCommands<String, String> r;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedis.start();
        r = redis.sync();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    /** Hosts 10.0.0.1..n incoming (host i at i*1000 pps), one outgoing host; flows ranked the other way round. */
    private static TrafficView view(int n) {
        Map<Direction, TrafficView.Rate> totals = new EnumMap<>(Direction.class);
        totals.put(Direction.INCOMING, new TrafficView.Rate(123_456.4, 987.6543, 321));
        totals.put(Direction.OUTGOING, new TrafficView.Rate(1000, 8, 10));
        totals.put(Direction.INTERNAL, new TrafficView.Rate(5, 0.5, 0));
        totals.put(Direction.OTHER, new TrafficView.Rate(0, 0, 0));
        List<TrafficView.HostRate> byPackets = new ArrayList<>();
        for (int i = n; i >= 1; i--) {
            byPackets.add(new TrafficView.HostRate("10.0.0." + i, i * 1000, i * 0.5, i));
        }
        List<TrafficView.HostRate> byFlows = List.of(new TrafficView.HostRate("10.0.1.1", 10, 0.001, 5000));
        Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> top = new EnumMap<>(Direction.class);
        top.put(Direction.INCOMING, Map.of(SortKey.PACKETS, byPackets, SortKey.BYTES, byPackets, SortKey.FLOWS, byFlows));
        top.put(Direction.OUTGOING, Map.of(SortKey.PACKETS, List.of(new TrafficView.HostRate("10.0.0.200", 1000, 8, 10))));
        return new TrafficView(1_700_000_000_500_000_000L, totals, top, List.of());
    }

    @Test
    void eachPushReplacesTheViewWholeAndItExpiresWithoutPushes() throws Exception {
        RedisTopHosts exporter = new RedisTopHosts(redis.settings("live"), Duration.ofMillis(1500));
        try {
            exporter.export(view(5));
            assertEquals(List.of(ScoredValue.just(5000, "10.0.0.5"), ScoredValue.just(4000, "10.0.0.4"),
                            ScoredValue.just(3000, "10.0.0.3"), ScoredValue.just(2000, "10.0.0.2"),
                            ScoredValue.just(1000, "10.0.0.1"), ScoredValue.just(10, "10.0.1.1")),
                    r.zrevrangeWithScores("live_top_hosts_incoming", 0, -1));
            assertEquals("{\"pps\":5000,\"mbps\":2.5,\"flows\":5}", r.hget("live_top_hosts_incoming_rates", "10.0.0.5"));
            assertEquals("{\"pps\":10,\"mbps\":0.001,\"flows\":5000}", r.hget("live_top_hosts_incoming_rates", "10.0.1.1"));
            assertEquals(List.of("10.0.0.200"), r.zrange("live_top_hosts_outgoing", 0, -1));
            Map<String, String> totals = r.hgetall("live_traffic_totals");
            assertEquals("1700000000", totals.get("time"));
            assertEquals("123456", totals.get("incoming_pps"));
            assertEquals("987.654", totals.get("incoming_mbps"));
            assertEquals("321", totals.get("incoming_flows"));
            assertEquals("1000", totals.get("outgoing_pps"));
            assertEquals("5", totals.get("internal_pps"));
            assertEquals("0.5", totals.get("internal_mbps"));
            assertEquals(null, totals.get("internal_flows"));
            assertEquals("0", totals.get("other_pps"));
            for (String k : List.of("live_traffic_totals", "live_top_hosts_incoming", "live_top_hosts_incoming_rates")) {
                long ttl = r.pttl(k);
                assertTrue(ttl > 0 && ttl <= 1500, k + " expires: " + ttl);
            }

            exporter.export(view(2)); // fewer hosts: the others leave
            assertEquals(List.of("10.0.0.2", "10.0.0.1", "10.0.1.1"), r.zrevrange("live_top_hosts_incoming", 0, -1));
            assertEquals(3, r.hlen("live_top_hosts_incoming_rates"));

            exporter.export(view(300));
            assertEquals(RedisTopHosts.MAX_HOSTS, r.zcard("live_top_hosts_incoming"), "bounded");
            assertEquals(RedisTopHosts.MAX_HOSTS, r.hlen("live_top_hosts_incoming_rates"));
            assertEquals("10.0.0.300", r.zrevrange("live_top_hosts_incoming", 0, 0).get(0));

            Thread.sleep(1700); // no push: the view is gone
            assertEquals(0, r.exists("live_traffic_totals", "live_top_hosts_incoming", "live_top_hosts_incoming_rates",
                    "live_top_hosts_outgoing", "live_top_hosts_outgoing_rates"));
        } finally {
            exporter.close();
        }
    }

    @Test
    void redisGoneFailsThePushAtOnceAndItsReturnGetsTheViewAgain() throws Exception {
        ExportRunner runner = new ExportRunner(new RedisTopHosts(redis.settings("gone")), () -> view(3));
        try {
            runner.pushOnce();
            assertEquals(4, r.zcard("gone_top_hosts_incoming"), "three hosts by packets, one by flows");
            redis.stop();
            long t = System.nanoTime();
            runner.pushOnce();
            runner.pushOnce();
            long ms = (System.nanoTime() - t) / 1_000_000;
            assertTrue(ms < 2500, "two pushes with Redis gone took " + ms + " ms");
            ExportStats s = runner.stats();
            assertEquals(3, s.pushes());
            assertEquals(2, s.failed(), s.toString());
            redis.startAgain();
            long deadline = System.nanoTime() + 15_000_000_000L;
            boolean back = false;
            while (!back && System.nanoTime() < deadline) {
                Thread.sleep(200);
                runner.pushOnce();
                try {
                    back = r.zcard("gone_top_hosts_incoming") == 4;
                } catch (RuntimeException reconnecting) {
                    // the test's own connection comes back too
                }
            }
            assertTrue(back, "the view is written again once Redis is back: " + runner.stats());
        } finally {
            runner.close(5000);
        }
    }
}
