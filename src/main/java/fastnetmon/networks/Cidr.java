package fastnetmon.networks;

/**
 * An IPv4 or IPv6 prefix in the two-long form of {@link fastnetmon.packet.PacketRecord}: IPv4 networks are
 * kept IPv4-mapped ({@code hi = 0}, {@code lo = 0xffff_0000_0000L | v4}) with a prefix length of 0-32; IPv6
 * networks have a prefix length of 0-128 and never match IPv4-mapped addresses (those take the IPv4 path).
 *
 * <p>The constructor normalises: host bits are cleared and {@link #hostBitsSet()} records that they were set
 * (so a loader can warn about "10.1.2.3/8"); an IPv6 prefix of /96 or longer inside ::ffff:0:0/96 becomes
 * the equivalent IPv4 prefix. {@code hostBitsSet} takes no part in {@link #equals} and {@link #hashCode}.
 */
public record Cidr(long hi, long lo, int prefixLength, boolean isV4, boolean hostBitsSet) {

    public Cidr {
        if (!isV4 && prefixLength >= 96 && IpAddresses.isV4Mapped(hi & maskHi(prefixLength), lo & maskLo(prefixLength))) {
            isV4 = true;
            prefixLength -= 96;
        }
        if (isV4) {
            if (prefixLength < 0 || prefixLength > 32) {
                throw new IllegalArgumentException("IPv4 prefix length " + prefixLength + " is not in 0-32");
            }
            if (!IpAddresses.isV4Mapped(hi, lo)) {
                throw new IllegalArgumentException("an IPv4 network must be given IPv4-mapped");
            }
            long net = IpAddresses.v4ToLo((int) (lo & mask32(prefixLength)));
            hostBitsSet |= net != lo;
            lo = net;
        } else {
            if (prefixLength < 0 || prefixLength > 128) {
                throw new IllegalArgumentException("IPv6 prefix length " + prefixLength + " is not in 0-128");
            }
            long nHi = hi & maskHi(prefixLength), nLo = lo & maskLo(prefixLength);
            hostBitsSet |= nHi != hi || nLo != lo;
            hi = nHi;
            lo = nLo;
        }
    }

    /** An IPv4 network from its 32-bit address. */
    public static Cidr v4(int address, int prefixLength) {
        return new Cidr(0, IpAddresses.v4ToLo(address), prefixLength, true, false);
    }

    /** An IPv6 network; an IPv4-mapped prefix of /96 or longer becomes the IPv4 network. */
    public static Cidr v6(long hi, long lo, int prefixLength) {
        return new Cidr(hi, lo, prefixLength, false, false);
    }

    /**
     * Parses "10.0.0.0/8", "2001:db8::/32", or a bare address (/32 or /128). Host bits are accepted and
     * cleared ({@link #hostBitsSet()} tells). Strict: ASCII digits only, and no leading zero in an IPv4
     * octet or a prefix length ("010.0.0.0/8" is refused as ambiguous). Throws IllegalArgumentException with a one-line message.
     */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        long[] a = addr.isEmpty() || addr.chars().anyMatch(Character::isWhitespace) ? null : IpAddresses.parse(addr);
        if (a == null) {
            throw invalid(s, addr.isEmpty() ? null : IpAddresses.whyNot(s));
        }
        boolean v4Text = addr.indexOf(':') < 0;
        int max = v4Text ? 32 : 128;
        int len = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(s, IpAddresses.whyNot(p));
            }
            if (p.length() > 1 && p.charAt(0) == '0') {
                throw invalid(s, "leading zeros are ambiguous (octal or decimal?)");
            }
            len = Integer.parseInt(p);
            if (len > max) {
                throw invalid(s, "prefix length must be 0-" + max);
            }
        }
        if (v4Text) {
            return new Cidr(0, a[1], len, true, false);
        }
        return new Cidr(a[0], a[1], len, false, false);
    }

    private static IllegalArgumentException invalid(String s, String why) {
        return new IllegalArgumentException("'" + s + "' is not a valid CIDR" + (why == null ? "" : " (" + why + ")"));
    }

    /** Whether this network contains the address (two-long form, IPv4 mapped). */
    public boolean contains(long addrHi, long addrLo) {
        boolean mapped = IpAddresses.isV4Mapped(addrHi, addrLo);
        if (isV4) {
            return mapped && containsV4((int) addrLo);
        }
        return !mapped && (addrHi & maskHi(prefixLength)) == hi && (addrLo & maskLo(prefixLength)) == lo;
    }

    /** Whether this (IPv4) network contains the 32-bit IPv4 address; always false for IPv6 networks. */
    public boolean containsV4(int address) {
        return isV4 && (address & mask32(prefixLength)) == (int) lo;
    }

    /** The 32-bit network address of an IPv4 network. */
    public int v4Address() {
        return (int) lo;
    }

    /** The IPv4 netmask as an int (e.g. 0xffffff00 for /24). */
    public static int mask32(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** Mask of the high 64 bits for an IPv6 prefix length. */
    public static long maskHi(int prefixLength) {
        return prefixLength == 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
    }

    /** Mask of the low 64 bits for an IPv6 prefix length. */
    public static long maskLo(int prefixLength) {
        return prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.hi == hi && c.lo == lo && c.prefixLength == prefixLength && c.isV4 == isV4;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo) * 131 + prefixLength * 2 + (isV4 ? 1 : 0);
    }

    /** Canonical form: "10.0.0.0/8", "2001:db8::/32". */
    @Override
    public String toString() {
        return (isV4 ? IpAddresses.formatV4((int) lo) : IpAddresses.format(hi, lo)) + "/" + prefixLength;
    }
}
