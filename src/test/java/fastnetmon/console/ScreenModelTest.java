package fastnetmon.console;

import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreenModelTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final int WIDE = 200, TALL = 100;

    private static ConsoleData.Host host(String ip, double pps, double mbps, double flows) {
        return new ConsoleData.Host(ip, pps, mbps, flows);
    }

    /** Incoming: three hosts, each busiest by a different key; outgoing: one host; one ban. */
    static ConsoleData sample() {
        Map<Direction, ConsoleData.Rate> totals = new EnumMap<>(Direction.class);
        totals.put(Direction.INCOMING, new ConsoleData.Rate(96666.6, 240.4, 1210.2));
        totals.put(Direction.OUTGOING, new ConsoleData.Rate(1000.4, 1.5, 3));
        totals.put(Direction.INTERNAL, new ConsoleData.Rate(12, 0.01, 0));
        totals.put(Direction.OTHER, new ConsoleData.Rate(0, 0, 0));
        ConsoleData.Host a = host("10.10.0.5", 7950.4, 3.2, 40);
        ConsoleData.Host b = host("10.10.0.6", 100, 90.6, 2);
        ConsoleData.Host c = host("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", 50, 0.4, 400);
        Map<Direction, Map<SortKey, List<ConsoleData.Host>>> top = new EnumMap<>(Direction.class);
        top.put(Direction.INCOMING, Map.of(
                SortKey.PACKETS, List.of(a, b, c),
                SortKey.BYTES, List.of(b, a, c),
                SortKey.FLOWS, List.of(c, a, b)));
        ConsoleData.Host o = host("10.10.0.9", 1000, 1.5, 3);
        top.put(Direction.OUTGOING, Map.of(SortKey.PACKETS, List.of(o), SortKey.BYTES, List.of(o), SortKey.FLOWS, List.of(o)));
        List<ConsoleData.Ban> bans = List.of(new ConsoleData.Ban("10.10.0.5", 20613, "incoming", "syn_flood", NOW - 72_000));
        return new ConsoleData("0.1.0", totals, top, 6516913578L, 0, bans, null, NOW);
    }

    @Test
    void fullScreenLaidOutLikeFastNetMon() {
        List<String> lines = ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, TALL);
        assertEquals(List.of(
                "FastNetMon 0.1.0 all IPs ordered by: packets",
                "Incoming traffic        96667 pps 240 mbps 1210 flows",
                "10.10.0.5               7950 pps 3 mbps 40 flows",
                "10.10.0.6               100 pps 91 mbps 2 flows",
                "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1 50 pps 0 mbps 400 flows",
                "Outgoing traffic        1000 pps 2 mbps 3 flows",
                "10.10.0.9               1000 pps 2 mbps 3 flows",
                "Internal traffic        12 pps 0 mbps",
                "Other traffic           0 pps 0 mbps",
                "Packets received:       6516913578",
                "Packets dropped:        0 (0.0 %)",
                "Ban list:",
                "10.10.0.5/20613 pps incoming syn_flood, banned 00:01:12 ago"), lines);
    }

    @Test
    void theAbuseSensorsThreatsFollowTheBanList() {
        ConsoleData d = sample();
        ConsoleData withThreats = new ConsoleData(d.version(), d.totals(), d.top(), d.packetsReceived(), d.packetsDropped(),
                d.bans(), null, NOW, List.of(new ConsoleData.Threat("portscan", "198.51.100.2", "eth3", 1, NOW - 41_000),
                new ConsoleData.Threat("winscan", "10.10.0.7", "192.0.2.9", 120, NOW - 3_600_000)));
        List<String> lines = ScreenModel.lines(withThreats, SortKey.PACKETS, 7, WIDE, TALL);
        assertEquals(List.of("Ban list:", "10.10.0.5/20613 pps incoming syn_flood, banned 00:01:12 ago", "Threats:",
                "portscan 198.51.100.2 seen by eth3, 1 destinations, 00:00:41 ago",
                "winscan 10.10.0.7 seen by 192.0.2.9, 120 destinations, 01:00:00 ago"), lines.subList(11, lines.size()));
        assertEquals(ScreenModel.lines(d, SortKey.PACKETS, 7, WIDE, TALL), ScreenModel.lines(withThreats, SortKey.PACKETS, 7, WIDE, 13),
                "a short screen keeps FastNetMon's lines first");
    }

    @Test
    void anAggregatorShowsItsSensorsAfterTheBans() {
        ConsoleData d = sample();
        ConsoleData withSensors = new ConsoleData(d.version(), d.totals(), d.top(), d.packetsReceived(), d.packetsDropped(),
                d.bans(), null, NOW, List.of(), List.of(new ConsoleData.Sensor("s1", true, 0, 4012, 3, 2_500_000, 1_000),
                new ConsoleData.Sensor("s4", false, 12, 0, 0, 0, 0)));
        List<String> lines = ScreenModel.lines(withSensors, SortKey.PACKETS, 7, WIDE, TALL);
        assertEquals(List.of("Ban list:", "10.10.0.5/20613 pps incoming syn_flood, banned 00:01:12 ago", "Sensors:",
                "s1 up, 4012 pps 2 mbps in, 3 pps 0 mbps out", "s4 down, no batch for 12 s"), lines.subList(11, lines.size()));
        assertEquals(ScreenModel.lines(d, SortKey.PACKETS, 7, WIDE, TALL), ScreenModel.lines(withSensors, SortKey.PACKETS, 7, WIDE, 13),
                "a short screen keeps FastNetMon's lines first");
    }

    @Test
    void sortKeyChangesTheOrderAndTheHeader() {
        List<String> bytes = ScreenModel.lines(sample(), SortKey.BYTES, 7, WIDE, TALL);
        assertEquals("FastNetMon 0.1.0 all IPs ordered by: bytes", bytes.get(0));
        assertTrue(bytes.get(2).startsWith("10.10.0.6 "), bytes.toString());
        assertTrue(bytes.get(3).startsWith("10.10.0.5 "), bytes.toString());
        List<String> flows = ScreenModel.lines(sample(), SortKey.FLOWS, 7, WIDE, TALL);
        assertEquals("FastNetMon 0.1.0 all IPs ordered by: flows", flows.get(0));
        assertTrue(flows.get(2).startsWith("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1 50 pps"), flows.toString());
    }

    @Test
    void maxIpsInListLimitsEachDirection() {
        List<String> lines = ScreenModel.lines(sample(), SortKey.PACKETS, 1, WIDE, TALL);
        assertEquals("10.10.0.5               7950 pps 3 mbps 40 flows", lines.get(2));
        assertEquals("Outgoing traffic        1000 pps 2 mbps 3 flows", lines.get(3));
        assertEquals("10.10.0.9               1000 pps 2 mbps 3 flows", lines.get(4));
        assertEquals(11, lines.size());
    }

    @Test
    void ipv6ColumnPaddedOrFollowedByOneSpace() {
        assertEquals("2001:db8::1             ", ScreenModel.column("2001:db8::1"));
        assertEquals(24, ScreenModel.column("2001:db8::1").length());
        String exactly24 = "2001:db8:1:2:3:4:5:6:789";
        assertEquals(24, exactly24.length());
        assertEquals(exactly24 + " ", ScreenModel.column(exactly24));
        assertEquals("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff ", ScreenModel.column("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff"));
    }

    @Test
    void numbersRoundedToIntegers() {
        assertEquals("0 pps 0 mbps", ScreenModel.rates(0.4, 0.49, 0, false));
        assertEquals("1 pps 1 mbps 3 flows", ScreenModel.rates(0.5, 0.5, 2.5, true));
        assertEquals("1000000 pps 10000 mbps 7 flows", ScreenModel.rates(999_999.6, 9999.7, 7.2, true));
        assertEquals("0 pps 0 mbps", ScreenModel.rates(Double.NaN, -3, 0, false));
    }

    @Test
    void droppedPercentOneDecimal() {
        assertEquals("0.0", ScreenModel.percent(0, 0));
        assertEquals("0.0", ScreenModel.percent(0, 1000));
        assertEquals("12.5", ScreenModel.percent(125, 1000));
        assertEquals("0.1", ScreenModel.percent(1, 999));
        assertEquals("100.0", ScreenModel.percent(5, 1));
        ConsoleData d = sample();
        d = new ConsoleData(d.version(), d.totals(), d.top(), 1000, 125, d.bans(), null, NOW);
        assertTrue(ScreenModel.lines(d, SortKey.PACKETS, 7, WIDE, TALL).contains("Packets dropped:        125 (12.5 %)"));
    }

    @Test
    void bannedAgoAsHoursMinutesSeconds() {
        assertEquals("00:00:00", ScreenModel.duration(999));
        assertEquals("00:01:12", ScreenModel.duration(72_000));
        assertEquals("01:00:01", ScreenModel.duration(3_601_000));
        assertEquals("123:04:05", ScreenModel.duration((123 * 3600 + 4 * 60 + 5) * 1000L));
        assertEquals("00:00:00", ScreenModel.duration(-5000));
        assertEquals("2001:db8::5/300 pps outgoing udp_flood, banned 00:00:03 ago",
                ScreenModel.banLine(new ConsoleData.Ban("2001:db8::5", 300, "outgoing", "udp_flood", NOW - 3000), NOW));
    }

    @Test
    void banLineNamesTheVectorWhenItSaysMoreThanTheType() {
        assertEquals("10.10.0.5/90000 pps incoming udp_flood ntp_amplification, banned 00:00:03 ago",
                ScreenModel.banLine(new ConsoleData.Ban("10.10.0.5", 90000, "incoming", "udp_flood", "ntp_amplification",
                        NOW - 3000), NOW));
        assertEquals("10.10.0.5/90000 pps incoming syn_flood, banned 00:00:03 ago",
                ScreenModel.banLine(new ConsoleData.Ban("10.10.0.5", 90000, "incoming", "syn_flood", "syn_flood",
                        NOW - 3000), NOW));
        assertEquals("10.10.0.5/90000 pps incoming syn_flood, banned 00:00:03 ago",
                ScreenModel.banLine(new ConsoleData.Ban("10.10.0.5", 90000, "incoming", "syn_flood", "unknown",
                        NOW - 3000), NOW));
    }

    @Test
    void emptyDataShowsTotalsAndEmptyBanList() {
        ConsoleData empty = new ConsoleData("0.1.0", Map.of(), Map.of(), 0, 0, List.of(), null, NOW);
        assertEquals(List.of(
                "FastNetMon 0.1.0 all IPs ordered by: flows",
                "Incoming traffic        0 pps 0 mbps 0 flows",
                "Outgoing traffic        0 pps 0 mbps 0 flows",
                "Internal traffic        0 pps 0 mbps",
                "Other traffic           0 pps 0 mbps",
                "Packets received:       0",
                "Packets dropped:        0 (0.0 %)",
                "Ban list:"), ScreenModel.lines(empty, SortKey.FLOWS, 7, WIDE, TALL));
    }

    @Test
    void linesCutToNarrowWidthsNeverWrapped() {
        for (int width : new int[]{1, 20, 40, 59, 80}) {
            List<String> lines = ScreenModel.lines(sample(), SortKey.PACKETS, 7, width, TALL);
            List<String> full = ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, TALL);
            assertEquals(full.size(), lines.size(), "one screen line per model line at width " + width);
            for (int i = 0; i < lines.size(); i++) {
                assertTrue(lines.get(i).length() <= width, width + ": " + lines.get(i));
                assertTrue(full.get(i).startsWith(lines.get(i)), "a prefix of the full line: " + lines.get(i));
            }
        }
        List<String> twenty = ScreenModel.lines(sample(), SortKey.PACKETS, 7, 20, TALL);
        assertEquals("FastNetMon 0.1.0 all", twenty.get(0));
        assertEquals("Incoming traffic    ", twenty.get(1));
        assertEquals("10.10.0.5/20613 pps ", twenty.get(twenty.size() - 1));
        List<String> forty = ScreenModel.lines(sample(), SortKey.PACKETS, 7, 40, TALL);
        assertEquals("Incoming traffic        96667 pps 240 mb", forty.get(1));
        assertEquals("10.10.0.5               7950 pps 3 mbps ", forty.get(2));
    }

    @Test
    void zeroSizeGivesNothing() {
        assertEquals(List.of(), ScreenModel.lines(sample(), SortKey.PACKETS, 7, 0, TALL));
        assertEquals(List.of(), ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, 0));
    }

    @Test
    void shortHeightKeepsTotalsAndBanHeaderAndDropsHostRows() {
        // 8 fixed lines + 2 spare: the top incoming host and the first ban.
        List<String> ten = ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, 10);
        assertEquals(List.of(
                "FastNetMon 0.1.0 all IPs ordered by: packets",
                "Incoming traffic        96667 pps 240 mbps 1210 flows",
                "10.10.0.5               7950 pps 3 mbps 40 flows",
                "Outgoing traffic        1000 pps 2 mbps 3 flows",
                "Internal traffic        12 pps 0 mbps",
                "Other traffic           0 pps 0 mbps",
                "Packets received:       6516913578",
                "Packets dropped:        0 (0.0 %)",
                "Ban list:",
                "10.10.0.5/20613 pps incoming syn_flood, banned 00:01:12 ago"), ten);
        // Exactly the fixed lines: no host rows, no ban lines, but every total and the ban list header.
        List<String> eight = ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, 8);
        assertEquals(8, eight.size());
        assertEquals("Ban list:", eight.get(7));
        assertTrue(eight.stream().noneMatch(l -> l.startsWith("10.")), eight.toString());
        // Shorter still: the first lines in screen order.
        List<String> three = ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, 3);
        assertEquals(List.of("FastNetMon 0.1.0 all IPs ordered by: packets",
                "Incoming traffic        96667 pps 240 mbps 1210 flows",
                "Outgoing traffic        1000 pps 2 mbps 3 flows"), three);
        // 24 rows fit everything of the sample.
        assertEquals(ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, TALL),
                ScreenModel.lines(sample(), SortKey.PACKETS, 7, WIDE, 24));
    }

    @Test
    void spareRowsSharedBetweenIncomingBansAndOutgoing() {
        ConsoleData d = sample();
        List<ConsoleData.Ban> bans = List.of(
                new ConsoleData.Ban("10.10.0.5", 20613, "incoming", "syn_flood", NOW - 72_000),
                new ConsoleData.Ban("10.10.0.7", 30000, "incoming", "udp_flood", NOW - 1000),
                new ConsoleData.Ban("10.10.0.8", 40000, "incoming", "icmp_flood", NOW));
        d = new ConsoleData(d.version(), d.totals(), d.top(), d.packetsReceived(), d.packetsDropped(), bans, null, NOW);
        // 6 spare rows, handed out in turn: incoming, ban, outgoing, incoming, ban, (no more outgoing) incoming
        List<String> lines = ScreenModel.lines(d, SortKey.PACKETS, 7, WIDE, 14);
        long incoming = lines.stream().filter(l -> l.startsWith("10.10.0.5 ") || l.startsWith("10.10.0.6 ")
                || l.startsWith("2001:")).count();
        long outgoing = lines.stream().filter(l -> l.startsWith("10.10.0.9 ")).count();
        long banLines = lines.stream().filter(l -> l.contains(" ago")).count();
        assertEquals(List.of(3L, 1L, 2L), List.of(incoming, outgoing, banLines), lines.toString());
    }

    @Test
    void noticeUnderTheHeader() {
        ConsoleData d = sample().withNotice("fastnetmon on 127.0.0.1:10007 not answering (retrying every second)");
        List<String> lines = ScreenModel.lines(d, SortKey.PACKETS, 7, WIDE, 9);
        assertEquals("fastnetmon on 127.0.0.1:10007 not answering (retrying every second)", lines.get(1));
        assertEquals("Ban list:", lines.get(8));
    }

    @Test
    void controlCharactersNeverReachTheTerminal() {
        ConsoleData d = sample();
        d = new ConsoleData("0.1\u001b[2J", d.totals(), d.top(), 0, 0, List.of(), null, NOW);
        String header = ScreenModel.lines(d, SortKey.PACKETS, 7, WIDE, TALL).get(0);
        assertEquals("FastNetMon 0.1?[2J all IPs ordered by: packets", header);
    }
}
