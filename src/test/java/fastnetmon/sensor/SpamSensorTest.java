package fastnetmon.sensor;

import fastnetmon.networks.Cidr;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.sensor.Traffic.SECOND;
import static fastnetmon.sensor.Traffic.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SpamSensorTest {
    private static final int FULL_SESSION = PacketRecord.TCP_SYN | PacketRecord.TCP_ACK | PacketRecord.TCP_PSH | PacketRecord.TCP_FIN;

    private static SensorSettings spam(List<Cidr> whitelist) {
        return Traffic.only("spam", 60, 20, Traffic.ports("25,465,587"), whitelist);
    }

    /** One SMTP session flow (as NetFlow sees it) from src to each of {@code servers} mail servers. */
    private static void sessions(Traffic t, String src, int servers, int port, long t0) {
        for (int i = 1; i <= servers; i++) {
            t.feed(Traffic.flow(src, "203.0.113." + i, PacketRecord.TCP, port, FULL_SESSION, 12, 400, t0 + i * SECOND), 2);
        }
    }

    @Test
    void sessionsToThirtyMailServersAreOneEvent() {
        Traffic t = new Traffic(spam(List.of()));
        sessions(t, "10.4.4.4", 30, 25, T0);
        assertEquals(1, t.events.size(), t.events.toString());
        ThreatEvent e = t.events.get(0);
        assertEquals("spam", e.type());
        assertEquals("10.4.4.4", e.offender());
        assertEquals("10.8.2.3", e.observer());
        assertEquals(21L, e.counts().get("destinations"), "reported at the 21st server");
        assertEquals(20, e.attackedHosts().size(), "listed at most twenty");
        assertEquals(252L, e.counts().get("packets"));
    }

    @Test
    void twentyServersOrManyConnectionsToOneAreNoEvent() {
        Traffic t = new Traffic(spam(List.of()));
        sessions(t, "10.4.4.4", 20, 25, T0);
        for (int i = 0; i < 500; i++) { // a client submitting through its one provider
            t.feed(Traffic.flow("10.4.4.5", "203.0.113.1", PacketRecord.TCP, 587, FULL_SESSION, 12, 400, T0 + i * 100_000_000L), 2);
        }
        assertEquals(List.of(), t.events);
    }

    @Test
    void onlyTheWatchedPortsCount() {
        Traffic t = new Traffic(spam(List.of()));
        sessions(t, "10.4.4.4", 30, 80, T0);
        for (int i = 1; i <= 30; i++) { // SMTP is TCP
            t.feed(Traffic.flow("10.4.4.5", "203.0.113." + i, PacketRecord.UDP, 25, 0, 1, 60, T0 + i * SECOND), 0);
        }
        assertEquals(List.of(), t.events);
        sessions(t, "10.4.4.6", 30, 465, T0);
        assertEquals(List.of("10.4.4.6"), t.events.stream().map(ThreatEvent::offender).toList());
    }

    @Test
    void ourMailRelayIsWhitelisted() {
        Traffic t = new Traffic(spam(List.of(Cidr.parse("10.4.4.4"))));
        sessions(t, "10.4.4.4", 30, 25, T0);
        assertEquals(List.of(), t.events);
    }

    @Test
    void mirrorPacketsCountTheOpeningSynOnly() {
        Traffic t = new Traffic(spam(List.of()));
        for (int i = 1; i <= 30; i++) { // the rest of each session: no SYN, or the server's SYN-ACK
            t.feed(Traffic.packet("10.4.4.4", "203.0.113." + i, PacketRecord.TCP, 25, PacketRecord.TCP_ACK | PacketRecord.TCP_PSH, 500, T0 + i * SECOND), 3);
            t.feed(Traffic.packet("10.4.4.4", "203.0.113." + i, PacketRecord.TCP, 25, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK, 60, T0 + i * SECOND), 3);
        }
        assertEquals(List.of(), t.events);
        for (int i = 1; i <= 30; i++) {
            t.feed(Traffic.packet("10.4.4.4", "203.0.113." + i, PacketRecord.TCP, 25, PacketRecord.TCP_SYN, 60, T0 + 40 * SECOND + i * 10_000_000L), 3);
        }
        assertEquals(1, t.events.size());
        assertEquals("eth1", t.events.get(0).observer());
    }

    @Test
    void flowsWithoutFlagsCountButPacketsWithoutFlagsDoNot() {
        Traffic flows = new Traffic(spam(List.of()));
        sessionsWithFlags(flows, 0, PacketRecord.ORIGIN_IPFIX);
        assertEquals(1, flows.events.size(), "an exporter that sends no flags");
        Traffic packets = new Traffic(spam(List.of()));
        sessionsWithFlags(packets, 0, PacketRecord.ORIGIN_SFLOW);
        assertEquals(List.of(), packets.events);
    }

    private static void sessionsWithFlags(Traffic t, int flags, int origin) {
        for (int i = 1; i <= 30; i++) {
            PacketRecord r = Traffic.flow("10.4.4.4", "203.0.113." + i, PacketRecord.TCP, 25, flags, 1, 60, T0 + i * SECOND);
            r.origin = origin;
            t.feed(r, 0);
        }
    }

    @Test
    void serversSpreadOverMoreThanTheWindowAreNoEvent() {
        Traffic t = new Traffic(spam(List.of()));
        for (int i = 1; i <= 60; i++) { // one new server every 5 s: 12 in any minute
            t.feed(Traffic.flow("10.4.4.4", "203.0.113." + i, PacketRecord.TCP, 25, FULL_SESSION, 12, 400, T0 + i * 5 * SECOND), 0);
        }
        assertEquals(List.of(), t.events);
    }
}
