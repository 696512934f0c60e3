package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;

/** Names an attack from the traffic of the second that triggered it, as FastNetMon does. */
public final class AttackClassifier {
    private AttackClassifier() {
    }

    /** Share of the direction's packets a class must exceed to name the attack after it (FastNetMon: 0.9). */
    static final double DOMINANT_SHARE = 0.9;

    public static String attackType(HostTraffic t, Direction dir) {
        if (!dir.perHost()) {
            return "unknown";
        }
        double total = t.packets[HostTraffic.index(dir, TrafficClass.TOTAL)];
        if (total <= 0) {
            return "unknown";
        }
        double limit = DOMINANT_SHARE * total;
        if (t.packets[HostTraffic.index(dir, TrafficClass.TCP_SYN)] > limit) {
            return "syn_flood";
        }
        if (t.packets[HostTraffic.index(dir, TrafficClass.ICMP)] > limit) {
            return "icmp_flood";
        }
        if (t.packets[HostTraffic.index(dir, TrafficClass.FRAGMENTED)] > limit) {
            return "ip_fragmentation_flood";
        }
        if (t.packets[HostTraffic.index(dir, TrafficClass.UDP)] > limit) {
            return "udp_flood";
        }
        return "unknown";
    }

    /** The protocol with the most packets in that direction: tcp, udp, icmp, or unknown when none. */
    public static String protocol(HostTraffic t, Direction dir) {
        if (!dir.perHost()) {
            return "unknown";
        }
        double tcp = t.packets[HostTraffic.index(dir, TrafficClass.TCP)];
        double udp = t.packets[HostTraffic.index(dir, TrafficClass.UDP)];
        double icmp = t.packets[HostTraffic.index(dir, TrafficClass.ICMP)];
        if (tcp == 0 && udp == 0 && icmp == 0) {
            return "unknown";
        }
        if (tcp >= udp && tcp >= icmp) {
            return "tcp";
        }
        return udp >= icmp ? "udp" : "icmp";
    }
}
