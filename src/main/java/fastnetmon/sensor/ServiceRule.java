package fastnetmon.sensor;

import fastnetmon.packet.PacketRecord;

/**
 * The spam and winscan sensors' rule: a connection opened to a watched destination port. TCP: a packet
 * with SYN and no ACK, or a flow (NetFlow, IPFIX) whose flags have SYN, or no flags at all (exporters
 * that send none); UDP, when the sensor takes it, any datagram. Immutable.
 */
final class ServiceRule implements ProbeRule {
    private final PortSet ports;
    private final boolean udp;

    ServiceRule(PortSet ports, boolean udp) {
        this.ports = ports;
        this.udp = udp;
    }

    @Override
    public boolean matches(PacketRecord r) {
        if (r.laterFragment || !ports.contains(r.dstPort)) {
            return false;
        }
        if (r.protocol == PacketRecord.UDP) {
            return udp;
        }
        if (r.protocol != PacketRecord.TCP) {
            return false;
        }
        boolean flow = r.origin >= PacketRecord.ORIGIN_NETFLOW5; // a flow's flags are those of all its packets
        if (r.tcpFlags == 0) {
            return flow;
        }
        return (r.tcpFlags & PacketRecord.TCP_SYN) != 0 && (flow || (r.tcpFlags & PacketRecord.TCP_ACK) == 0);
    }
}
