package fastnetmon.geoip;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.AttackFlows;
import fastnetmon.detection.SamplePacket;
import fastnetmon.networks.IpAddresses;
import fastnetmon.packet.PacketRecord;
import fastnetmon.testing.Mmdb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** An attack's top source ASNs and countries, from its samples or its flows, with databases written by MaxMind's writer. */
@Timeout(60)
class AttackOriginsTest {
    @TempDir
    static Path dir;
    static Path asnFile;
    static Path countryFile;
    static GeoIp geo;

    @BeforeAll
    static void databases() throws Exception {
        List<String> asns = new ArrayList<>(List.of(
                Mmdb.asn("192.0.2.0/24", 64500, "Example Networks"),
                Mmdb.asn("198.51.100.0/24", 64501, "Other Net"),
                Mmdb.asn("2001:db8:1::/48", 64503, "V6 Net"),
                Mmdb.asn("2001:db8:2::/48", 64504, "V6 Two")));
        for (int k = 0; k < 7; k++) {
            asns.add(Mmdb.asn("203.0.113." + 16 * k + "/28", 64510 + k, "Net " + k));
        }
        asnFile = Mmdb.write("GeoLite2-ASN", dir.resolve("asn.mmdb"), asns);
        countryFile = Mmdb.countryDatabase(dir.resolve("country.mmdb"),
                Mmdb.country("192.0.2.0/24", "DE", "Germany"),
                Mmdb.country("198.51.100.0/24", "US", "United States"),
                Mmdb.country("203.0.113.0/24", "FR", "France"),
                Mmdb.country("2001:db8:1::/48", "JP", "Japan"),
                Mmdb.country("2001:db8:2::/48", "DE", "Germany"));
        geo = GeoIp.open(new GeoIpSettings(asnFile, countryFile), Duration.ofHours(1));
    }

    @AfterAll
    static void close() {
        geo.close();
    }

    static SamplePacket in(String src, String host, long packets) {
        return new SamplePacket(0, src, 123, host, 80, 17, 0, false, packets, 468, 57);
    }

    static Attack attack(String host, Direction d, List<SamplePacket> samples, AttackFlows flows) {
        long[] a = IpAddresses.parse(host);
        return new Attack(host, a[0], a[1], d, "udp_flood", "udp", new HostTraffic(), "pps 1 > 0", "global",
                1_700_000_000_000_000_000L, 1, 0, false, samples, flows);
    }

    static Origins.Share share(String code, String name, double share) {
        return new Origins.Share(code, name, share);
    }

    @Test
    void anIncomingAttacksSourcesByPackets() {
        List<SamplePacket> s = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            s.add(in("192.0.2." + (i + 1), "10.10.0.5", 1));
        }
        s.add(in("198.51.100.7", "10.10.0.5", 2));
        s.add(in("198.51.100.8", "10.10.0.5", 1));
        Origins o = geo.origins().of(attack("10.10.0.5", Direction.INCOMING, s, null));
        assertEquals(List.of(share("AS64500", "Example Networks", 0.625), share("AS64501", "Other Net", 0.375)), o.asns());
        assertEquals(List.of(share("DE", "Germany", 0.625), share("US", "United States", 0.375)), o.countries());
    }

    @Test
    void anOutgoingAttacksDestinationsOverIpv6() {
        String host = "2001:db8:10::5";
        List<SamplePacket> s = List.of(in(host, "2001:db8:1::1", 2), in(host, "2001:db8:1::2", 1), in(host, "2001:db8:2::9", 1));
        Origins o = geo.origins().of(attack(host, Direction.OUTGOING, s, null));
        assertEquals(List.of(share("AS64503", "V6 Net", 0.75), share("AS64504", "V6 Two", 0.25)), o.asns());
        assertEquals(List.of(share("JP", "Japan", 0.75), share("DE", "Germany", 0.25)), o.countries());
    }

    @Test
    void addressesWithNoRecordCountTowardTheWholeButAreNotListed() {
        List<SamplePacket> s = List.of(in("192.0.2.1", "10.10.0.5", 1), in("100.64.0.1", "10.10.0.5", 3));
        Origins o = geo.origins().of(attack("10.10.0.5", Direction.INCOMING, s, null));
        assertEquals(List.of(share("AS64500", "Example Networks", 0.25)), o.asns());
        assertEquals(List.of(share("DE", "Germany", 0.25)), o.countries());
    }

    @Test
    void aFlowRecordsSampleWeighsThePacketsItStandsFor() {
        List<SamplePacket> s = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            s.add(in("192.0.2.1", "10.10.0.5", 1));
        }
        s.add(new SamplePacket(0, "198.51.100.1", 123, "10.10.0.5", 80, 17, 0, false, 990, 468, 57, 990L * 468,
                PacketRecord.ORIGIN_NETFLOW9));
        Origins o = geo.origins().of(attack("10.10.0.5", Direction.INCOMING, s, null));
        assertEquals(List.of(share("AS64501", "Other Net", 0.99), share("AS64500", "Example Networks", 0.01)), o.asns());
    }

    @Test
    void atTheBanWithNoSamplesTheFlowsInTheAttacksDirectionCount() {
        AttackFlows flows = new AttackFlows(List.of(
                new AttackFlows.Group(Direction.INCOMING, 6, 2, List.of(
                        new AttackFlows.Flow(80, "192.0.2.1", 40000, 360, 6),
                        new AttackFlows.Flow(80, "203.0.113.1", 40001, 120, 2)), false),
                new AttackFlows.Group(Direction.OUTGOING, 17, 1, List.of(
                        new AttackFlows.Flow(53, "198.51.100.1", 5353, 100_000, 100)), false)));
        Origins o = geo.origins().of(attack("10.10.0.5", Direction.INCOMING, List.of(), flows));
        assertEquals(List.of(share("AS64500", "Example Networks", 0.75), share("AS64510", "Net 0", 0.25)), o.asns());
        assertEquals(List.of(share("DE", "Germany", 0.75), share("FR", "France", 0.25)), o.countries());
    }

    @Test
    void theFiveBusiestFirst() {
        List<SamplePacket> s = new ArrayList<>();
        long total = 0;
        for (int k = 0; k < 7; k++) {
            s.add(in("203.0.113." + (16 * k + 1), "10.10.0.5", k + 1));
            total += k + 1;
        }
        Origins o = geo.origins().of(attack("10.10.0.5", Direction.INCOMING, s, null));
        List<Origins.Share> expected = new ArrayList<>();
        for (int k = 6; k >= 2; k--) {
            expected.add(share("AS" + (64510 + k), "Net " + k, (double) (k + 1) / total));
        }
        assertEquals(expected, o.asns());
        assertEquals(List.of(share("FR", "France", 1.0)), o.countries());
    }

    @Test
    void noSamplesNoFlowsOrNoDatabaseIsNoOrigins() throws Exception {
        assertSame(Origins.NONE, geo.origins().of(attack("10.10.0.5", Direction.INCOMING, List.of(), null)));
        Attack a = attack("10.10.0.5", Direction.INCOMING, List.of(in("192.0.2.1", "10.10.0.5", 1)), null);
        assertSame(Origins.NONE, GeoIp.NONE.origins().of(a));
        try (GeoIp asnOnly = GeoIp.open(new GeoIpSettings(asnFile, null), Duration.ofHours(1))) {
            Origins o = asnOnly.origins().of(a);
            assertEquals(List.of(share("AS64500", "Example Networks", 1.0)), o.asns());
            assertEquals(List.of(), o.countries());
        }
    }

    @Test
    void keptPerAttackUntilItsSamplesOrTheDatabaseChange() throws Exception {
        Path file = Mmdb.asnDatabase(dir.resolve("changing.mmdb"), Mmdb.asn("192.0.2.0/24", 64500, "Example Networks"));
        try (GeoIp g = GeoIp.open(new GeoIpSettings(file, null), Duration.ofHours(1))) {
            List<SamplePacket> s = new ArrayList<>(List.of(in("192.0.2.1", "10.10.0.5", 1)));
            Attack first = attack("10.10.0.5", Direction.INCOMING, s, null);
            Origins o = g.origins().of(first);
            assertSame(o, g.origins().of(attack("10.10.0.5", Direction.INCOMING, s, null)), "the same snapshot again");
            s.add(in("198.51.100.1", "10.10.0.5", 1));
            Origins more = g.origins().of(attack("10.10.0.5", Direction.INCOMING, s, null));
            assertNotSame(o, more);
            assertEquals(List.of(share("AS64500", "Example Networks", 0.5)), more.asns());

            Mmdb.replace(file, Mmdb.asnDatabase(dir.resolve("next.mmdb"), Mmdb.asn("192.0.2.0/24", 64499, "Renamed")));
            g.checkFiles();
            assertEquals(List.of(share("AS64499", "Renamed", 0.5)),
                    g.origins().of(attack("10.10.0.5", Direction.INCOMING, s, null)).asns());
        }
    }
}
