package fastnetmon.redis;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The URI forms: one server, several, a cluster's seeds; passwords kept out of messages; errors in one line. */
class RedisUrisTest {
    private static List<String> hostPorts(RedisUris u) {
        return u.uris().stream().map(r -> r.getHost() + ":" + r.getPort()).toList();
    }

    @Test
    void oneServerIsNoClusterWithItsDatabaseTlsAndPassword() {
        RedisUris plain = RedisUris.parse(" redis://127.0.0.1:6380 ");
        assertFalse(plain.cluster());
        assertEquals(List.of("127.0.0.1:6380"), hostPorts(plain));
        assertFalse(plain.uris().get(0).isSsl());
        assertEquals(List.of("[::1]:6379"), hostPorts(RedisUris.parse("redis://[::1]:6379")));
        assertEquals(RedisSettings.TIMEOUT, plain.uris().get(0).getTimeout());

        RedisURI tls = RedisUris.parse("rediss://:s3cret@redis.example:6390/4").uris().get(0);
        assertTrue(tls.isSsl());
        assertEquals(4, tls.getDatabase());
        assertEquals("s3cret", new String(tls.getCredentialsProvider().resolveCredentials().block().getPassword()));
    }

    @Test
    void severalUrisOrTheClusterFormAreAClustersSeeds() {
        RedisUris several = RedisUris.parse("redis://a:7000, redis://b:7001");
        assertTrue(several.cluster());
        assertEquals(List.of("a:7000", "b:7001"), hostPorts(several));

        RedisUris seeds = RedisUris.parse("redis-cluster://:pw@a:7000,b:7001,,c:7002");
        assertTrue(seeds.cluster());
        assertEquals(List.of("a:7000", "b:7001", "c:7002"), hostPorts(seeds));
        for (RedisURI u : seeds.uris()) {
            assertFalse(u.isSsl());
            assertEquals("pw", new String(u.getCredentialsProvider().resolveCredentials().block().getPassword()), u.getHost());
        }

        RedisUris tls = RedisUris.parse("REDISS-CLUSTER://a:7000");
        assertTrue(tls.cluster());
        assertTrue(tls.uris().get(0).isSsl());
    }

    @Test
    void withoutPasswordHidesEveryPasswordAndKeepsTheRest() {
        assertEquals("redis://:***@h:6379/2", RedisUris.withoutPassword("redis://:s3cret@h:6379/2"));
        assertEquals("redis-cluster://user:***@a:1,b:2", RedisUris.withoutPassword("redis-cluster://user:pw@a:1,b:2"));
        assertEquals("redis://:***@a:1,rediss://:***@b:2", RedisUris.withoutPassword("redis://:x@a:1,rediss://:y@b:2"));
        assertEquals("redis://a:1,b:2", RedisUris.withoutPassword("redis://a:1,b:2"));
    }

    @Test
    void errorsAreOneLineWithoutThePassword() {
        assertError("", "no Redis URI");
        assertError("  ", "no Redis URI");
        assertError("http://x", "'http://x' is not a Redis URI (redis://host:port");
        assertError("redis-cluster://", "names no cluster node");
        assertError("redis-cluster://:s3cret@ , ", "'redis-cluster://:***@ ,' names no cluster node");
        assertError("redis://:s3cret@", "is not a Redis URI");
        assertError("redis://a:1,localhost:2", "'localhost:2' is not a Redis URI");
        assertError("redis://h:notaport", "'redis://h:notaport' is not a Redis URI: the port is not a number");
        assertError("redis://h:99999", "'redis://h:99999' is not a Redis URI: Port out of range");
    }

    private static void assertError(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUris.parse(text), text);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
