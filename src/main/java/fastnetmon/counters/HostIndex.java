package fastnetmon.counters;

/**
 * Open-addressing map from a 128-bit host address (two longs, IPv4 mapped) to a dense slot number
 * 0, 1, 2... in order of first sight, reusing the slots of removed hosts first, the lowest first, and
 * lowering {@link #slotLimit()} when the highest leave (so after a flood of many hosts the survivors
 * gather in the low slots and what is sized by the slots can shrink). Single writer; grows by rehashing and shrinks again when mostly empty, so memory follows the
 * hosts actually present. Lookups, inserts and removals allocate nothing except when a table resizes.
 */
public final class HostIndex {
    /**
     * Entries of {@link #STRIDE} longs: address high, address low, slot + 1 (0 marks an empty entry),
     * unused. One entry is one cache-line access where three separate arrays took three.
     */
    private static final int STRIDE = 4;
    private long[] table;
    private int mask;
    private int size;
    /** Slot numbers handed out so far (the next new one). */
    private int slots;
    /** Slots of removed hosts, reused before new ones: a bit per slot below {@link #slots}. */
    private long[] free = new long[4];
    private int freeCount;
    /** No free slot below 64 * this word. */
    private int freeFrom;
    private boolean inserted;
    private final int minCapacity;

    public HostIndex(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1;
        minCapacity = cap;
        allocate(cap);
    }

    private void allocate(int cap) {
        table = new long[cap * STRIDE];
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
        long[] t = table;
        int i = hash(h, l) & mask;
        while (true) {
            int e = i * STRIDE;
            long s = t[e + 2];
            if (s == 0) {
                return -1;
            }
            if (t[e + 1] == l && t[e] == h) {
                return (int) s - 1;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * The entry a lookup of this host reads first, read now so that it is in the cache by then (see
     * {@link CounterShard#countBatch}).
     */
    long peek(long h, long l) {
        int e = (hash(h, l) & mask) * STRIDE;
        return table[e] + table[e + 2]; // an entry may straddle two cache lines
    }

    /** Slot of the host, giving it the next free slot number when it has none; see {@link #lastInsertWasNew()}. */
    public int findOrInsert(long h, long l) {
        long[] t = table;
        int i = hash(h, l) & mask;
        int e;
        while (true) {
            e = i * STRIDE;
            long s = t[e + 2];
            if (s == 0) {
                break;
            }
            if (t[e + 1] == l && t[e] == h) {
                inserted = false;
                return (int) s - 1;
            }
            i = (i + 1) & mask;
        }
        int slot = freeCount > 0 ? takeLowestFree() : slots++;
        size++;
        t[e] = h;
        t[e + 1] = l;
        t[e + 2] = slot + 1L;
        inserted = true;
        if (size * 2 > mask + 1) {
            grow();
        }
        return slot;
    }

    /** Removes the host; returns its slot, which the next new host gets, or -1 when it had none. */
    public int remove(long h, long l) {
        long[] t = table;
        int i = hash(h, l) & mask;
        while (true) {
            int e = i * STRIDE;
            if (t[e + 2] == 0) {
                return -1;
            }
            if (t[e + 1] == l && t[e] == h) {
                break;
            }
            i = (i + 1) & mask;
        }
        int slot = (int) t[i * STRIDE + 2] - 1;
        // Backward-shift deletion: move later entries of the probe run into the hole when their home
        // position does not lie between the hole and where they are, so every lookup still finds them.
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int ej = j * STRIDE;
            if (t[ej + 2] == 0) {
                break;
            }
            int home = hash(t[ej], t[ej + 1]) & mask;
            boolean staysPut = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!staysPut) {
                System.arraycopy(t, ej, t, i * STRIDE, 3);
                i = j;
            }
        }
        int ei = i * STRIDE;
        t[ei] = 0;
        t[ei + 1] = 0;
        t[ei + 2] = 0;
        size--;
        int w = slot >>> 6;
        if (w >= free.length) {
            free = java.util.Arrays.copyOf(free, Math.max(w + 1, free.length * 2));
        }
        free[w] |= 1L << slot;
        freeCount++;
        freeFrom = Math.min(freeFrom, w);
        // Free slots at the top are no longer handed out: slotLimit() comes down, and arrays sized by it can shrink.
        while (slots > 0 && (slots - 1) >>> 6 < free.length && (free[(slots - 1) >>> 6] & 1L << (slots - 1)) != 0) {
            slots--;
            free[slots >>> 6] &= ~(1L << slots);
            freeCount--;
        }
        if (size * 8 < mask + 1 && mask + 1 > minCapacity) {
            rehash((mask + 1) / 2);
        }
        return slot;
    }

    private int takeLowestFree() {
        while (free[freeFrom] == 0) {
            freeFrom++;
        }
        long word = free[freeFrom];
        int slot = freeFrom << 6 | Long.numberOfTrailingZeros(word);
        free[freeFrom] = word & (word - 1);
        freeCount--;
        return slot;
    }

    /**
     * Every slot in use is below this: slot numbers handed out so far, less those at the top that were
     * removed since (it comes down when the highest hosts leave).
     */
    public int slotLimit() {
        return slots;
    }

    public boolean lastInsertWasNew() {
        return inserted;
    }

    /** Hosts in the index now. */
    public int size() {
        return size;
    }

    private void grow() {
        rehash((mask + 1) * 2);
    }

    private void rehash(int capacity) {
        long[] old = table;
        allocate(capacity);
        long[] t = table;
        for (int e = 0; e < old.length; e += STRIDE) {
            if (old[e + 2] != 0) {
                int i = hash(old[e], old[e + 1]) & mask;
                while (t[i * STRIDE + 2] != 0) {
                    i = (i + 1) & mask;
                }
                System.arraycopy(old, e, t, i * STRIDE, 3);
            }
        }
    }
}
