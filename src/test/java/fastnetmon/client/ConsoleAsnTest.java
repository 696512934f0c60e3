package fastnetmon.client;

import fastnetmon.api.ApiInfo;
import fastnetmon.api.ApiServer;
import fastnetmon.console.ConsoleData;
import fastnetmon.console.ScreenModel;
import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import fastnetmon.geoip.GeoIp;
import fastnetmon.geoip.GeoIpSettings;
import fastnetmon.testing.Mmdb;
import fastnetmon.testing.ViewAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console shows each top talker's ASN after its rates, in the daemon and through the API in the client. */
@Timeout(60)
class ConsoleAsnTest {
    @TempDir
    Path dir;

    static TrafficView view() {
        List<TrafficView.HostRate> hosts = List.of(new TrafficView.HostRate("10.10.0.5", 20613.4, 10.6, 5),
                new TrafficView.HostRate("2001:db8:10::7", 80, 0.9, 7), new TrafficView.HostRate("10.10.0.9", 5, 0.2, 1));
        Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> top = new EnumMap<>(Direction.class);
        for (Direction d : List.of(Direction.INCOMING, Direction.OUTGOING)) {
            Map<SortKey, List<TrafficView.HostRate>> byKey = new EnumMap<>(SortKey.class);
            for (SortKey k : SortKey.values()) {
                byKey.put(k, hosts);
            }
            top.put(d, byKey);
        }
        return new TrafficView(1_700_000_000_000_000_000L, Map.of(), top, List.of());
    }

    @Test
    void topTalkersShowTheirAsnWhenTheAsnDatabaseIsConfigured() throws Exception {
        Path asn = Mmdb.asnDatabase(dir.resolve("asn.mmdb"), Mmdb.asn("10.10.0.0/29", 64496, "Our Network"),
                Mmdb.asn("2001:db8:10::/48", 64497, ""));
        try (GeoIp geo = GeoIp.open(new GeoIpSettings(asn, null));
             ApiServer api = ApiServer.start("127.0.0.1", 0, new ViewAccess(view(), geo), new ApiInfo("0.1.0", "packets", 7))) {
            ConsoleData inProcess = ConsoleData.of(view(), 1000, 10, "0.1.0", 0, geo);
            List<String> lines = ScreenModel.lines(inProcess, SortKey.PACKETS, 7, 120, 40);
            assertEquals("10.10.0.5               20613 pps 11 mbps 5 flows AS64496 Our Network", lines.get(2));
            assertEquals("2001:db8:10::7          80 pps 1 mbps 7 flows AS64497", lines.get(3), "no organisation: the number");
            assertEquals("10.10.0.9               5 pps 0 mbps 1 flows", lines.get(4), "no record: nothing after the rates");

            ConsoleData viaApi = ClientScreen.toConsoleData(new ApiClient("127.0.0.1", api.port()).traffic(), 0);
            assertEquals(lines, ScreenModel.lines(viaApi, SortKey.PACKETS, 7, 120, 40));
        }
    }

    @Test
    void withoutAnAsnDatabaseTheRowsAreAsBefore() {
        List<String> lines = ScreenModel.lines(ConsoleData.of(view(), 1000, 10, "0.1.0", 0, GeoIp.NONE), SortKey.PACKETS, 7, 120, 40);
        assertEquals("10.10.0.5               20613 pps 11 mbps 5 flows", lines.get(2));
        assertTrue(lines.stream().noneMatch(l -> l.contains(" AS")));
        assertEquals(lines, ScreenModel.lines(ConsoleData.of(view(), 1000, 10, "0.1.0", 0), SortKey.PACKETS, 7, 120, 40));
    }
}
