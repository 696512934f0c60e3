package fastnetmon.sensor;

import java.util.Arrays;

/**
 * The distinct destinations (addresses, or ports as {@code (0, port)}) one source reached, each with when
 * it was last seen and how many records went to it; at most {@link #MAX} of them, so a source that sweeps
 * the internet costs a bounded amount of memory (the caller counts what did not fit). Open addressing
 * over primitive arrays, grown from a few entries as needed; entries leave only by {@link #purge} (a
 * rebuild), so there are no tombstones.
 *
 * <p>Threading: not thread-safe; owned by the sensor thread.
 */
final class DistinctSet {
    /** Entries kept at most: 256 * 32 bytes, 8 KB at most per set. */
    static final int MAX = 256;
    private static final int FIRST_CAPACITY = 8;

    private long[] hi = new long[FIRST_CAPACITY], lo = new long[FIRST_CAPACITY];
    private long[] seen = new long[FIRST_CAPACITY];
    /** Records per entry; 0 marks a free slot. */
    private long[] count = new long[FIRST_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /**
     * Notes a record to {@code (h, l)} at time {@code t}; false when it is new and the set is full (the
     * caller may {@link #purge} and try again).
     */
    boolean add(long h, long l, long t) {
        int mask = hi.length - 1;
        int slot = hash(h, l) & mask;
        while (count[slot] != 0) {
            if (hi[slot] == h && lo[slot] == l) {
                count[slot]++;
                seen[slot] = Math.max(seen[slot], t);
                return true;
            }
            slot = (slot + 1) & mask;
        }
        if (size >= MAX) {
            return false;
        }
        if ((size + 1) * 2 > hi.length) { // keep the load at most one half
            rebuild(hi.length * 2, Long.MIN_VALUE);
            return add(h, l, t);
        }
        hi[slot] = h;
        lo[slot] = l;
        seen[slot] = t;
        count[slot] = 1;
        size++;
        return true;
    }

    /** Drops the entries last seen before {@code start} (older than the window). */
    void purge(long start) {
        rebuild(hi.length, start);
    }

    void clear() {
        rebuild(FIRST_CAPACITY, Long.MAX_VALUE);
    }

    private void rebuild(int capacity, long start) {
        long[] oh = hi, ol = lo, os = seen, oc = count;
        hi = new long[capacity];
        lo = new long[capacity];
        seen = new long[capacity];
        count = new long[capacity];
        size = 0;
        int mask = capacity - 1;
        for (int i = 0; i < oc.length; i++) {
            if (oc[i] != 0 && os[i] >= start) {
                int slot = hash(oh[i], ol[i]) & mask;
                while (count[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                hi[slot] = oh[i];
                lo[slot] = ol[i];
                seen[slot] = os[i];
                count[slot] = oc[i];
                size++;
            }
        }
    }

    /**
     * The {@code n} entries with the most records as {@code {hi, lo, count}}, busiest first (ties: lower
     * address first, so the order is deterministic). Allocates; called when a report is made.
     */
    long[][] top(int n) {
        long[][] all = new long[size][];
        int k = 0;
        for (int i = 0; i < count.length; i++) {
            if (count[i] != 0) {
                all[k++] = new long[]{hi[i], lo[i], count[i]};
            }
        }
        Arrays.sort(all, (a, b) -> a[2] != b[2] ? Long.compare(b[2], a[2])
                : a[0] != b[0] ? Long.compareUnsigned(a[0], b[0]) : Long.compareUnsigned(a[1], b[1]));
        return Arrays.copyOf(all, Math.min(n, all.length));
    }

    static int hash(long h, long l) {
        long x = h * 0x9E3779B97F4A7C15L + l;
        x ^= x >>> 32;
        x *= 0xD6E8FEB86659FD93L;
        return (int) (x ^ (x >>> 29));
    }
}
