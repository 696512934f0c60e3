package fastnetmon.source.flow;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The protocol of a datagram from the port it was sent to: an sFlow port means sFlow v5; a NetFlow port
 * means NetFlow v5, v9 or IPFIX by the version field (sFlow's version is 5 too, so the port must decide);
 * any other port (an export replay of a capture with other ports) lets the decoder take it from the
 * version field. Immutable.
 */
final class FlowPorts {
    private final int[] sflow, netflow;

    FlowPorts(List<Integer> sflow, List<Integer> netflow) {
        this.sflow = sflow.stream().mapToInt(Integer::intValue).toArray();
        this.netflow = netflow.stream().mapToInt(Integer::intValue).toArray();
    }

    FlowProtocol protocol(int port, ByteBuffer buf, int offset, int length) {
        for (int p : sflow) {
            if (p == port) {
                return FlowProtocol.SFLOW5;
            }
        }
        for (int p : netflow) {
            if (p == port) {
                if (length < 2) {
                    return null;
                }
                return switch (buf.getShort(offset)) {
                    case 5 -> FlowProtocol.NETFLOW5;
                    case 9 -> FlowProtocol.NETFLOW9;
                    case 10 -> FlowProtocol.IPFIX;
                    default -> null;
                };
            }
        }
        return null;
    }
}
