package fastnetmon.api;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.cluster.SensorStatus;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.TrafficView;
import fastnetmon.networks.PrefixMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/sensors: the cluster's sensors as an aggregator sees them; an empty list elsewhere. */
class ApiRoutesSensorsTest {
    @TempDir
    Path dir;

    /** An aggregator's access: its sensors, and nothing else the test needs. */
    private static DetectorAccess aggregator(List<SensorStatus> sensors) {
        return new DetectorAccess() {
            @Override public TrafficView view() { return TrafficView.empty(); }
            @Override public long packetsReceived() { return 0; }
            @Override public long packetsDropped() { return 0; }
            @Override public boolean monitored(long hi, long lo) { return false; }
            @Override public HostTraffic average(long hi, long lo) { return null; }
            @Override public Attack banOf(long hi, long lo) { return null; }
            @Override public Attack ban(long hi, long lo, Direction direction) { return null; }
            @Override public Attack unban(long hi, long lo) { return null; }
            @Override public List<SensorStatus> sensors() { return sensors; }
        };
    }

    private static ApiRoutes routes(DetectorAccess access) {
        return new ApiRoutes(access, new ApiInfo("1", "packets", 7, false), PrefixMatcher.of(List.of()));
    }

    @Test
    void eachSensorWithItsFigures() throws Exception {
        ApiRoutes routes = routes(aggregator(List.of(
                new SensorStatus("edge-1", true, 0, 1200, 345_678, 3, 5, 2, 1, 4, 50_000, 700, 400_000_000, 5_600_000),
                new SensorStatus("edge-2", false, 42, 10, 999, 0, 0, 0, 0, 0, 0, 0, 0, 0))));
        ApiRoutes.Reply r = routes.route("GET", "/api/sensors", null, null);
        assertEquals(200, r.status());
        JsonNode list = r.body().path("sensors");
        assertEquals(2, list.size(), r.body().toString());
        assertEquals("{\"name\":\"edge-1\",\"up\":true,\"seconds_since_last_batch\":0,\"batches\":1200,"
                + "\"bytes\":345678,\"lost_batches\":3,\"duplicate_batches\":5,\"late_batches\":2,\"malformed_batches\":1,\"dropped_batches\":4,"
                + "\"pps_in\":50000,\"pps_out\":700,\"bps_in\":400000000,\"bps_out\":5600000}", list.get(0).toString());
        assertEquals("edge-2", list.get(1).path("name").asText());
        assertEquals(false, list.get(1).path("up").asBoolean());
        assertEquals(42, list.get(1).path("seconds_since_last_batch").asLong());
    }

    @Test
    void onlyGetWithoutParameters() throws Exception {
        ApiRoutes routes = routes(aggregator(List.of()));
        assertEquals(405, routes.route("POST", "/api/sensors", null, null).status());
        ApiRoutes.Refusal e = org.junit.jupiter.api.Assertions.assertThrows(ApiRoutes.Refusal.class,
                () -> routes.route("GET", "/api/sensors", "limit=3", null));
        assertEquals(400, e.status);
    }

    @Test
    void aDetectorThatIsNotAnAggregatorHasAnEmptyListOverHttp() throws Exception {
        try (ApiRig rig = new ApiRig(dir)) {
            ApiRig.Answer a = rig.get("/api/sensors");
            assertEquals(200, a.status());
            assertTrue(a.json().path("sensors").isArray(), a.body());
            assertEquals(0, a.json().path("sensors").size());
        }
    }
}
