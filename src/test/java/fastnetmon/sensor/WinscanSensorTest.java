package fastnetmon.sensor;

import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.sensor.Traffic.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WinscanSensorTest {
    private static final long MS = 1_000_000L;

    private static Traffic winscan() {
        return new Traffic(Traffic.only("winscan", 60, 50, Traffic.ports("137-139,445,3389"), List.of()));
    }

    private static void sweep(Traffic t, String src, int protocol, int port, int hosts, int flags) {
        for (int h = 0; h < hosts; h++) {
            t.feed(Traffic.flow(src, "10.9." + (h / 256) + "." + (h % 256), protocol, port, flags, 1, 52, T0 + h * 20 * MS), 1);
        }
    }

    @Test
    void smbSweepOverAHundredHostsIsOneEvent() {
        Traffic t = winscan();
        sweep(t, "10.7.0.9", PacketRecord.TCP, 445, 100, PacketRecord.TCP_SYN);
        assertEquals(1, t.events.size(), t.events.toString());
        ThreatEvent e = t.events.get(0);
        assertEquals("winscan", e.type());
        assertEquals("10.7.0.9", e.offender());
        assertEquals("10.8.2.2", e.observer());
        assertEquals(51L, e.counts().get("destinations"));
        assertEquals(1L, e.counts().get("ports"));
    }

    @Test
    void netbiosOverUdpAndRdpCountToo() {
        Traffic udp = winscan();
        sweep(udp, "10.7.0.9", PacketRecord.UDP, 137, 100, 0);
        assertEquals(1, udp.events.size());
        Traffic rdp = winscan();
        sweep(rdp, "10.7.0.9", PacketRecord.TCP, 3389, 100, PacketRecord.TCP_SYN | PacketRecord.TCP_RST);
        assertEquals(1, rdp.events.size());
    }

    @Test
    void fewHostsOrOtherServicesAreNoEvent() {
        Traffic t = winscan();
        sweep(t, "10.7.0.9", PacketRecord.TCP, 445, 50, PacketRecord.TCP_SYN);
        sweep(t, "10.7.0.10", PacketRecord.TCP, 80, 100, PacketRecord.TCP_SYN);
        sweep(t, "10.7.0.11", PacketRecord.ICMP, 445, 100, 0);
        assertEquals(List.of(), t.events);
    }
}
