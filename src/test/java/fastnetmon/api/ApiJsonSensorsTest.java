package fastnetmon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SensorShare;
import fastnetmon.geoip.GeoIp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A ban's {@code sensors} in the API's JSON: what each cluster sensor saw of the attack, only on an aggregator. */
class ApiJsonSensorsTest {
    private static Attack attack() {
        HostTraffic t = new HostTraffic();
        t.packets[HostTraffic.index(Direction.INCOMING, 0)] = 30_000;
        t.bytes[HostTraffic.index(Direction.INCOMING, 0)] = 3_000_000;
        return new Attack("10.0.0.1", 0, 0x0a000001L, Direction.INCOMING, "udp_flood", "udp", t, "pps 30000 > 20000",
                "global", 1_700_000_000_000_000_000L);
    }

    @Test
    void aBanHasItsSensorsOnlyWhenThereAreShares() {
        ObjectNode plain = ApiJson.ban(attack(), GeoIp.NONE);
        assertFalse(plain.has("sensors"));

        Attack shared = attack().withSensorShares(List.of(new SensorShare("sensor-b", 2_000, 200_000, 2.0 / 3),
                new SensorShare("sensor-a", 1_000, 100_000, 1.0 / 3)));
        ObjectNode json = ApiJson.ban(shared, GeoIp.NONE);
        assertEquals("[{\"sensor\":\"sensor-b\",\"packets\":2000,\"bytes\":200000,\"share\":0.667},"
                + "{\"sensor\":\"sensor-a\",\"packets\":1000,\"bytes\":100000,\"share\":0.333}]", json.get("sensors").toString());
        assertEquals(2, ApiJson.bans(List.of(shared), GeoIp.NONE).get(0).get("sensors").size(), "the bans list too");
        json.remove("sensors");
        json.put("details", plain.get("details").asText()); // the description has its sensor line
        assertEquals(plain, json, "nothing else changes");
    }
}
