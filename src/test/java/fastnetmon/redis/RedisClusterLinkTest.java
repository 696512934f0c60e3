package fastnetmon.redis;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The link to a real Redis Cluster of three masters ({@link TestRedisCluster}, started once for the class):
 * keys of slots held by different masters are written and read on the text and the binary connections,
 * streams work per key, and a cluster URI naming no node is one line and no connection.
 */
class RedisClusterLinkTest {
    private static TestRedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One key (under {@code prefix}) per master, in the order of {@link TestRedisCluster#ports}. */
    private static List<String> keyPerMaster(RedisSettings settings, String name) {
        List<String> keys = new ArrayList<>();
        for (int port : cluster.ports()) {
            for (int i = 0; ; i++) {
                String key = settings.key(name + i);
                // A master answers MOVED for a key of a slot it does not hold.
                if (!TestRedisCluster.command(port, "EXISTS", key).startsWith("-MOVED")) {
                    keys.add(key);
                    break;
                }
            }
        }
        return keys;
    }

    @Test
    void keysOfSlotsOnDifferentMastersAreWrittenAndReadOnTheTextAndBinaryConnections() throws Exception {
        RedisSettings settings = cluster.settings("t");
        List<String> keys = keyPerMaster(settings, "key");
        try (RedisLink link = new RedisLink(settings, "test", () -> {
        })) {
            assertTrue(link.isCluster());
            RedisClusterAsyncCommands<String, String> c = link.commands();
            assertNotNull(c);
            for (String key : keys) {
                assertEquals("OK", c.set(key, "text of " + key).get(2, TimeUnit.SECONDS));
            }
            for (String key : keys) {
                assertEquals("text of " + key, c.get(key).get(2, TimeUnit.SECONDS));
            }
            RedisClusterAsyncCommands<byte[], byte[]> b = link.binaryCommands();
            assertNotNull(b);
            byte[] value = {0, (byte) 0xff, 1, (byte) 0x80};
            for (String key : keys) {
                assertEquals("OK", b.set(key.getBytes(StandardCharsets.UTF_8), value).get(2, TimeUnit.SECONDS));
            }
            for (String key : keys) {
                assertArrayEquals(value, b.get(key.getBytes(StandardCharsets.UTF_8)).get(2, TimeUnit.SECONDS));
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(":1", TestRedisCluster.command(cluster.ports().get(i), "EXISTS", keys.get(i)),
                    keys.get(i) + " is kept by the master of its slot");
        }
    }

    @Test
    void aStreamPerKeyIsAddedToAndRead() throws Exception {
        RedisSettings settings = cluster.settings("s");
        List<String> streams = keyPerMaster(settings, "stream");
        try (RedisLink link = new RedisLink(settings, "test", () -> {
        })) {
            RedisClusterAsyncCommands<String, String> c = link.commands();
            assertNotNull(c);
            for (String s : streams) {
                c.xadd(s, Map.of("sensor", "a", "bytes", "1")).get(2, TimeUnit.SECONDS);
                c.xadd(s, Map.of("sensor", "b", "bytes", "2")).get(2, TimeUnit.SECONDS);
            }
            for (String s : streams) {
                List<StreamMessage<String, String>> read = c.xread(XReadArgs.StreamOffset.from(s, "0")).get(2, TimeUnit.SECONDS);
                assertEquals(2, read.size(), s);
                assertEquals(Map.of("sensor", "a", "bytes", "1"), read.get(0).getBody());
                assertEquals(Map.of("sensor", "b", "bytes", "2"), read.get(1).getBody());
                assertEquals(s, read.get(1).getStream());
            }
        }
    }

    @Test
    void aBadUriIsOneLineAndNoConnection() {
        for (Map.Entry<String, String> bad : Map.of("redis-cluster://", "names no cluster node",
                "http://x", "is not a Redis URI").entrySet()) {
            var app = RedisLinkTest.capture();
            try (RedisLink link = new RedisLink(RedisSettings.ofUri(bad.getKey(), "", 60), "test", () -> {
            })) {
                assertNull(link.commands(), bad.getKey());
                assertNull(link.binaryCommands(), bad.getKey());
            }
            RedisLinkTest.assertOneLine(RedisLinkTest.lines(app), bad.getValue());
        }
    }
}
