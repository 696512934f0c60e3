package fastnetmon.action;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SamplePacket;
import fastnetmon.detection.SensorShare;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static fastnetmon.action.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttackTextTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    /** Text blocks would strip the significant trailing spaces, so the lines are spelled out. */
    static final String EXPECTED_DESCRIPTION = String.join("\n",
            "IP: 10.10.0.5",
            "Attack type: syn_flood",
            "Initial attack power: 50012 packets per second",
            "Peak attack power: 61000 packets per second",
            "Attack direction: incoming",
            "Attack protocol: tcp",
            "Total incoming traffic: 24 mbps",
            "Total outgoing traffic: 0 mbps",
            "Total incoming pps: 50012 packets per second",
            "Total outgoing pps: 100 packets per second",
            "Total incoming flows: 3000 flows per second",
            "Total outgoing flows: 20 flows per second",
            "Average incoming traffic: 24 mbps",
            "Average outgoing traffic: 0 mbps",
            "Average incoming pps: 50012 packets per second",
            "Average outgoing pps: 100 packets per second",
            "Average incoming flows: 3000 flows per second",
            "Average outgoing flows: 20 flows per second",
            "Incoming ip fragmented traffic: 0 mbps",
            "Outgoing ip fragmented traffic: 0 mbps",
            "Incoming ip fragmented pps: 5 packets per second",
            "Outgoing ip fragmented pps: 0 packets per second",
            "Incoming tcp traffic: 24 mbps",
            "Outgoing tcp traffic: 0 mbps",
            "Incoming tcp pps: 50000 packets per second",
            "Outgoing tcp pps: 100 packets per second",
            "Incoming syn tcp traffic: 23 mbps",
            "Outgoing syn tcp traffic: 0 mbps",
            "Incoming syn tcp pps: 49990 packets per second",
            "Outgoing syn tcp pps: 0 packets per second",
            "Incoming udp traffic: 0 mbps",
            "Outgoing udp traffic: 0 mbps",
            "Incoming udp pps: 10 packets per second",
            "Outgoing udp pps: 0 packets per second",
            "Incoming icmp traffic: 0 mbps",
            "Outgoing icmp traffic: 0 mbps",
            "Incoming icmp pps: 2 packets per second",
            "Outgoing icmp pps: 0 packets per second",
            "",
            // 6425 / 100 = 64.25 exactly: C++ std::fixed rounds half to even -> 64.2
            "Average packet size for incoming traffic: 60.0 bytes ",
            "Average packet size for outgoing traffic: 64.2 bytes ",
            "");

    static SamplePacket tcp(long ts, int flags) {
        return new SamplePacket(ts, "1.2.3.4", 46804, "10.10.0.5", 80, 6, flags, false, 1, 54, 64);
    }

    @Test
    void descriptionMatchesFastNetMonLines() {
        Attack a = Fixtures.synFlood();
        a = a.withPeak(61000, a.peakMbps);
        assertEquals(EXPECTED_DESCRIPTION, AttackText.description(a));
    }

    @Test
    void trafficBySensorEndsTheDescriptionAfterTheOrigins() {
        Attack a = Fixtures.synFlood();
        a = a.withPeak(61000, a.peakMbps).withSensorShares(List.of(new SensorShare("sensor-a", 123456, 7_407_360, 0.5),
                new SensorShare("sensor-b", 61728, 3_703_680, 0.25), new SensorShare("sensor-c", 61728, 1, 0.25)));
        String line = "Traffic by sensor: sensor-a 50.0% (123456 packets), sensor-b 25.0% (61728 packets), "
                + "sensor-c 25.0% (61728 packets)\n";
        assertEquals(EXPECTED_DESCRIPTION + line, AttackText.description(a));
        assertEquals(EXPECTED_DESCRIPTION + AttackOriginsTextTest.LINES + line,
                AttackText.description(a, AttackOriginsTextTest.ORIGINS));
        Attack third = a.withSensorShares(List.of(new SensorShare("x", 1, 60, 1.0 / 3), new SensorShare("y", 2, 120, 2.0 / 3)));
        assertTrue(AttackText.description(third).endsWith("Traffic by sensor: x 33.3% (1 packets), y 66.7% (2 packets)\n"),
                "one decimal, in the order given");
        assertEquals(EXPECTED_DESCRIPTION, AttackText.description(a.withSensorShares(List.of())), "no line without shares");
    }

    @Test
    void descriptionAveragesOverSeconds() {
        Attack a = Fixtures.synFlood();
        HostTraffic t = a.initial;
        t.seconds = 2;
        String text = AttackText.description(a);
        assertTrue(text.contains("Total incoming pps: 25006 packets per second\n"), text);
        assertTrue(text.contains("Total incoming traffic: 12 mbps\n"), text); // 1500500 B/s -> 12.004 Mbit
        assertTrue(text.contains("Average packet size for incoming traffic: 60.0 bytes \n"), text);
    }

    @Test
    void fragmentationAttackUsesFastNetMonName() {
        HostTraffic t = new HostTraffic();
        Fixtures.set(t, Direction.INCOMING, TrafficClass.TOTAL, 10, 15000);
        Attack a = new Attack("10.0.0.1", 0, 0, fastnetmon.counters.Direction.OUTGOING, "ip_fragmentation_flood",
                "udp", t, "", "global", T0);
        String text = AttackText.description(a);
        assertTrue(text.contains("Attack type: ip_fragmentation\n"), text);
        assertTrue(text.contains("Attack direction: outgoing\n"), text);
        assertTrue(text.contains("Average packet size for outgoing traffic: 0.0 bytes \n"), text);
    }

    @Test
    void tcpSampleLines() {
        assertEquals("2014-07-04 13:59:54.778872 1.2.3.4:46804 > 10.10.0.5:80 protocol: tcp flags: syn frag: 0  "
                + "packets: 1 size: 54 bytes ttl: 64 sample ratio: 1  ", AttackText.sampleLine(tcp(T0, 0x02), UTC));
        assertTrue(AttackText.sampleLine(tcp(T0, 0x12), UTC).contains(" protocol: tcp flags: syn,ack frag: 0 "));
        assertTrue(AttackText.sampleLine(tcp(T0, 0x3f), UTC).contains(" flags: fin,syn,rst,psh,ack,urg frag: "));
        assertTrue(AttackText.sampleLine(tcp(T0, 0x18), UTC).contains(" flags: psh,ack frag: "));
        assertTrue(AttackText.sampleLine(tcp(T0, 0), UTC).contains(" flags: - frag: "));
        assertTrue(AttackText.sampleLine(tcp(T0, 0xc0), UTC).contains(" flags: - frag: ")); // ECE/CWR not printed
    }

    @Test
    void sampleTimeIsLocalTimeOfTheGivenZone() {
        // Moscow was UTC+4 in July 2014
        assertTrue(AttackText.sampleLine(tcp(T0, 2), ZoneId.of("Europe/Moscow")).startsWith("2014-07-04 17:59:54.778872 "));
        long early = Fixtures.nanos(LocalDateTime.of(2020, 1, 2, 3, 4, 5, 5_999));
        assertTrue(AttackText.sampleLine(tcp(early, 2), UTC).startsWith("2020-01-02 03:04:05.000005 "));
    }

    @Test
    void udpIcmpFragmentAndOtherProtocols() {
        assertEquals("2014-07-04 13:59:54.778872 8.8.8.8:53 > 10.10.0.5:1024 protocol: udp frag: 0  packets: 1 "
                        + "size: 512 bytes ttl: 57 sample ratio: 1  ",
                AttackText.sampleLine(new SamplePacket(T0, "8.8.8.8", 53, "10.10.0.5", 1024, 17, 0, false, 1, 512, 57), UTC));
        assertEquals("2014-07-04 13:59:54.778872 60.28.184.234:0 > 10.10.0.5:0 protocol: icmp frag: 0  packets: 3 "
                        + "size: 84 bytes ttl: 250 sample ratio: 1  ",
                AttackText.sampleLine(new SamplePacket(T0, "60.28.184.234", 0, "10.10.0.5", 0, 1, 0, false, 3, 84, 250), UTC));
        assertEquals("2014-07-04 13:59:54.778872 1.2.3.4:0 > 10.10.0.5:0 protocol: udp frag: 1  packets: 1 "
                        + "size: 1500 bytes ttl: 64 sample ratio: 1  ",
                AttackText.sampleLine(new SamplePacket(T0, "1.2.3.4", 0, "10.10.0.5", 0, 17, 0, true, 1, 1500, 64), UTC));
        assertTrue(AttackText.sampleLine(new SamplePacket(T0, "1.2.3.4", 0, "10.10.0.5", 0, 47, 0x02, false, 1, 60, 64), UTC)
                .contains(" protocol: unknown frag: 0  packets: 1 "), "GRE: no name, no flags");
    }

    @Test
    void ipv6SamplesUseBracketedStandardForm() {
        String line = AttackText.sampleLine(new SamplePacket(T0, "2001:db8::1", 443, "2a03:f480:1:2::5", 55000,
                6, 0x10, false, 1, 74, 60), UTC);
        assertEquals("2014-07-04 13:59:54.778872 [2001:db8::1]:443 > [2a03:f480:1:2::5]:55000 protocol: tcp "
                + "flags: ack frag: 0  packets: 1 size: 74 bytes ttl: 60 sample ratio: 1  ", line);
    }

    @Test
    void samplesFromFlowRecordsSayWhatTheyStandFor() {
        SamplePacket v9 = new SamplePacket(T0, "198.18.0.1", 40000, "10.10.0.5", 80, 6, 0x02, false, 1000, 60, 0,
                60_000, fastnetmon.packet.PacketRecord.ORIGIN_NETFLOW9);
        assertEquals("2014-07-04 13:59:54.778872 198.18.0.1:40000 > 10.10.0.5:80 protocol: tcp flags: syn frag: 0  "
                + "packets: 1000 size: 60 bytes ttl: 0 sample ratio: 1  from netflow_v9 record: 1000 packets 60000 bytes",
                AttackText.sampleLine(v9, UTC));
        for (int origin = 1; origin <= 4; origin++) {
            SamplePacket p = new SamplePacket(T0, "1.2.3.4", 1, "10.10.0.5", 2, 17, 0, false, 100, 64, 0, 6400, origin);
            assertTrue(AttackText.sampleLine(p, UTC).endsWith("sample ratio: 1  from "
                    + List.of("sflow", "netflow_v5", "netflow_v9", "ipfix").get(origin - 1) + " record: 100 packets 6400 bytes"));
        }
        // a captured packet keeps FastNetMon's line as it is
        assertTrue(AttackText.sampleLine(tcp(T0, 2), UTC).endsWith("sample ratio: 1  "));
    }

    @Test
    void detailsAreDescriptionBlankLineAndSamples() {
        Attack a = Fixtures.synFlood();
        a = a.withPeak(61000, a.peakMbps).withSamples(List.of(tcp(T0, 2), tcp(T0 + 1000, 2)));
        String details = AttackText.details(a, UTC);
        List<String> tail = List.of(details.substring(EXPECTED_DESCRIPTION.length()).split("\n", -1));
        assertTrue(details.startsWith(EXPECTED_DESCRIPTION));
        // FastNetMon's text as it has it, then ours after a blank line
        assertEquals(List.of("", "", AttackText.sampleLine(tcp(T0, 2), UTC), AttackText.sampleLine(tcp(T0 + 1000, 2), UTC), "",
                "Attack vector: syn_flood", "Fingerprint of 2 sampled packets:", "  protocol: tcp 100%", "  src_port: 46804 100%",
                "  dst_port: 80 100%", "  tcp_flags: syn 100%", "  packet_size: 0-63 100%", "  ttl: 64 100%", ""), tail);
        assertTrue(tail.get(3).startsWith("2014-07-04 13:59:54.778873 "));
    }

    @Test
    void detailsFileNameIsIpAndBanTime() {
        assertEquals("10.10.0.5_04_07_14_13:59:54.txt", AttackText.detailsFileName(Fixtures.synFlood(), UTC));
        assertEquals("10.10.0.5_04_07_14_17:59:54.txt",
                AttackText.detailsFileName(Fixtures.synFlood(), ZoneId.of("Europe/Moscow")));
    }
}
