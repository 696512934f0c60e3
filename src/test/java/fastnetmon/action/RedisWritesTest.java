package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What waits for Redis is bounded: past {@link RedisWrites#MAX_PENDING} attack keys the oldest is given up and counted; the ban list is kept whole. */
class RedisWritesTest {
    @Test
    void attackKeysWaitingForRedisAreBoundedAndTheBanListIsKeptWhole() throws Exception {
        RedisSettings s = new RedisSettings(true, "127.0.0.1", TestRedis.freePort(), "", "", false, 0, 60);
        try (RedisLink link = new RedisLink(s, "test", () -> {
        })) {
            RedisWrites w = new RedisWrites(link, "ban_list", Attack::toString);
            for (int i = 0; i < RedisWrites.MAX_PENDING; i++) {
                assertFalse(w.set("key" + i, "v"));
            }
            assertFalse(w.set("key0", "newer"), "a newer value of a waiting key takes no room");
            assertTrue(w.set("one-more", "v"));
            assertEquals(1, w.givenUp());
            Attack a = Fixtures.synFlood("10.10.0.1");
            Attack b = Fixtures.synFlood("10.10.0.2");
            w.banned(a);
            w.banned(b);
            w.unbanned(Fixtures.synFlood("10.10.0.3"));
            w.unbanned(a);
            assertEquals("not connected", w.flush());
            assertEquals(List.of(b), w.inForce());
            assertFalse(w.idle(), "kept for the next flush");
        }
    }
}
