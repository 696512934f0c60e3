package fastnetmon.mitigation;

import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.detection.Fingerprint;
import fastnetmon.detection.Fingerprint.Dimension;
import fastnetmon.detection.SamplePacket;
import fastnetmon.networks.Cidr;

import java.util.List;
import java.util.Locale;

/**
 * Makes a FlowSpec rule that matches an attack and not the victim's other traffic, from the fingerprint of
 * its sample packets: destination the host, and every value that covers at least {@code minShare} of the
 * samples: the protocol, the source port, the destination port, the TCP flags (all must be set), or
 * fragments. A rule is made only when it is narrow: a dominant protocol, and for TCP and UDP a dominant
 * port or (TCP) flags too; or fragments. Otherwise it says why not.
 *
 * <p>Threading: stateless; any thread.
 */
public final class FlowSpecPlanner {
    /** A rule, or why none is made (exactly one of the two is non-null). */
    public record Result(FlowSpecRule rule, String whyNot) {
    }

    private FlowSpecPlanner() {
    }

    public static Result plan(Attack attack, FlowSpecSettings settings) {
        if (attack.direction != Direction.INCOMING) {
            return new Result(null, "a FlowSpec rule filters traffic towards us; this attack is " + attack.direction.text());
        }
        Fingerprint f = attack.fingerprint();
        if (f.sampledPackets() == 0) {
            return new Result(null, "no sample packets to make a rule from");
        }
        double min = settings.minShare();
        Cidr dst = Cidr.parse(attack.ip + (attack.ip.indexOf(':') >= 0 ? "/128" : "/32"));
        boolean fragments = fragmentShare(attack.samples) >= min;
        Fingerprint.Share proto = dominant(f, Dimension.PROTOCOL, min);
        int protocol = proto == null ? -1 : Fingerprint.protocolNumber(proto.value());
        if (protocol < 0 && !fragments) {
            return new Result(null, "no protocol covers " + percent(min) + " of the samples (" + topText(f, Dimension.PROTOCOL) + ")");
        }
        int srcPort = -1, dstPort = -1, flags = -1;
        if (protocol == 6 || protocol == 17) {
            srcPort = port(dominant(f, Dimension.SRC_PORT, min));
            dstPort = port(dominant(f, Dimension.DST_PORT, min));
            if (protocol == 6) {
                Fingerprint.Share fl = dominant(f, Dimension.TCP_FLAGS, min);
                flags = fl == null || fl.value().equals("none") ? -1 : Fingerprint.tcpFlagBits(fl.value());
            }
            if (srcPort < 0 && dstPort < 0 && flags < 0 && !fragments) {
                return new Result(null, "no port" + (protocol == 6 ? " nor TCP flags" : "") + " covers " + percent(min)
                        + " of the samples (source ports " + topText(f, Dimension.SRC_PORT) + "; destination ports "
                        + topText(f, Dimension.DST_PORT) + "): a rule would drop all " + proto.value() + " to the host");
            }
        }
        return new Result(new FlowSpecRule(dst, protocol, srcPort, dstPort, flags, fragments, settings.rateBytesPerSecond()), null);
    }

    private static Fingerprint.Share dominant(Fingerprint f, Dimension d, double min) {
        List<Fingerprint.Share> shares = f.top(d).shares();
        return !shares.isEmpty() && shares.get(0).share() >= min ? shares.get(0) : null;
    }

    private static double fragmentShare(List<SamplePacket> samples) {
        long all = 0, frag = 0;
        for (SamplePacket p : samples) {
            long n = Math.max(1, p.packets());
            all += n;
            frag += p.fragmented() ? n : 0;
        }
        return all == 0 ? 0 : (double) frag / all;
    }

    private static int port(Fingerprint.Share s) {
        return s == null ? -1 : Integer.parseInt(s.value());
    }

    private static String topText(Fingerprint f, Dimension d) {
        List<Fingerprint.Share> shares = f.top(d).shares();
        if (shares.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(3, shares.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(shares.get(i).value()).append(' ').append(percent(shares.get(i).share()));
        }
        return sb.toString();
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
