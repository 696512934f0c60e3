package fastnetmon.sensor;

import fastnetmon.packet.PacketRecord;

/**
 * The port scan sensor's probe: what a scanner sends and a normal connection does not look like in a flow.
 * TCP with SYN alone (an unanswered or refused attempt) of at most {@value #SYN_BITS} bits per packet,
 * TCP with SYN and RST (a half-open "SYN scan" that resets the answered probe) of at most
 * {@value #SYN_RST_BITS}, UDP of at most {@value #UDP_BITS} (an empty datagram over IPv4 is exactly 224
 * bits, so "under 224" would never match: the limits are inclusive). IPv6's header is 160 bits longer, so
 * its limits are too. PSH, URG, ECE and CWR do not change what a flow is. Destination ports among the
 * exceptions are not probes. Immutable.
 */
final class PortscanRule implements ProbeRule {
    static final int SYN_BITS = 1000, SYN_RST_BITS = 500, UDP_BITS = 224, IPV6_EXTRA_BITS = 160;
    private static final int SHAPE = PacketRecord.TCP_SYN | PacketRecord.TCP_ACK | PacketRecord.TCP_RST | PacketRecord.TCP_FIN;

    private final PortSet exceptions;

    PortscanRule(PortSet exceptions) {
        this.exceptions = exceptions;
    }

    @Override
    public boolean matches(PacketRecord r) {
        if (r.laterFragment || (r.protocol != PacketRecord.TCP && r.protocol != PacketRecord.UDP) || exceptions.contains(r.dstPort)) {
            return false;
        }
        long bits = ProbeRule.bitsPerPacket(r);
        int extra = r.ipVersion == 6 ? IPV6_EXTRA_BITS : 0;
        if (r.protocol == PacketRecord.UDP) {
            return bits <= UDP_BITS + extra;
        }
        int shape = r.tcpFlags & SHAPE;
        if (shape == PacketRecord.TCP_SYN) {
            return bits <= SYN_BITS + extra;
        }
        return shape == (PacketRecord.TCP_SYN | PacketRecord.TCP_RST) && bits <= SYN_RST_BITS + extra;
    }
}
