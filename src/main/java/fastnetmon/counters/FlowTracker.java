package fastnetmon.counters;

/**
 * Tells whether a flow key (a 64-bit hash of a host's 5-tuple and direction) is new in the current
 * second, in bounded memory.
 *
 * <p>Entries carry an 8-bit generation, so starting a second is O(1): entries of older generations
 * read as empty. The table is wiped only when the generation wraps (every 255 seconds).
 *
 * <p>Beyond what the table can hold exactly, it samples (adaptive distinct sampling): only keys whose
 * top {@code shift} bits are zero are tracked, and each new one counts 2^shift. The shift for a
 * second is chosen from the previous second's count (at most half the table expected) and raised
 * within the second when the table is 3/4 full, dropping the entries the higher shift no longer
 * samples, so the table never saturates and counts stay unbiased. The relative error is about
 * sqrt(2^shift / flows): exact while a second and the one before it have at most half the capacity,
 * within 1% at 2^shift = 4 and 40k flows, about 2% for a 4096-entry table at any rate.
 */
public final class FlowTracker {
    private static final int MAX_SHIFT = 20;
    private final long[] table;
    private final int mask;
    private final int halfFull;
    /** Past this many entries in a second, raise the shift. */
    private final int raiseAt;
    private final int hardLimit;
    private int generation = 1;
    private int used;
    private int shift;
    private long weightedThisSecond;

    public FlowTracker(int capacityLog2) {
        table = new long[1 << capacityLog2];
        mask = table.length - 1;
        halfFull = table.length / 2;
        raiseAt = table.length - table.length / 4;
        hardLimit = table.length - table.length / 16;
    }

    /** Starts a new second. */
    public void nextSecond() {
        long last = weightedThisSecond;
        generation = (generation + 1) & 0xff;
        if (generation == 0) {
            java.util.Arrays.fill(table, 0);
            generation = 1;
        }
        used = 0;
        weightedThisSecond = 0;
        int s = 0;
        while (s < MAX_SHIFT && (last >>> s) > halfFull) {
            s++;
        }
        shift = s;
    }

    /**
     * Returns how many flows to add for this key: 0 when it was already seen this second (or is not
     * sampled), otherwise the weight of a newly seen flow (1 when exact).
     */
    public long add(long key) {
        if (shift != 0 && (key >>> (64 - shift)) != 0) {
            return 0;
        }
        long stored = (key & ~0xffL) | generation;
        int i = home(key);
        while (true) {
            long e = table[i];
            if ((e & 0xff) != generation) {
                if (used >= hardLimit) {
                    return 0;
                }
                table[i] = stored;
                long w = 1L << shift;
                weightedThisSecond += w;
                if (++used > raiseAt && shift < MAX_SHIFT) {
                    // Filling up: track only half the key space from here on. Keys outside it now return 0
                    // before any lookup, so their entries can go, which frees about half the table.
                    shift++;
                    dropUnsampled();
                }
                return w;
            }
            if (e == stored) {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * The table entry {@link #add} will look at first for this key, read now so that it is in the cache
     * by then: batch callers peek at a few keys before adding them, so the memory reads overlap.
     */
    long peek(long key) {
        return table[home(key)];
    }

    /** Home slot of a key; ignores the low 8 bits, which entries replace with the generation. */
    private int home(long key) {
        return (int) (key >>> 8) & mask;
    }

    /**
     * Removes the entries of older generations and those outside the key space sampled at the current
     * shift, and moves the others back towards their home slots (an in-place rehash). It starts after a
     * slot that is free for this generation: no probe sequence of this generation crosses it, so every
     * slot between a kept entry's home and its old place has been visited when the entry is re-placed.
     */
    private void dropUnsampled() {
        int start = 0;
        while ((table[start] & 0xff) == generation) { // one exists: used < table.length
            start++;
        }
        int kept = 0;
        for (int n = 1; n <= table.length; n++) {
            int i = (start + n) & mask;
            long e = table[i];
            table[i] = 0;
            if ((e & 0xff) != generation || (e >>> (64 - shift)) != 0) {
                continue;
            }
            int j = home(e);
            while (table[j] != 0) {
                j = (j + 1) & mask;
            }
            table[j] = e;
            kept++;
        }
        used = kept;
    }

    int shift() {
        return shift;
    }
}
