package fastnetmon.detection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an attack's traffic looks like: for each of a few dimensions (protocol, source and destination
 * port, TCP flags, packet-size bucket, TTL) the most frequent values with their share of the sampled
 * packets. Made off the hot path from the sample packets of a ban (a flow record's sample counts for the
 * packets it stands for). Immutable.
 *
 * @param sampledPackets packets the shares are of (0: no samples, every list empty)
 * @param dimensions     one entry per {@link Dimension}, in its order
 */
public record Fingerprint(long sampledPackets, List<Top> dimensions) {
    /** How many values each dimension keeps. */
    public static final int TOP = 5;

    public static final Fingerprint EMPTY = of(List.of());

    /** What a fingerprint counts; {@code numeric} values are written as JSON numbers. */
    public enum Dimension {
        PROTOCOL("protocols", false), SRC_PORT("src_ports", true), DST_PORT("dst_ports", true),
        TCP_FLAGS("tcp_flags", false), PACKET_SIZE("packet_sizes", false), TTL("ttls", true);

        public final String key;
        public final boolean numeric;

        Dimension(String key, boolean numeric) {
            this.key = key;
            this.numeric = numeric;
        }
    }

    /** One value and its share (0..1) of the sampled packets. */
    public record Share(String value, long packets, double share) {
    }

    /** A dimension's most frequent values, most packets first. */
    public record Top(Dimension dimension, List<Share> shares) {
    }

    /** Upper bounds (exclusive) of the packet-size buckets, in bytes of the packet as counted. */
    private static final int[] SIZE_LIMITS = {64, 128, 256, 512, 1024, 1500};
    private static final String[] SIZE_NAMES = {"0-63", "64-127", "128-255", "256-511", "512-1023", "1024-1499", "1500+"};

    public static Fingerprint of(List<SamplePacket> samples) {
        List<Map<String, Long>> counts = new ArrayList<>();
        for (int i = 0; i < Dimension.values().length; i++) {
            counts.add(new HashMap<>());
        }
        long total = 0;
        for (SamplePacket p : samples) {
            long n = Math.max(1, p.packets());
            total += n;
            add(counts, Dimension.PROTOCOL, protocolName(p.protocol()), n);
            if (hasPorts(p.protocol())) {
                add(counts, Dimension.SRC_PORT, Integer.toString(p.srcPort()), n);
                add(counts, Dimension.DST_PORT, Integer.toString(p.dstPort()), n);
            }
            if (p.protocol() == 6) {
                add(counts, Dimension.TCP_FLAGS, tcpFlags(p.tcpFlags()), n);
            }
            add(counts, Dimension.PACKET_SIZE, sizeBucket(packetSize(p)), n);
            add(counts, Dimension.TTL, Integer.toString(p.ttl()), n);
        }
        List<Top> tops = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            tops.add(new Top(d, top(counts.get(d.ordinal()), total, d.numeric)));
        }
        return new Fingerprint(total, List.copyOf(tops));
    }

    public Top top(Dimension d) {
        return dimensions.get(d.ordinal());
    }

    /** The share of sampled packets with this value in that dimension (0 when not among the top). */
    public double share(Dimension d, String value) {
        for (Share s : top(d).shares()) {
            if (s.value().equals(value)) {
                return s.share();
            }
        }
        return 0;
    }

    /** Lines for a person: {@code src_port: 123 98%, 53 2%}, one per dimension with values. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Top t : dimensions) {
            if (t.shares().isEmpty()) {
                continue;
            }
            StringBuilder sb = new StringBuilder(t.dimension().name().toLowerCase()).append(": ");
            for (int i = 0; i < t.shares().size(); i++) {
                Share s = t.shares().get(i);
                sb.append(i == 0 ? "" : ", ").append(s.value()).append(' ').append(percent(s.share()));
            }
            out.add(sb.toString());
        }
        return out;
    }

    static String percent(double share) {
        long p = Math.round(share * 100);
        return p == 0 && share > 0 ? "<1%" : p + "%";
    }

    /** Protocols with source and destination ports in their samples. */
    static boolean hasPorts(int protocol) {
        return protocol == 6 || protocol == 17;
    }

    static String protocolName(int protocol) {
        return switch (protocol) {
            case 1 -> "icmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 47 -> "gre";
            case 58 -> "icmpv6";
            default -> Integer.toString(protocol);
        };
    }

    /** The fingerprint's protocol value back to its number ({@link #protocolName}'s inverse); -1 for none. */
    public static int protocolNumber(String name) {
        return switch (name) {
            case "icmp" -> 1;
            case "tcp" -> 6;
            case "udp" -> 17;
            case "gre" -> 47;
            case "icmpv6" -> 58;
            default -> {
                try {
                    yield Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    yield -1;
                }
            }
        };
    }

    /** TCP flag names by bit (fin 1, syn 2, rst 4, psh 8, ack 16, urg 32). */
    private static final String[] TCP_FLAG_NAMES = {"fin", "syn", "rst", "psh", "ack", "urg"};

    /** syn, syn+ack, ack, psh+ack, rst+ack...: the flags set among fin, syn, rst, psh, ack, urg; "none" when none. */
    public static String tcpFlags(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < TCP_FLAG_NAMES.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                sb.append(sb.length() == 0 ? "" : "+").append(TCP_FLAG_NAMES[bit]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** The fingerprint's TCP flags value ("syn+ack") back to its bits ({@link #tcpFlags}' inverse; "none": 0). */
    public static int tcpFlagBits(String names) {
        int bits = 0;
        for (String n : names.split("\\+")) {
            for (int bit = 0; bit < TCP_FLAG_NAMES.length; bit++) {
                if (TCP_FLAG_NAMES[bit].equals(n)) {
                    bits |= 1 << bit;
                }
            }
        }
        return bits;
    }

    /** A flow record's sample stands for many packets: its average size. */
    private static long packetSize(SamplePacket p) {
        return p.fromFlowRecord() && p.packets() > 0 ? p.bytes() / p.packets() : p.length();
    }

    static String sizeBucket(long size) {
        for (int i = 0; i < SIZE_LIMITS.length; i++) {
            if (size < SIZE_LIMITS[i]) {
                return SIZE_NAMES[i];
            }
        }
        return SIZE_NAMES[SIZE_NAMES.length - 1];
    }

    private static void add(List<Map<String, Long>> counts, Dimension d, String value, long n) {
        counts.get(d.ordinal()).merge(value, n, Long::sum);
    }

    private static List<Share> top(Map<String, Long> counts, long total, boolean numeric) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> {
            int c = Long.compare(b.getValue(), a.getValue());
            if (c != 0) {
                return c;
            }
            return numeric ? Long.compare(Long.parseLong(a.getKey()), Long.parseLong(b.getKey())) : a.getKey().compareTo(b.getKey());
        });
        List<Share> out = new ArrayList<>();
        for (int i = 0; i < entries.size() && i < TOP; i++) {
            Map.Entry<String, Long> e = entries.get(i);
            out.add(new Share(e.getKey(), e.getValue(), (double) e.getValue() / total));
        }
        return List.copyOf(out);
    }
}
