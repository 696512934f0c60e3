package fastnetmon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SamplePacket;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import fastnetmon.geoip.GeoIp;
import fastnetmon.geoip.GeoIpSettings;
import fastnetmon.networks.IpAddresses;
import fastnetmon.testing.Mmdb;
import fastnetmon.testing.ViewAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bans' top source ASNs and countries and the top talkers' ASNs in the API's JSON; none without databases. */
@Timeout(60)
class ApiGeoIpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BAN_ASNS = "[{\"code\":\"AS64500\",\"name\":\"Example Networks\",\"share\":0.75},"
            + "{\"code\":\"AS64501\",\"name\":\"Other Net\",\"share\":0.25}]";
    private static final String BAN_COUNTRIES = "[{\"code\":\"DE\",\"name\":\"Germany\",\"share\":0.75},"
            + "{\"code\":\"US\",\"name\":\"United States\",\"share\":0.25}]";

    @TempDir
    Path dir;

    /** Top hosts 10.10.0.5 (AS64496), 2001:db8:10::7 (AS64497) and 10.10.0.9 (no record); 10.10.0.5 banned. */
    static TrafficView view() {
        TrafficView.HostRate v = new TrafficView.HostRate("10.10.0.5", 20613.4, 10.6, 5);
        TrafficView.HostRate v6 = new TrafficView.HostRate("2001:db8:10::7", 80, 0.9, 7);
        TrafficView.HostRate unknown = new TrafficView.HostRate("10.10.0.9", 5, 0.2, 1);
        Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> top = new EnumMap<>(Direction.class);
        for (Direction d : List.of(Direction.INCOMING, Direction.OUTGOING)) {
            Map<SortKey, List<TrafficView.HostRate>> byKey = new EnumMap<>(SortKey.class);
            for (SortKey k : SortKey.values()) {
                byKey.put(k, List.of(v, v6, unknown));
            }
            top.put(d, byKey);
        }
        long[] a = IpAddresses.parse("10.10.0.5");
        Attack ban = new Attack("10.10.0.5", a[0], a[1], Direction.INCOMING, "udp_flood", "udp", new HostTraffic(),
                "pps 20613 > 10000", "global", 1_700_000_000_000_000_000L, 20613, 10.6, false, List.of(
                new SamplePacket(0, "192.0.2.7", 123, "10.10.0.5", 80, 17, 0, false, 3, 468, 57),
                new SamplePacket(0, "198.51.100.7", 123, "10.10.0.5", 80, 17, 0, false, 1, 468, 57)), null);
        return new TrafficView(1_700_000_000_000_000_000L, Map.of(), top, List.of(ban));
    }

    GeoIp databases() throws Exception {
        Path asn = Mmdb.asnDatabase(dir.resolve("asn.mmdb"), Mmdb.asn("10.10.0.0/29", 64496, "Our Network"),
                Mmdb.asn("2001:db8:10::/48", 64497, "Our V6"), Mmdb.asn("192.0.2.0/24", 64500, "Example Networks"),
                Mmdb.asn("198.51.100.0/24", 64501, "Other Net"));
        Path country = Mmdb.countryDatabase(dir.resolve("country.mmdb"), Mmdb.country("192.0.2.0/24", "DE", "Germany"),
                Mmdb.country("198.51.100.0/24", "US", "United States"));
        return GeoIp.open(new GeoIpSettings(asn, country));
    }

    private static JsonNode get(ApiServer api, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void bansHaveTheirTopSourcesAndTopTalkersTheirAsn() throws Exception {
        try (GeoIp geo = databases();
             ApiServer api = ApiServer.start("127.0.0.1", 0, new ViewAccess(view(), geo), new ApiInfo("0.1.0", "packets", 7))) {
            JsonNode traffic = get(api, "/api/traffic");
            JsonNode hosts = traffic.path("top").path("incoming").path("packets");
            assertEquals("{\"ip\":\"10.10.0.5\",\"pps\":20613,\"mbps\":10.6,\"flows\":5,\"asn\":64496,\"asn_organisation\":\"Our Network\"}",
                    hosts.get(0).toString());
            assertEquals(64497, hosts.get(1).path("asn").asLong());
            assertEquals("Our V6", hosts.get(1).path("asn_organisation").asText());
            assertFalse(hosts.get(2).has("asn"), "no record: no field");
            assertFalse(hosts.get(2).has("asn_organisation"));
            JsonNode ban = traffic.path("bans").get(0);
            assertEquals(BAN_ASNS, ban.path("top_source_asns").toString());
            assertEquals(BAN_COUNTRIES, ban.path("top_source_countries").toString());
            assertTrue(ban.path("details").asText().endsWith("Top source ASNs: AS64500 Example Networks 75.0%, AS64501 Other Net 25.0%\n"
                    + "Top source countries: DE Germany 75.0%, US United States 25.0%\n"), ban.path("details").asText());

            assertEquals(BAN_ASNS, get(api, "/api/bans").path("bans").get(0).path("top_source_asns").toString());
            assertEquals(BAN_COUNTRIES, get(api, "/api/host/10.10.0.5").path("ban").path("top_source_countries").toString());
            JsonNode top = get(api, "/api/top?direction=outgoing").path("hosts");
            assertEquals(64496, top.get(0).path("asn").asLong());
        }
    }

    @Test
    void withoutDatabasesNoFieldIsAdded() throws Exception {
        try (ApiServer api = ApiServer.start("127.0.0.1", 0, new ViewAccess(view(), GeoIp.NONE), new ApiInfo("0.1.0", "packets", 7))) {
            JsonNode traffic = get(api, "/api/traffic");
            assertEquals("{\"ip\":\"10.10.0.5\",\"pps\":20613,\"mbps\":10.6,\"flows\":5}",
                    traffic.path("top").path("incoming").path("packets").get(0).toString());
            JsonNode ban = traffic.path("bans").get(0);
            assertFalse(ban.has("top_source_asns"));
            assertFalse(ban.has("top_source_countries"));
            assertFalse(ban.path("details").asText().contains("Top source"));
        }
    }
}
