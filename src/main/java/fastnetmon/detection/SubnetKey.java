package fastnetmon.detection;

import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;

/**
 * How a network banned as a whole (carpet bombing) is keyed where hosts are: an address no host of a
 * monitored network has. An IPv4 network is {@code ::fe<len>:a.b.c.d} (next to the IPv4-mapped range,
 * {@code ::ffff:a.b.c.d}); an IPv6 network of /64 or shorter is its prefix with the interface identifier
 * {@code ffff:ffff:ffff:ff<len>}. Longer IPv6 prefixes have no key (they are not watched as a whole).
 */
public final class SubnetKey {
    private SubnetKey() {
    }

    private static final long V4_MARK = 0xfe00L;
    private static final long V6_MARK = 0xffff_ffff_ffff_ff00L;

    /**
     * The network a ban of one as a whole names ("10.10.5.0/24"), as the journal and the API take it.
     * Throws IllegalArgumentException with the reason, to follow the text: "is not a network: ...", or
     * "is not a network banned as a whole (host bits set)".
     */
    public static Cidr network(String text) {
        Cidr c;
        try {
            c = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a network: " + e.getMessage());
        }
        if (c.hostBitsSet() || !keyable(c)) {
            throw new IllegalArgumentException("is not a network banned as a whole"
                    + (c.hostBitsSet() ? " (host bits set)" : " (longer than /64)"));
        }
        return c;
    }

    /** Whether the network can be keyed (and so watched as a whole). */
    public static boolean keyable(Cidr c) {
        return c.isV4() || c.prefixLength() <= 64;
    }

    /** The key {hi, lo} of a keyable network. */
    public static long[] of(Cidr c) {
        if (c.isV4()) {
            return new long[]{0, (V4_MARK | c.prefixLength()) << 32 | (c.lo() & 0xffff_ffffL)};
        }
        if (c.prefixLength() > 64) {
            throw new IllegalArgumentException(c + " is longer than /64: not watched as a whole");
        }
        return new long[]{c.hi(), V6_MARK | c.prefixLength()};
    }

    /** The network a key stands for, or null when the key is a host's address. */
    public static Cidr cidrOf(long hi, long lo) {
        if (hi == 0 && (lo >>> 40) == 0xfe && ((lo >>> 32) & 0xff) <= 32) {
            Cidr c = Cidr.v4((int) lo, (int) ((lo >>> 32) & 0xff));
            return c.lo() == IpAddresses.v4ToLo((int) lo) ? c : null;
        }
        if ((lo & ~0xffL) == V6_MARK && (lo & 0xff) <= 64) {
            Cidr c = Cidr.v6(hi, 0, (int) (lo & 0xff));
            return c.hi() == hi ? c : null;
        }
        return null;
    }
}
