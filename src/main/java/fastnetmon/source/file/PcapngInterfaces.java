package fastnetmon.source.file;

import java.util.Arrays;

/**
 * The interfaces of the current pcapng section (Interface Description Blocks): link type, snap length
 * and how to turn a packet's timestamp ticks into epoch nanoseconds. Not thread-safe (the reader's).
 */
final class PcapngInterfaces {
    private int count;
    private int[] linkType = new int[4];
    private long[] snaplen = new long[4], mul = new long[4], units = new long[4], offsetNs = new long[4];

    int count() {
        return count;
    }

    /** A new section forgets its interfaces. */
    void clear() {
        count = 0;
    }

    int linkType(int id) {
        return linkType[id];
    }

    long snaplen(int id) {
        return snaplen[id];
    }

    /**
     * Adds an interface; {@code tsresol} is the if_tsresol option (6 when absent: microseconds) and
     * {@code tsOffsetSeconds} the if_tsoffset one. Returns a problem (the resolution is not supported), or null.
     */
    String add(int linkTypeValue, long snaplenValue, int tsresol, long tsOffsetSeconds) {
        int exp = tsresol & 0x7f;
        long u, m = 0;
        if ((tsresol & 0x80) == 0) {
            if (exp > 18) {
                return "if_tsresol 10^-" + exp + " is not supported";
            }
            u = pow10(exp);
            if (exp <= 9) {
                m = pow10(9 - exp);
            }
        } else {
            if (exp > 62) {
                return "if_tsresol 2^-" + exp + " is not supported";
            }
            u = 1L << exp;
            if (exp == 0) {
                m = 1_000_000_000L;
            }
        }
        if (count == linkType.length) {
            int n = count * 2;
            linkType = Arrays.copyOf(linkType, n);
            snaplen = Arrays.copyOf(snaplen, n);
            mul = Arrays.copyOf(mul, n);
            units = Arrays.copyOf(units, n);
            offsetNs = Arrays.copyOf(offsetNs, n);
        }
        linkType[count] = linkTypeValue;
        snaplen[count] = snaplenValue;
        mul[count] = m;
        units[count] = u;
        offsetNs[count] = tsOffsetSeconds * 1_000_000_000L;
        count++;
        return null;
    }

    /** Epoch nanoseconds of {@code ticks} in interface {@code id}'s resolution, plus its offset. */
    long toNanos(int id, long ticks) {
        long m = mul[id];
        if (m != 0) {
            return ticks * m + offsetNs[id];
        }
        long u = units[id];
        long sec = Long.divideUnsigned(ticks, u), rem = Long.remainderUnsigned(ticks, u);
        return sec * 1_000_000_000L + (long) (rem * (1e9 / u)) + offsetNs[id];
    }

    private static long pow10(int e) {
        long v = 1;
        for (int i = 0; i < e; i++) {
            v *= 10;
        }
        return v;
    }
}
