package fastnetmon.sensor;

import fastnetmon.networks.Cidr;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static fastnetmon.sensor.Traffic.SECOND;
import static fastnetmon.sensor.Traffic.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortscanSensorTest {
    private static final long MS = 1_000_000L;

    @Test
    void synScanOf150PortsIsOneEventNamingOffenderObserverAndTarget() {
        Traffic t = new Traffic(Traffic.portscan());
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 150, T0, 100 * MS, 2);

        assertEquals(1, t.events.size(), t.events.toString());
        ThreatEvent e = t.events.get(0);
        assertEquals("portscan", e.type());
        assertEquals("10.8.2.3", e.observer());
        assertEquals("10.1.2.3", e.offender());
        assertEquals(List.of("192.0.2.10"), e.attackedHosts());
        // reported at the 101st probe (more than 100), 10.0 s after the first
        assertEquals(T0 / SECOND + 10, e.timestamp());
        assertEquals(Map.of("flows", 101L, "packets", 101L, "destinations", 1L, "ports", 101L, "window_seconds", 60L), e.counts());
        assertEquals(List.of("flows", "packets", "destinations", "ports", "window_seconds"), List.copyOf(e.counts().keySet()));
        assertTrue(e.toJsonText().startsWith("{\"type\":\"portscan\",\"observer\":\"10.8.2.3\",\"offender\":\"10.1.2.3\""), e.toJsonText());
    }

    @Test
    void aSecondScanWithinTheCooldownIsNoEventAndOneAfterItIs() {
        Traffic t = new Traffic(Traffic.portscan());
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 150, T0, 10 * MS, 0);
        t.scanPorts("10.1.2.3", "192.0.2.11", 1, 150, T0 + 300 * SECOND, 10 * MS, 0);
        assertEquals(1, t.events.size(), "one scan, then another within the 600 s cool-down: " + t.events);

        t.scanPorts("10.1.2.3", "192.0.2.12", 1, 150, T0 + 700 * SECOND, 10 * MS, 0);
        assertEquals(2, t.events.size());
        assertEquals(List.of("192.0.2.12"), t.events.get(1).attackedHosts());
    }

    @Test
    void withoutCooldownEachEventNeedsItsOwnProbes() {
        SensorSettings s = Traffic.portscan();
        Traffic t = new Traffic(new SensorSettings(s.portscan(), s.spam(), s.winscan(), 0, 16384, false));
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 250, T0, 10 * MS, 0);
        assertEquals(2, t.events.size(), "at the 101st and the 202nd probe");
        assertEquals(101L, t.events.get(1).counts().get("flows"));
    }

    @Test
    void reportedWhenMoreThanTheThresholdRemain() {
        Traffic ninety = new Traffic(Traffic.portscan());
        ninety.scanPorts("10.1.2.3", "192.0.2.10", 1, 90, T0, 10 * MS, 0);
        assertEquals(List.of(), ninety.events);

        Traffic hundred = new Traffic(Traffic.portscan());
        hundred.scanPorts("10.1.2.3", "192.0.2.10", 1, 100, T0, 10 * MS, 0);
        assertEquals(List.of(), hundred.events);
        hundred.feed(Traffic.syn("10.1.2.3", "192.0.2.10", 101, T0 + SECOND), 0);
        assertEquals(1, hundred.events.size());
    }

    @Test
    void probesTooBigForTheirKindAreNotCounted() {
        assertCounted(true, PacketRecord.TCP, PacketRecord.TCP_SYN, 1, 125);   // 1000 bits
        assertCounted(false, PacketRecord.TCP, PacketRecord.TCP_SYN, 1, 126);  // 1008 bits
        assertCounted(true, PacketRecord.TCP, PacketRecord.TCP_SYN | PacketRecord.TCP_RST, 2, 62); // 496 bits
        assertCounted(false, PacketRecord.TCP, PacketRecord.TCP_SYN | PacketRecord.TCP_RST, 2, 64); // 512 bits
        assertCounted(true, PacketRecord.UDP, 0, 1, 28);   // an empty datagram: 224 bits
        assertCounted(false, PacketRecord.UDP, 0, 1, 29);
        assertCounted(true, PacketRecord.TCP, PacketRecord.TCP_SYN | 0x40 | 0x80, 1, 60); // ECN bits do not matter
        // answered connections are not probes
        assertCounted(false, PacketRecord.TCP, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK, 1, 44);
        assertCounted(false, PacketRecord.TCP, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK | PacketRecord.TCP_FIN | PacketRecord.TCP_PSH, 10, 60);
        assertCounted(false, PacketRecord.TCP, PacketRecord.TCP_ACK, 1, 40);
        assertCounted(false, PacketRecord.ICMP, 0, 1, 28);
    }

    private static void assertCounted(boolean counted, int protocol, int flags, int packets, int bytesPerPacket) {
        Traffic t = new Traffic(Traffic.portscan());
        for (int port = 1; port <= 150; port++) {
            t.feed(Traffic.flow("10.1.2.3", "192.0.2.10", protocol, port, flags, packets, bytesPerPacket, T0 + port * MS), 0);
        }
        assertEquals(counted ? 1 : 0, t.events.size(), "protocol " + protocol + " flags " + flags + " " + bytesPerPacket + " bytes per packet");
        assertEquals(counted ? 150 : 0, t.sensors.stats().matched());
    }

    @Test
    void capturedPacketsAreMeasuredAtTheIpLayer() {
        Traffic t = new Traffic(Traffic.portscan());
        for (int port = 1; port <= 150; port++) { // 60-byte SYN in a 74-byte frame (592 bits)
            t.feed(Traffic.packet("10.1.2.3", "192.0.2.10", PacketRecord.TCP, port, PacketRecord.TCP_SYN, 60, T0 + port * MS), 3);
        }
        assertEquals(1, t.events.size());
        assertEquals("eth1", t.events.get(0).observer());
    }

    @Test
    void exceptionPortsAreNotCounted() {
        Traffic t = new Traffic(Traffic.only("portscan", 60, 100, Traffic.ports("1-60"), List.of()));
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 150, T0, 10 * MS, 0);
        assertEquals(List.of(), t.events, "150 ports, 60 of them exceptions: 90 remain");
        t.scanPorts("10.1.2.3", "192.0.2.10", 151, 11, T0 + 2 * SECOND, 10 * MS, 0);
        assertEquals(1, t.events.size(), "101 remain");
    }

    @Test
    void whitelistedSourcesAreNeverReported() {
        Traffic t = new Traffic(Traffic.only("portscan", 60, 100, PortSet.none(), List.of(Cidr.parse("10.1.2.0/24"))));
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 150, T0, 10 * MS, 0);
        assertEquals(List.of(), t.events);
        t.scanPorts("10.1.3.3", "192.0.2.10", 1, 150, T0, 10 * MS, 0);
        assertEquals(List.of("10.1.3.3"), t.events.stream().map(ThreatEvent::offender).toList());
    }

    @Test
    void sourcesOutsideOurNetworksAreWatchedOnlyWhenAskedTo() {
        Traffic t = new Traffic(Traffic.portscan());
        t.scanPorts("198.51.100.7", "10.1.2.3", 1, 150, T0, 10 * MS, 0);
        assertEquals(List.of(), t.events);

        SensorSettings s = Traffic.portscan();
        Traffic outside = new Traffic(new SensorSettings(s.portscan(), s.spam(), s.winscan(), 600, 16384, true));
        outside.scanPorts("198.51.100.7", "10.1.2.3", 1, 150, T0, 10 * MS, 0);
        assertEquals(List.of("198.51.100.7"), outside.events.stream().map(ThreatEvent::offender).toList());
    }

    @Test
    void probesSpreadOverMoreThanTheWindowAreNoEvent() {
        Traffic slow = new Traffic(Traffic.portscan());
        slow.scanPorts("10.1.2.3", "192.0.2.10", 1, 300, T0, SECOND, 0); // 300 probes in 300 s: 60 in any minute
        assertEquals(List.of(), slow.events);

        Traffic fast = new Traffic(Traffic.portscan());
        fast.scanPorts("10.1.2.3", "192.0.2.10", 1, 150, T0, SECOND / 3, 0); // 150 in 50 s
        assertEquals(1, fast.events.size());
    }

    @Test
    void probesBeforeAPauseLongerThanTheWindowHaveExpired() {
        Traffic t = new Traffic(Traffic.portscan());
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 60, T0, 10 * MS, 0);
        t.feed(Traffic.syn("10.1.2.3", "192.0.2.10", 61, T0 + 50 * SECOND), 0); // the source stays tracked
        t.scanPorts("10.1.2.3", "192.0.2.10", 62, 60, T0 + 90 * SECOND, 10 * MS, 0);
        assertEquals(List.of(), t.events, "61 in the last minute");
        t.scanPorts("10.1.2.3", "192.0.2.10", 122, 40, T0 + 100 * SECOND, 10 * MS, 0);
        assertEquals(1, t.events.size(), "101 in the last minute");
    }

    @Test
    void lateFlowsOlderThanTheWindowDoNotCount() {
        Traffic t = new Traffic(Traffic.portscan());
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 60, T0 + 120 * SECOND, 10 * MS, 0);
        t.scanPorts("10.1.2.3", "192.0.2.10", 200, 60, T0, 10 * MS, 0); // two minutes late
        assertEquals(List.of(), t.events);
    }

    @Test
    void eachObserverKeepsItsOwnWindow() {
        Traffic t = new Traffic(Traffic.portscan());
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 60, T0, 10 * MS, 0);
        t.scanPorts("10.1.2.3", "192.0.2.10", 61, 60, T0 + SECOND, 10 * MS, 1);
        assertEquals(List.of(), t.events, "60 probes seen by each of two exporters");
        assertEquals(2, t.sensors.stats().tracked());
    }

    @Test
    void ipv6ScanIsReportedWithItsAddresses() {
        Traffic t = new Traffic(Traffic.portscan());
        for (int port = 1; port <= 150; port++) { // IPv6 SYN with options: 80 bytes, 640 bits
            t.feed(Traffic.flow("2001:db8:10::5", "2001:db8:ffff::1", PacketRecord.TCP, port, PacketRecord.TCP_SYN, 1, 80, T0 + port * MS), 1);
        }
        assertEquals(1, t.events.size());
        assertEquals("2001:db8:10::5", t.events.get(0).offender());
        assertEquals(List.of("2001:db8:ffff::1"), t.events.get(0).attackedHosts());
        assertEquals("10.8.2.2", t.events.get(0).observer());
    }

    @Test
    void ipv6LimitsAllowForItsLongerHeader() {
        assertCountedV6(true, PacketRecord.UDP, 0, 48);    // an empty datagram over IPv6: 384 bits
        assertCountedV6(false, PacketRecord.UDP, 0, 49);
        assertCountedV6(true, PacketRecord.TCP, PacketRecord.TCP_SYN | PacketRecord.TCP_RST, 82); // 656 bits
        assertCountedV6(false, PacketRecord.TCP, PacketRecord.TCP_SYN | PacketRecord.TCP_RST, 83);
    }

    private static void assertCountedV6(boolean counted, int protocol, int flags, int bytesPerPacket) {
        Traffic t = new Traffic(Traffic.portscan());
        for (int port = 1; port <= 150; port++) {
            t.feed(Traffic.flow("2001:db8:10::5", "2001:db8:ffff::1", protocol, port, flags, 1, bytesPerPacket, T0 + port * MS), 0);
        }
        assertEquals(counted ? 1 : 0, t.events.size(), "IPv6 protocol " + protocol + " " + bytesPerPacket + " bytes per packet");
    }

    @Test
    void horizontalScanListsTheBusiestHostsFirstAndAtMostTwenty() {
        Traffic t = new Traffic(Traffic.portscan());
        for (int i = 0; i < 10; i++) { // 192.0.2.200 gets ten probes first
            t.feed(Traffic.syn("10.1.2.3", "192.0.2.200", 23, T0 + i * MS), 0);
        }
        for (int h = 1; h <= 91; h++) {
            t.feed(Traffic.syn("10.1.2.3", "192.0.2." + h, 23, T0 + SECOND + h * MS), 0);
        }
        assertEquals(1, t.events.size());
        ThreatEvent e = t.events.get(0);
        assertEquals(20, e.attackedHosts().size());
        assertEquals("192.0.2.200", e.attackedHosts().get(0));
        assertEquals("192.0.2.1", e.attackedHosts().get(1), "ties in address order");
        assertEquals(92L, e.counts().get("destinations"));
        assertEquals(1L, e.counts().get("ports"));
    }

    @Test
    void sameRecordsGiveTheSameEvents() {
        List<ThreatEvent> first = run(), second = run();
        assertEquals(3, first.size());
        assertEquals(first, second);
        assertEquals(List.of(T0 / SECOND + 1, T0 / SECOND + 1, T0 / SECOND + 901), first.stream().map(ThreatEvent::timestamp).toList(),
                "the records' time, not the clock's");
    }

    private static List<ThreatEvent> run() {
        Traffic t = new Traffic(Traffic.portscan());
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 150, T0, 10 * MS, 0);
        t.scanPorts("10.1.2.4", "192.0.2.10", 1, 150, T0, 10 * MS, 0);
        t.scanPorts("10.1.2.3", "192.0.2.10", 1, 150, T0 + 900 * SECOND, 10 * MS, 0);
        return List.copyOf(t.events);
    }
}
