package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.redis.TestRedis;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static fastnetmon.ReplayEndToEndTest.ip;
import static fastnetmon.ReplayEndToEndTest.outside;
import static fastnetmon.ReplayEndToEndTest.spread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SYN flood replayed by a detector process with redis_enabled: FastNetMon's keys hold the attack
 * (IP_information field by field, IP_packets_dump the attack_details text the script got, IP_flow_dump the
 * flow list of the ban text), under redis_prefix; a replay writes no ban list.
 */
class ReplayRedisEndToEndTest {
    private static TestRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void aReplayedFloodLeavesFastNetMonsKeys() throws Exception {
        Path pcap = dir.resolve("syn.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < 4; s++) {
                List<byte[]> frames = new ArrayList<>();
                for (int i = 0; i < 30_000; i++) {
                    frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.0.5")).tcp(1024 + i % 50_000, 80, PacketRecord.TCP_SYN).ethernet());
                }
                spread(w, s, frames);
            }
        }
        Path conf = ReplayRig.setUp(dir, "cat > \"OUT/$1.$4.stdin\"", "ban_for_pps = on", "threshold_pps = 20000",
                "ban_details_records_count = 20", "enable_connection_tracking = on", "redis_enabled = on",
                "redis_host = 127.0.0.1", "redis_port = " + redis.port, "redis_prefix = replay");
        Map<String, JsonNode> bans = new HashMap<>();
        JsonNode summary = ReplayRig.replay(dir, conf, pcap, bans);
        JsonNode ban = bans.get("10.10.0.5");
        assertTrue(ban != null, summary.toString());

        RedisCommands<String, String> r = redis.sync();
        JsonNode info = new ObjectMapper().readTree(r.get("replay_10.10.0.5_information"));
        assertEquals("host", info.path("alert_scope").asText());
        assertEquals("10.10.0.5", info.path("ip").asText());
        assertEquals("ban", info.path("action").asText());
        JsonNode d = info.path("attack_details");
        long pps = ban.path("pps").asLong();
        assertEquals(30_000, pps, 300, ban.toString());
        assertEquals(pps, d.path("total_incoming_pps").asLong(), 1, d.toString());
        assertEquals(pps, d.path("incoming_tcp_pps").asLong(), 1, d.toString());
        assertEquals(pps, d.path("incoming_syn_tcp_pps").asLong(), 1, d.toString());
        assertEquals(0, d.path("incoming_udp_pps").asLong());
        assertEquals(0, d.path("total_outgoing_pps").asLong());
        long bytes = d.path("total_incoming_traffic").asLong();
        assertEquals(pps * 54, bytes, 54 * 300, "54-byte frames: " + d);
        assertEquals(bytes * 8, d.path("total_incoming_traffic_bits").asLong());
        assertEquals("syn_flood", d.path("attack_type").asText());
        assertEquals("incoming", d.path("attack_direction").asText());
        assertEquals("tcp", d.path("attack_protocol").asText());
        assertEquals("IPv4", d.path("protocol_version").asText());
        assertEquals("global", d.path("host_group").asText());
        assertEquals(ban.path("pps").asLong(), d.path("initial_attack_power").asLong(), 1);
        assertTrue(d.path("attack_uuid").asText().matches("[0-9a-f-]{36}"), d.toString());
        assertFalse(d.has("top_source_asns"), "no GeoIP database: no origins");

        Path out = dir.resolve("script-out");
        assertEquals(Files.readString(out.resolve("10.10.0.5.attack_details.stdin")), r.get("replay_10.10.0.5_packets_dump"));
        String flows = r.get("replay_10.10.0.5_flow_dump");
        assertTrue(flows.startsWith("Incoming\n\nTCP flows: "), flows);
        assertTrue(flows.contains("10.10.0.5:80 < 100.64."), flows);
        assertTrue(Files.readString(out.resolve("10.10.0.5.ban.stdin")).endsWith(flows), "the ban text's flow list");
        assertEquals(0, r.exists("replay_ban_list"), "a replay's bans are not the network's");
        assertEquals(List.of(), r.keys("10.10.0.5*"), "every key under the prefix");
    }
}
