package fastnetmon.networks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Conversions between textual addresses and the two-long form every stage keeps them in (high and low
 * 64 bits, IPv4 kept IPv4-mapped, as in the packet record). Parsing never resolves names.
 */
public final class IpAddresses {
    /** The low long of ::ffff:0.0.0.0: an IPv4 address {@code v4} is {@code hi = 0, lo = V4_MAPPED_PREFIX | v4}. */
    public static final long V4_MAPPED_PREFIX = 0xffff_0000_0000L;

    private IpAddresses() {
    }

    public static boolean isV4Mapped(long hi, long lo) {
        return hi == 0 && (lo >>> 32) == 0xffffL;
    }

    public static long v4ToLo(int v4) {
        return V4_MAPPED_PREFIX | (v4 & 0xffff_ffffL);
    }

    public static String formatV4(int v4) {
        return ((v4 >>> 24) & 0xff) + "." + ((v4 >>> 16) & 0xff) + "." + ((v4 >>> 8) & 0xff) + "." + (v4 & 0xff);
    }

    /** Dotted quad for IPv4-mapped values, RFC 5952 compressed form for IPv6. */
    public static String format(long hi, long lo) {
        if (isV4Mapped(hi, lo)) {
            return formatV4((int) lo);
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString();
    }

    /**
     * Parses a dotted-quad IPv4 address; returns null when the text is not one. Strict: four decimal
     * octets of ASCII digits, and no leading zero ("010" is octal to some tools and decimal to others).
     */
    public static Integer parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                return null;
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    /**
     * Why {@link #parse} refuses the text, for messages: "leading zeros are ambiguous", "only ASCII digits
     * are allowed", or null when there is nothing more specific to say than "not an address".
     */
    public static String whyNot(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 127 && Character.isDigit(c)) {
                return "only ASCII digits are allowed";
            }
        }
        for (String part : s.split("[.:/]", -1)) {
            if (part.length() > 1 && part.charAt(0) == '0' && part.chars().allMatch(c -> c >= '0' && c <= '9')
                    && s.indexOf(':') < 0) {
                return "leading zeros are ambiguous (octal or decimal?)";
            }
        }
        int lastColon = s.lastIndexOf(':');
        if (lastColon >= 0 && s.indexOf('.') > lastColon) {
            for (String part : s.substring(lastColon + 1).split("\\.", -1)) {
                if (part.length() > 1 && part.charAt(0) == '0') {
                    return "leading zeros are ambiguous (octal or decimal?)";
                }
            }
        }
        return null;
    }

    /**
     * Parses an IPv4 or IPv6 literal into {hi, lo} (IPv4 mapped); returns null when the text is not an
     * address literal (IPv4 parts as strict as {@link #parseV4}; see {@link #whyNot} for the reason).
     */
    public static long[] parse(String s) {
        s = s.trim();
        Integer v4 = parseV4(s);
        if (v4 != null) {
            return new long[]{0, v4ToLo(v4)};
        }
        if (s.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return null;
            }
        }
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.') > lastColon && parseV4(s.substring(lastColon + 1)) == null) {
            return null; // an embedded IPv4 tail follows the same strict rules
        }
        try {
            // A literal containing ':' and only hex digits, ':' and '.' is never looked up in DNS.
            InetAddress a = InetAddress.getByName(s);
            byte[] b = a.getAddress();
            if (b.length == 4) {
                return new long[]{0, v4ToLo(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff))};
            }
            if (!(a instanceof Inet6Address)) {
                return null;
            }
            long hi = 0, lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (b[i] & 0xff);
                lo = (lo << 8) | (b[8 + i] & 0xff);
            }
            return new long[]{hi, lo};
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
