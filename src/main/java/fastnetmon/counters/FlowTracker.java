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
 * second is chosen from the previous second's count and raised within the second if the table fills,
 * so counts stay unbiased; the relative error is about sqrt(2^shift / flows), i.e. exact up to
 * a quarter of the capacity per second and within 1% at 2^shift = 4 and 40k flows.
 */
public final class FlowTracker {
    private static final int MAX_SHIFT = 20;
    private final long[] table;
    private final int mask;
    private final int halfFull;
    /** Past this many entries in a second, raise the shift; it moves towards the table's size. */
    private int raiseAt;
    private final int hardLimit;
    private int generation = 1;
    private int used;
    private int shift;
    private long weightedThisSecond;

    public FlowTracker(int capacityLog2) {
        table = new long[1 << capacityLog2];
        mask = table.length - 1;
        halfFull = table.length / 2;
        raiseAt = halfFull;
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
        raiseAt = halfFull;
        weightedThisSecond = 0;
        int s = 0;
        while (s < MAX_SHIFT && (last >>> s) > halfFull / 2) {
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
        int i = (int) (key ^ (key >>> 29)) & mask;
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
                    // Filling up: track only half the key space from here on; entries already in stay valid.
                    shift++;
                    raiseAt += (table.length - raiseAt) / 2;
                }
                return w;
            }
            if (e == stored) {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    int shift() {
        return shift;
    }
}
