package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.TestPackets;
import fastnetmon.counters.TestShards;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.detection.DetectionSettings;
import fastnetmon.detection.Evaluator;
import fastnetmon.detection.SamplePacket;
import fastnetmon.geoip.OriginLookup;
import fastnetmon.geoip.Origins;
import fastnetmon.packet.PacketRecord;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Redis action against a real redis-server: FastNetMon's keys and the ban list field by field; a
 * restart in the middle of a ban takes it up from Redis (merged with the ban-state journal) and unbans it
 * once, on time; Redis killed during an attack holds up nothing and gets the bans when it is back.
 */
class RedisActionTest {
    private static final long SECOND = 1_000_000_000L;
    private static TestRedis redis;
    private static RedisCommands<String, String> r;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedis.start();
        r = redis.sync();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    /** A registry as the detector builds it (script, then Redis), with {@code banState} as its journal (null: none). */
    private static final class Actions {
        final ScriptAction script = new ScriptAction(null, Duration.ofSeconds(10), ZoneOffset.UTC);
        final RedisAction redis;
        final ActionRegistry registry;

        Actions(RedisSettings s, Path banState, OriginLookup origins) {
            redis = new RedisAction(s, origins, ZoneOffset.UTC, true);
            registry = ActionRegistry.builder(banState).add(script, 4).add(redis, 1).build();
        }

        long calls(String action) {
            return script.history().stream().filter(c -> c.action().equals(action)).count();
        }

        ActionStats redisStats() {
            return registry.stats().get(1);
        }
    }

    @Test
    void aBanItsDetailsAndItsUnbanAreWrittenUnderFastNetMonsKeys() throws Exception {
        Origins origins = new Origins(List.of(new Origins.Share("AS64500", "Example Net", 0.75)),
                List.of(new Origins.Share("DE", "Germany", 0.5), new Origins.Share("NL", "Netherlands", 0.25)));
        Actions a = new Actions(redis.settings("keys"), null, attack -> origins);
        Attack ban = Fixtures.synFlood();
        a.registry.onEvent(TestActions.event(BanEvent.Kind.BAN, ban));
        assertTrue(a.registry.awaitIdle(Duration.ofSeconds(10)));

        JsonNode info = new ObjectMapper().readTree(r.get("keys_10.10.0.5_information"));
        assertEquals("host", info.path("alert_scope").asText());
        assertEquals("10.10.0.5", info.path("ip").asText());
        assertEquals("ban", info.path("action").asText());
        JsonNode d = info.path("attack_details");
        assertEquals(50012, d.path("total_incoming_pps").asLong());
        assertEquals(3_001_000, d.path("total_incoming_traffic").asLong());
        assertEquals(24_008_000, d.path("total_incoming_traffic_bits").asLong());
        assertEquals(3000, d.path("total_incoming_flows").asLong());
        assertEquals(100, d.path("total_outgoing_pps").asLong());
        assertEquals(6425, d.path("total_outgoing_traffic").asLong());
        assertEquals(20, d.path("total_outgoing_flows").asLong());
        assertEquals(50000, d.path("incoming_tcp_pps").asLong());
        assertEquals(3_000_000, d.path("incoming_tcp_traffic").asLong());
        assertEquals(49990, d.path("incoming_syn_tcp_pps").asLong());
        assertEquals(2_999_400 * 8, d.path("incoming_syn_tcp_traffic_bits").asLong());
        assertEquals(10, d.path("incoming_udp_pps").asLong());
        assertEquals(2, d.path("incoming_icmp_pps").asLong());
        assertEquals(280, d.path("incoming_icmp_traffic").asLong());
        assertEquals(5, d.path("incoming_ip_fragmented_pps").asLong());
        assertEquals(7500, d.path("incoming_ip_fragmented_traffic").asLong());
        assertEquals(100, d.path("outgoing_tcp_pps").asLong());
        assertEquals(0, d.path("incoming_dropped_pps").asLong());
        assertEquals("syn_flood", d.path("attack_type").asText());
        assertEquals(50012, d.path("initial_attack_power").asLong());
        assertEquals(50012, d.path("peak_attack_power").asLong());
        assertEquals("incoming", d.path("attack_direction").asText());
        assertEquals("tcp", d.path("attack_protocol").asText());
        assertEquals("global", d.path("host_group").asText());
        assertEquals("IPv4", d.path("protocol_version").asText());
        assertEquals("pps 50012 > 20000", d.path("ban_reason").asText());
        assertEquals(Fixtures.T0 / SECOND, d.path("banned_at").asLong());
        assertEquals(RedisAttackJson.uuid(ban), d.path("attack_uuid").asText());
        assertEquals("[{\"code\":\"AS64500\",\"name\":\"Example Net\",\"share\":0.75}]", d.path("top_source_asns").toString());
        assertEquals("DE", d.path("top_source_countries").get(0).path("code").asText());
        assertEquals(0.25, d.path("top_source_countries").get(1).path("share").asDouble());
        assertEquals(0, r.exists("keys_10.10.0.5_flow_dump"), "no flows tracked: no flow dump");

        JsonNode entry = new ObjectMapper().readTree(r.hget("keys_ban_list", "10.10.0.5"));
        assertEquals("10.10.0.5", entry.path("ip").asText());
        assertEquals("incoming", entry.path("direction").asText());
        assertEquals(Fixtures.T0, entry.path("banned_at_ns").asLong());
        assertEquals(Fixtures.T0 / SECOND, entry.path("banned_at").asLong());
        assertEquals(60, entry.path("ban_time").asLong());
        assertEquals(Fixtures.T0 / SECOND + 60, entry.path("unban_at").asLong());
        assertEquals(AttackText.description(ban), entry.path("details").asText());
        assertEquals(ban, BanStateCodec.decodeAttack(entry), "the ban as the journal reads it");

        Attack withSamples = ban.withSamples(List.of(
                new SamplePacket(Fixtures.T0, "192.0.2.7", 14251, "10.10.0.5", 80, 6, 2, false, 1, 54, 64),
                new SamplePacket(Fixtures.T0 + 1000, "192.0.2.8", 14252, "10.10.0.5", 80, 6, 2, false, 1, 54, 63)));
        a.registry.onEvent(TestActions.event(BanEvent.Kind.ATTACK_DETAILS, withSamples));
        assertTrue(a.registry.awaitIdle(Duration.ofSeconds(10)));
        String dump = r.get("keys_10.10.0.5_packets_dump");
        assertEquals(AttackText.details(withSamples, origins, ZoneOffset.UTC), dump, "the attack_details text the script gets, origins included");
        assertTrue(dump.contains("\n2014-07-04 13:59:54.778872 192.0.2.7:14251 > 10.10.0.5:80 protocol: tcp flags: syn"), dump);

        a.registry.onEvent(TestActions.event(BanEvent.Kind.UNBAN, ban));
        assertTrue(a.registry.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(Map.of(), r.hgetall("keys_ban_list"), "the unban leaves the ban list");
        assertEquals(1, r.exists("keys_10.10.0.5_information"), "as FastNetMon, the attack's keys stay");
        assertEquals(0, a.redisStats().failed(), a.redisStats().toString());
        assertTrue(a.registry.close());
    }

    /** A detector's evaluator over one shard of 10.0.0.0/8, ticked once a second on its own clock. */
    private final class Detector {
        final CounterShard shard = TestShards.shard("s", TestPackets.networks("10.0.0.0/8"), 12);
        final Evaluator evaluator;
        long second;

        Detector(Actions actions, long firstSecond) throws Exception {
            Files.writeString(dir.resolve("networks_list"), "10.0.0.0/8\n");
            Path conf = dir.resolve("fastnetmon.conf");
            Files.writeString(conf, String.join("\n", "networks_list_path = networks_list", "ban_for_pps = on",
                    "threshold_pps = 1000", "ban_time = 5", "ban_details_records_count = 0",
                    "unban_only_if_attack_finished = off", "detection_interval_ms = 1000", ""));
            evaluator = new Evaluator(DetectionSettings.from(Configuration.load(conf)), List.of(shard), actions.registry);
            second = firstSecond;
            shard.onSecond(second);
        }

        /** One second with {@code packets} SYNs to the host, then the tick at its end. */
        void second(String host, int packets) {
            PacketRecord p = TestPackets.syn("192.0.2.9", 40000, host, 80);
            for (int i = 0; i < packets; i++) {
                p.timestampNanos = second * SECOND + i;
                shard.count(p);
            }
            shard.publish();
            evaluator.tick((second + 1) * SECOND);
            second++;
            shard.onSecond(second);
        }
    }

    @Test
    void aRestartInTheMiddleOfABanTakesItUpAndUnbansItOnceOnTime() throws Exception {
        Path state = dir.resolve("bans.json");
        RedisSettings s = redis.settings("restart");
        Actions first = new Actions(s, state, OriginLookup.NONE);
        Detector d1 = new Detector(first, 1_700_000_000L);
        d1.second("10.0.0.5", 5000);
        d1.second("10.0.0.5", 5000);
        assertTrue(first.registry.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, first.calls("ban"));
        Attack ban = d1.evaluator.banHistory().get(0);
        assertNotNull(r.hget("restart_ban_list", "10.0.0.5"));
        assertTrue(first.registry.close());

        // The same journal and the same Redis: the ban is in both, taken up once.
        Actions second = new Actions(s, state, OriginLookup.NONE);
        ActionRegistry.Recovery rec = second.registry.recover();
        assertEquals(List.of(ban), rec.restore());
        assertEquals(List.of(), rec.replayed());
        assertTrue(second.registry.close());

        // A fresh detector with no journal (or a second one on the same Redis): taken up from Redis alone.
        Actions third = new Actions(s, null, OriginLookup.NONE);
        ActionRegistry.Recovery fromRedis = third.registry.recover();
        assertEquals(List.of(ban), fromRedis.restore());
        Attack taken = fromRedis.restore().get(0);
        assertEquals(ban.initialPps(), taken.initialPps());
        assertEquals(ban.attackType, taken.attackType);
        Detector d3 = new Detector(third, d1.second + 1);
        assertTrue(d3.evaluator.restoreBan(taken, d3.second * SECOND));
        d3.second("10.0.0.6", 10); // 3 s after the ban: still banned
        assertTrue(third.registry.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(0, third.calls("unban"));
        assertNotNull(r.hget("restart_ban_list", "10.0.0.5"));
        d3.second("10.0.0.6", 10);
        d3.second("10.0.0.6", 10); // ban_time 5 is over
        d3.second("10.0.0.6", 10);
        assertTrue(third.registry.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(List.of("unban"), third.script.history().stream().map(ScriptCall::action).toList(),
                "one unban, no ban call for the restored ban");
        assertEquals(Map.of(), r.hgetall("restart_ban_list"));
        assertTrue(third.registry.close());

        Actions fourth = new Actions(s, null, OriginLookup.NONE);
        assertEquals(List.of(), fourth.registry.recover().restore(), "unbanned once: nothing to take up again");
        assertTrue(fourth.registry.close());
    }

    @Test
    void anUnbanAskedForInTheJournalIsNotTakenUpAgainFromRedis() throws Exception {
        Path state = dir.resolve("bans.json");
        RedisSettings s = redis.settings("pending");
        Attack ban = Fixtures.synFlood("10.10.0.9");
        Actions first = new Actions(s, state, OriginLookup.NONE);
        first.registry.onEvent(TestActions.event(BanEvent.Kind.BAN, ban));
        assertTrue(first.registry.awaitIdle(Duration.ofSeconds(10)));
        first.registry.close();
        // As a crash during the unban's script would leave them: the journal asks for the unban, Redis still has the ban.
        String json = Files.readString(state).replace("\"unban_requested\" : false", "\"unban_requested\" : true");
        Files.writeString(state, json);
        assertNotNull(r.hget("pending_ban_list", "10.10.0.9"));

        Actions next = new Actions(s, state, OriginLookup.NONE);
        ActionRegistry.Recovery rec = next.registry.recover();
        assertEquals(List.of(), rec.restore());
        assertEquals(List.of("UNBAN 10.10.0.9"), rec.replayed().stream().map(e -> e.kind() + " " + e.attack().ip).toList());
        assertTrue(next.registry.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, next.calls("unban"));
        assertEquals(Map.of(), r.hgetall("pending_ban_list"));
        assertTrue(next.registry.close());
    }

    @Test
    void redisKilledDuringAnAttackDelaysNothingAndGetsTheBansWhenItIsBack() throws Exception {
        ListAppender<ILoggingEvent> logged = Fixtures.capture(RedisAction.class);
        try {
            Actions a = new Actions(redis.settings("down"), dir.resolve("bans.json"), OriginLookup.NONE);
            Attack before = Fixtures.synFlood("10.10.0.1");
            a.registry.onEvent(TestActions.event(BanEvent.Kind.BAN, before));
            assertTrue(a.registry.awaitIdle(Duration.ofSeconds(10)));
            assertNotNull(r.hget("down_ban_list", "10.10.0.1"));

            redis.stop();
            List<Attack> during = new ArrayList<>();
            long slowest = 0;
            for (int i = 2; i <= 21; i++) {
                Attack b = Fixtures.synFlood("10.10.0." + i);
                during.add(b);
                long t = System.nanoTime();
                a.registry.onEvent(TestActions.event(BanEvent.Kind.BAN, b));
                slowest = Math.max(slowest, System.nanoTime() - t);
            }
            a.registry.onEvent(TestActions.event(BanEvent.Kind.UNBAN, during.get(0)));
            assertTrue(slowest < 200_000_000L, "onEvent (a tick waits for it) took " + slowest / 1_000_000 + " ms");
            waitUntil(() -> a.calls("ban") == 21 && a.calls("unban") == 1, "the script's calls go on without Redis");
            assertTrue(a.registry.awaitIdle(Duration.ofSeconds(10)), "nothing waits for Redis");
            ActionStats st = a.redisStats();
            assertEquals(22, st.handled(), st.toString());
            assertEquals(21, st.failed(), "each write failed at once, counted: " + st);
            long warnings = Fixtures.messages(logged).stream().filter(m -> m.startsWith("WARN")).count();
            assertTrue(warnings >= 1 && warnings <= 2, "failures said at most once a minute: " + Fixtures.messages(logged));

            redis.startAgain(); // empty: it lost the ban list too
            waitUntil(() -> r.hlen("down_ban_list") == 20, "the bans in force written again");
            assertNotNull(r.hget("down_ban_list", "10.10.0.1"), "a ban made before Redis went away");
            assertNotNull(r.hget("down_ban_list", "10.10.0.21"));
            assertFalse(r.hexists("down_ban_list", "10.10.0.2"), "unbanned while Redis was away");
            assertEquals(1, r.exists("down_10.10.0.21_information"), "what failed is written when Redis is back");
            assertTrue(Fixtures.messages(logged).stream().anyMatch(m -> m.startsWith("INFO") && m.contains("is written now")),
                    Fixtures.messages(logged).toString());
            assertTrue(a.registry.close());
        } finally {
            Fixtures.release(RedisAction.class, logged);
            if (!"+PONG".equals(redis.command("PING"))) {
                redis.startAgain();
            }
        }
    }

    private static void waitUntil(BooleanSupplier check, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20 * SECOND;
        while (System.nanoTime() < deadline) {
            try {
                if (check.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the test's own connection is reconnecting
            }
            Thread.sleep(50);
        }
        fail("timed out waiting for: " + what);
    }
}
