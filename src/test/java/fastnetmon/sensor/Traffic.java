package fastnetmon.sensor;

import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.packet.PacketRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic input for the sensor tests: packet records as the flow collectors and capture fill them, a
 * sink that keeps the events, and sensors built from settings with our networks 10.0.0.0/8 and
 * 2001:db8:10::/48.
 */
final class Traffic {
    static final List<Cidr> OURS = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:10::/48"));
    /** 2026-01-01T00:00:00Z in nanoseconds: records carry their own time. */
    static final long T0 = 1_767_225_600_000_000_000L;
    static final long SECOND = 1_000_000_000L;
    static final String[] OBSERVERS = {"10.8.2.1", "10.8.2.2", "10.8.2.3", "eth1"};

    final List<ThreatEvent> events = new ArrayList<>();
    final Sensors sensors;

    Traffic(SensorSettings settings) {
        sensors = Sensors.create(settings, OURS, i -> OBSERVERS[i], events::add);
    }

    /** Settings with one sensor on and the others off; defaults as the configuration's. */
    static SensorSettings only(String type, int window, int threshold, PortSet ports, List<Cidr> whitelist) {
        SensorSettings.Spec on = new SensorSettings.Spec(type, true, window, threshold, ports, whitelist, null);
        return new SensorSettings(
                type.equals("portscan") ? on : spec("portscan", false, 100, PortSet.none()),
                type.equals("spam") ? on : spec("spam", false, 20, ports("25,465,587")),
                type.equals("winscan") ? on : spec("winscan", false, 50, ports("137-139,445,3389")),
                600, 16384, false);
    }

    static SensorSettings.Spec spec(String type, boolean on, int threshold, PortSet ports) {
        return new SensorSettings.Spec(type, on, 60, threshold, ports, List.of(), null);
    }

    static SensorSettings portscan() {
        return only("portscan", 60, 100, PortSet.none(), List.of());
    }

    static PortSet ports(String list) {
        return PortSet.parse("test_ports", List.of(list.split(",")));
    }

    static int v4(String text) {
        return IpAddresses.parseV4(text);
    }

    /** A NetFlow v9 flow of {@code packets} packets of {@code bytesPerPacket} IP bytes each. */
    static PacketRecord flow(String src, String dst, int protocol, int dstPort, int flags, int packets, int bytesPerPacket, long t) {
        PacketRecord r = new PacketRecord();
        r.reset();
        long[] s = IpAddresses.parse(src), d = IpAddresses.parse(dst);
        if (IpAddresses.isV4Mapped(s[0], s[1])) {
            r.setIpv4((int) s[1], (int) d[1]);
        } else {
            r.setIpv6(s[0], s[1], d[0], d[1]);
        }
        r.protocol = protocol;
        r.srcPort = 40000 + (dstPort % 1000);
        r.dstPort = dstPort;
        r.tcpFlags = flags;
        r.packets = packets;
        r.bytes = (long) packets * bytesPerPacket;
        r.length = bytesPerPacket;
        r.ipLength = bytesPerPacket;
        r.origin = PacketRecord.ORIGIN_NETFLOW9;
        r.timestampNanos = t;
        return r;
    }

    /** A SYN probe: one packet of 44 bytes (IPv4, TCP with MSS), as nmap sends. */
    static PacketRecord syn(String src, String dst, int dstPort, long t) {
        return flow(src, dst, PacketRecord.TCP, dstPort, PacketRecord.TCP_SYN, 1, 44, t);
    }

    /** A captured packet (mirror): the frame is 14 bytes longer than the IP packet. */
    static PacketRecord packet(String src, String dst, int protocol, int dstPort, int flags, int ipBytes, long t) {
        PacketRecord r = flow(src, dst, protocol, dstPort, flags, 1, ipBytes, t);
        r.origin = PacketRecord.ORIGIN_CAPTURE;
        r.length = ipBytes + 14;
        r.bytes = ipBytes + 14;
        return r;
    }

    void feed(PacketRecord r, int observer) {
        sensors.onRecord(r, observer);
    }

    /** {@code count} SYN probes from src to dst on ports first.., one every {@code gap} nanoseconds from t. */
    void scanPorts(String src, String dst, int first, int count, long t, long gap, int observer) {
        for (int i = 0; i < count; i++) {
            feed(syn(src, dst, first + i, t + i * gap), observer);
        }
    }
}
