package fastnetmon.counters;

/**
 * Open-addressing map from a 128-bit host address (two longs, IPv4 mapped) to a dense slot number
 * 0, 1, 2... in order of first sight. Single writer; grows by rehashing, so memory follows the hosts
 * actually seen. Lookups and inserts allocate nothing except when the table grows.
 */
public final class HostIndex {
    private long[] hi;
    private long[] lo;
    /** slot + 1; 0 marks an empty entry. */
    private int[] slots;
    private int mask;
    private int size;

    public HostIndex(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1;
        allocate(cap);
    }

    private void allocate(int cap) {
        hi = new long[cap];
        lo = new long[cap];
        slots = new int[cap];
        mask = cap - 1;
    }

    static int hash(long h, long l) {
        long x = h * 0x9E3779B97F4A7C15L + l;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return (int) x;
    }

    /** Slot of the host, or -1 when it has none. */
    public int find(long h, long l) {
        int i = hash(h, l) & mask;
        while (true) {
            int s = slots[i];
            if (s == 0) {
                return -1;
            }
            if (lo[i] == l && hi[i] == h) {
                return s - 1;
            }
            i = (i + 1) & mask;
        }
    }

    /** Slot of the host, giving it the next free slot number when it has none; see {@link #lastInsertWasNew()}. */
    public int findOrInsert(long h, long l) {
        int i = hash(h, l) & mask;
        while (true) {
            int s = slots[i];
            if (s == 0) {
                break;
            }
            if (lo[i] == l && hi[i] == h) {
                inserted = false;
                return s - 1;
            }
            i = (i + 1) & mask;
        }
        int slot = size++;
        hi[i] = h;
        lo[i] = l;
        slots[i] = slot + 1;
        inserted = true;
        if (size * 2 > slots.length) {
            grow();
        }
        return slot;
    }

    private boolean inserted;

    public boolean lastInsertWasNew() {
        return inserted;
    }

    public int size() {
        return size;
    }

    private void grow() {
        long[] oh = hi, ol = lo;
        int[] os = slots;
        allocate(os.length * 2);
        for (int j = 0; j < os.length; j++) {
            if (os[j] != 0) {
                int i = hash(oh[j], ol[j]) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                hi[i] = oh[j];
                lo[i] = ol[j];
                slots[i] = os[j];
            }
        }
    }
}
