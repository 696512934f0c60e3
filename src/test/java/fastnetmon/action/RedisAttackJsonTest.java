package fastnetmon.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SensorShare;
import fastnetmon.geoip.Origins;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The attack's {@code IP_information} value beyond what RedisActionTest checks against a server. */
class RedisAttackJsonTest {
    @Test
    void anAggregatorsAttackHasItsSensorsSharesAndAStandaloneOneNone() throws Exception {
        Attack a = Fixtures.synFlood();
        JsonNode plain = new ObjectMapper().readTree(RedisAttackJson.information(a, Origins.NONE));
        assertFalse(plain.path("attack_details").has("sensors"));

        Attack shared = a.withSensorShares(List.of(new SensorShare("sensor-a", 300, 18_000, 0.75),
                new SensorShare("sensor-b", 100, 6_000, 0.25)));
        JsonNode json = new ObjectMapper().readTree(RedisAttackJson.information(shared, Origins.NONE));
        assertEquals("[{\"sensor\":\"sensor-a\",\"packets\":300,\"bytes\":18000,\"share\":0.75},"
                        + "{\"sensor\":\"sensor-b\",\"packets\":100,\"bytes\":6000,\"share\":0.25}]",
                json.path("attack_details").path("sensors").toString());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("attack_details")).remove("sensors");
        assertEquals(plain, json, "nothing else changes");
    }
}
