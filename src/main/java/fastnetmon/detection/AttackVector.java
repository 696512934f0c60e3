package fastnetmon.detection;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;

import java.util.List;
import java.util.Map;

/**
 * Names what an attack's traffic is (its {@code attack_vector}), finer than FastNetMon's attack_type:
 * reflection/amplification by UDP source port, the TCP floods by their flags, GRE, fragments, ICMP.
 * Decided off the hot path from the ban's sample packets: a kind wins when more than half of the sampled
 * packets are of it (a flow record's sample counts for the packets it stands for). Before any sample has
 * arrived only the per-class counters of the triggering second are known, which tell SYN, UDP, ICMP and
 * fragments apart. Stateless.
 */
public final class AttackVector {
    private AttackVector() {
    }

    public static final String UNKNOWN = "unknown";

    /** UDP source ports of the services abused for reflection, and the vector each names. */
    static final Map<Integer, String> AMPLIFIERS = Map.ofEntries(
            Map.entry(53, "dns_amplification"), Map.entry(123, "ntp_amplification"),
            Map.entry(1900, "ssdp_amplification"), Map.entry(11211, "memcached_amplification"),
            Map.entry(389, "cldap_amplification"), Map.entry(161, "snmp_amplification"),
            Map.entry(19, "chargen_amplification"), Map.entry(3702, "ws_discovery_amplification"),
            Map.entry(3283, "arms_amplification"), Map.entry(5683, "coap_amplification"),
            Map.entry(5353, "mdns_amplification"), Map.entry(137, "netbios_amplification"),
            Map.entry(111, "portmap_amplification"), Map.entry(1194, "openvpn_amplification"),
            Map.entry(47808, "bacnet_amplification"), Map.entry(69, "tftp_amplification"),
            Map.entry(10001, "ubiquiti_amplification"));

    private static final int FIN = 1, SYN = 2, RST = 4, ACK = 16;

    /** The vector of the sampled packets, or, with none, of the counters of the triggering second. */
    public static String of(List<SamplePacket> samples, HostTraffic initial, Direction dir) {
        return samples.isEmpty() ? fromCounters(initial, dir) : fromSamples(samples);
    }

    static String fromSamples(List<SamplePacket> samples) {
        long total = 0;
        long[] kinds = new long[Kind.values().length];
        java.util.HashMap<Integer, Long> udpSrc = new java.util.HashMap<>();
        for (SamplePacket p : samples) {
            long n = Math.max(1, p.packets());
            total += n;
            kinds[kind(p).ordinal()] += n;
            if (p.protocol() == 17 && AMPLIFIERS.containsKey(p.srcPort())) {
                udpSrc.merge(p.srcPort(), n, Long::sum);
            }
            if (p.fragmented()) {
                kinds[Kind.FRAGMENT.ordinal()] += n;
            }
        }
        for (Map.Entry<Integer, Long> e : udpSrc.entrySet()) {
            if (2 * e.getValue() > total) {
                return AMPLIFIERS.get(e.getKey());
            }
        }
        // Kinds other than FRAGMENT exclude each other, so at most one of them can pass half.
        for (Kind k : Kind.values()) {
            if (k.vector != null && 2 * kinds[k.ordinal()] > total) {
                return k.vector;
            }
        }
        return UNKNOWN;
    }

    /** Only the traffic classes are counted per host: SYN, UDP, ICMP, fragments. */
    static String fromCounters(HostTraffic t, Direction dir) {
        if (t == null || !dir.perHost()) {
            return UNKNOWN;
        }
        double total = t.packets[HostTraffic.index(dir, TrafficClass.TOTAL)];
        if (total <= 0) {
            return UNKNOWN;
        }
        int[] classes = {TrafficClass.TCP_SYN, TrafficClass.UDP, TrafficClass.ICMP, TrafficClass.FRAGMENTED};
        String[] vectors = {"syn_flood", "udp_flood", "icmp_flood", "ip_fragmentation_flood"};
        for (int i = 0; i < classes.length; i++) {
            if (2 * t.packets[HostTraffic.index(dir, classes[i])] > total) {
                return vectors[i];
            }
        }
        return UNKNOWN;
    }

    /** Disjoint kinds of a packet (FRAGMENT is counted apart, on top of its kind). */
    private enum Kind {
        SYN_ACK("syn_ack_reflection"), SYN("syn_flood"), RST("rst_flood"), ACK("ack_flood"), GRE("gre_flood"),
        FRAGMENT("ip_fragmentation_flood"), ICMP("icmp_flood"), UDP("udp_flood"), OTHER(null);

        final String vector;

        Kind(String vector) {
            this.vector = vector;
        }
    }

    private static Kind kind(SamplePacket p) {
        switch (p.protocol()) {
            case 6: {
                int f = p.tcpFlags();
                if ((f & SYN) != 0) {
                    return (f & ACK) != 0 ? Kind.SYN_ACK : Kind.SYN;
                }
                if ((f & RST) != 0) {
                    return Kind.RST;
                }
                return (f & ACK) != 0 && (f & FIN) == 0 ? Kind.ACK : Kind.OTHER;
            }
            case 17:
                return Kind.UDP;
            case 1:
            case 58:
                return Kind.ICMP;
            case 47:
                return Kind.GRE;
            default:
                return Kind.OTHER;
        }
    }
}
