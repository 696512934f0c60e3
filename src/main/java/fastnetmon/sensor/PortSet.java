package fastnetmon.sensor;

import java.util.List;

/**
 * A set of TCP/UDP ports (0-65535) as a bitmap, parsed from a configuration list such as
 * {@code 137-139,445,3389}. Immutable after {@link #parse}; read from any thread.
 */
public final class PortSet {
    private final long[] bits = new long[1024];
    private final String text;

    private PortSet(String text) {
        this.text = text;
    }

    /** The empty set. */
    public static PortSet none() {
        return new PortSet("");
    }

    /**
     * Parses ports and ranges ("25", "6000-6010"); throws IllegalArgumentException with one line naming
     * {@code key}, e.g. {@code sensor_spam_ports: 'smtp' is not a port (0-65535) or a range of ports}.
     */
    public static PortSet parse(String key, List<String> items) {
        PortSet s = new PortSet(String.join(",", items));
        for (String item : items) {
            String t = item.trim();
            int dash = t.indexOf('-');
            int from = port(key, dash < 0 ? t : t.substring(0, dash), item);
            int to = dash < 0 ? from : port(key, t.substring(dash + 1), item);
            if (to < from) {
                throw new IllegalArgumentException(key + ": '" + item + "' is a range that ends before it starts");
            }
            for (int p = from; p <= to; p++) {
                s.bits[p >>> 6] |= 1L << p;
            }
        }
        return s;
    }

    private static int port(String key, String digits, String item) {
        String d = digits.trim();
        if (d.isEmpty() || d.length() > 5 || !d.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(d) > 65535) {
            throw new IllegalArgumentException(key + ": '" + item + "' is not a port (0-65535) or a range of ports (6000-6010)");
        }
        return Integer.parseInt(d);
    }

    public boolean contains(int port) {
        return port >= 0 && port <= 65535 && (bits[port >>> 6] & (1L << port)) != 0;
    }

    public boolean isEmpty() {
        for (long b : bits) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** As configured, e.g. "137-139,445,3389". */
    @Override
    public String toString() {
        return text;
    }
}
