package fastnetmon.mitigation;

import java.util.List;

/**
 * The text commands ExaBGP 4's API reads ({@code encoder text}), one line each, without the newline:
 * <ul>
 * <li>a blackhole as FastNetMon CE writes it: {@code announce route 10.10.10.123/32 next-hop 10.0.3.114
 * community 65001:666}, several communities as {@code community [65001:666 65001:777]}, and
 * {@code withdraw route 10.10.10.123/32 next-hop 10.0.3.114}; IPv6 the same with its next hop;</li>
 * <li>a FlowSpec rule in ExaBGP's one-line flow form: {@code announce flow route destination 10.0.0.1/32
 * protocol =17 source-port =123 discard} (or {@code rate-limit BYTES}), and {@code withdraw flow route}
 * with the match only (the NLRI is the rule's identity).</li>
 * </ul>
 * Checked against ExaBGP 4.2.21 (the test peers it with BIRD). Threading: stateless; any thread.
 */
public final class ExaBgpCommands {
    // ExaBGP's names for the TCP flag bits (fin 1 ... cwr 128); "push", not "psh".
    private static final String[] TCP_FLAGS = {"fin", "syn", "rst", "push", "ack", "urg", "ece", "cwr"};

    private ExaBgpCommands() {
    }

    /** The line that puts {@code a} in force; IllegalArgumentException for what ExaBGP cannot carry (an ipset member). */
    public static String announce(Announcement a) {
        if (a instanceof Route r) {
            return "announce route " + r.prefix() + " next-hop " + r.nextHop() + communities(r.communities());
        }
        if (a instanceof FlowSpecRule f) {
            return "announce flow route " + match(f)
                    + (f.rateBytesPerSecond() == 0 ? " discard" : " rate-limit " + f.rateBytesPerSecond());
        }
        throw notCarried(a);
    }

    /** The line that takes {@code a} out. */
    public static String withdraw(Announcement a) {
        if (a instanceof Route r) {
            // FastNetMon names the next hop too; ExaBGP finds the route by its prefix either way.
            return "withdraw route " + r.prefix() + " next-hop " + r.nextHop();
        }
        if (a instanceof FlowSpecRule f) {
            return "withdraw flow route " + match(f);
        }
        throw notCarried(a);
    }

    private static IllegalArgumentException notCarried(Announcement a) {
        return new IllegalArgumentException("ExaBGP carries routes and FlowSpec rules, not " + a.text());
    }

    private static String communities(List<String> c) {
        if (c.isEmpty()) {
            return "";
        }
        return c.size() == 1 ? " community " + c.get(0) : " community [" + String.join(" ", c) + "]";
    }

    /** The match components: numeric values with "=" (ExaBGP's default operator, written out). */
    private static String match(FlowSpecRule f) {
        StringBuilder sb = new StringBuilder("destination ").append(f.destination());
        if (f.protocol() >= 0) {
            // IPv6 (RFC 8956) names the component next-header; ExaBGP refuses "protocol" in an IPv6 rule.
            sb.append(f.ipv6() ? " next-header =" : " protocol =").append(f.protocol());
        }
        if (f.srcPort() >= 0) {
            sb.append(" source-port =").append(f.srcPort());
        }
        if (f.dstPort() >= 0) {
            sb.append(" destination-port =").append(f.dstPort());
        }
        if (f.tcpFlags() > 0) {
            // "=" is the match bit: every flag given must be set (without it, any one of them would do).
            sb.append(" tcp-flags =").append(tcpFlags(f.tcpFlags()));
        }
        if (f.fragments()) {
            sb.append(" fragment is-fragment");
        }
        return sb.toString();
    }

    private static String tcpFlags(int bits) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < TCP_FLAGS.length; bit++) {
            if ((bits & (1 << bit)) != 0) {
                sb.append(sb.isEmpty() ? "" : "+").append(TCP_FLAGS[bit]);
            }
        }
        return sb.toString();
    }
}
