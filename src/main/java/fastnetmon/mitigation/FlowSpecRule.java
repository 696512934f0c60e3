package fastnetmon.mitigation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.detection.Fingerprint;
import fastnetmon.networks.Cidr;

/**
 * A BGP FlowSpec rule (RFC 8955, RFC 8956 for IPv6): traffic to {@code destination} matching every
 * component that is set is discarded ({@code rateBytesPerSecond} 0) or limited to that rate. Its
 * identity is the match (the NLRI); the rate is an attribute, so a withdrawal names the match only.
 *
 * @param destination        the attacked host (/32, /128)
 * @param protocol           IP protocol (IPv6: next header) to match, -1: any
 * @param srcPort            source port to match (TCP, UDP), -1: any
 * @param dstPort            destination port to match, -1: any
 * @param tcpFlags           TCP flags that must all be set (bits: fin 1, syn 2, rst 4, psh 8, ack 16, urg 32), -1: any
 * @param fragments          match fragments only
 * @param rateBytesPerSecond 0: discard; else the traffic-rate in bytes per second
 */
public record FlowSpecRule(Cidr destination, int protocol, int srcPort, int dstPort, int tcpFlags, boolean fragments,
                           long rateBytesPerSecond) implements Announcement {
    static final String KIND = "flowspec";

    @Override
    public String key() {
        return KIND + " " + match();
    }

    @Override
    public boolean ipv6() {
        return !destination.isV4();
    }

    /** The match components as text: "destination 10.0.0.1/32 protocol 17 source-port 123". */
    public String match() {
        StringBuilder sb = new StringBuilder("destination ").append(destination);
        if (protocol >= 0) {
            sb.append(" protocol ").append(protocol);
        }
        if (srcPort >= 0) {
            sb.append(" source-port ").append(srcPort);
        }
        if (dstPort >= 0) {
            sb.append(" destination-port ").append(dstPort);
        }
        if (tcpFlags >= 0) {
            sb.append(" tcp-flags ").append(Fingerprint.tcpFlags(tcpFlags));
        }
        if (fragments) {
            sb.append(" fragment");
        }
        return sb.toString();
    }

    @Override
    public String text() {
        return "flowspec " + match() + (rateBytesPerSecond == 0 ? " discard" : " rate-limit " + rateBytesPerSecond);
    }

    @Override
    public ObjectNode toJson(ObjectNode into) {
        return into.put("kind", KIND).put("destination", destination.toString()).put("protocol", protocol)
                .put("src_port", srcPort).put("dst_port", dstPort).put("tcp_flags", tcpFlags).put("fragments", fragments)
                .put("rate", rateBytesPerSecond);
    }

    static FlowSpecRule fromJson(JsonNode n) {
        return new FlowSpecRule(Cidr.parse(n.path("destination").asText()), n.path("protocol").asInt(-1),
                n.path("src_port").asInt(-1), n.path("dst_port").asInt(-1), n.path("tcp_flags").asInt(-1),
                n.path("fragments").asBoolean(), n.path("rate").asLong());
    }
}
