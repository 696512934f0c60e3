package fastnetmon.sensor;

import fastnetmon.packet.PacketRecord;

/** What a sensor counts: a per-record filter on protocol, flags, bits per packet and ports. Stateless. */
@FunctionalInterface
public interface ProbeRule {
    boolean matches(PacketRecord r);

    /**
     * Bits per packet at the IP layer: the IP total length for a packet (flows set it to their bytes per
     * packet too), else bytes * 8 / packets; so one limit fits mirror traffic (whose frame length has the
     * Ethernet header) and flows.
     */
    static long bitsPerPacket(PacketRecord r) {
        if (r.ipLength > 0) {
            return r.ipLength * 8L;
        }
        return r.packets > 0 ? r.bytes * 8 / r.packets : Long.MAX_VALUE;
    }
}
