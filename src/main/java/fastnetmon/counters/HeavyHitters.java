package fastnetmon.counters;

import java.util.Arrays;

/**
 * Finds the heavy hosts among those a full shard does not track one by one, by rate rather than by
 * arrival: a count-min sketch of {@value #DEPTH} rows of {@value #WIDTH} cells, each cell a packet
 * and a byte counter, cleared every second. A host whose packets (or bytes) this second, estimated
 * by the sketch and less the sketch's error bound, reach the promotion level becomes a candidate;
 * the shard takes the candidates into its table at the start of the next second (so their first
 * counted second is a whole one) and clears the sketch.
 *
 * <p>The error bound: a row's cell overcounts a host by the traffic of the other hosts hashing to
 * it, on average N / WIDTH for N untracked packets this second; the minimum over the rows exceeds
 * e * N / WIDTH with probability at most e^-DEPTH (under 2%). Subtracting that bound keeps a flood
 * spread thinly over many hosts from promoting any of them.
 *
 * <p>Threading: used only by the shard's writer thread. Fixed size (128 KiB), allocation-free.
 */
final class HeavyHitters {
    static final int DEPTH = 4;
    static final int WIDTH_BITS = 12;
    static final int WIDTH = 1 << WIDTH_BITS;
    /** Candidates kept per second at most; further heavy hosts wait for a later second. */
    static final int MAX_CANDIDATES = 64;
    /** Bytes are counted in units of this many, rounded up, so an int cell holds 128 GB. */
    private static final int BYTE_UNIT_BITS = 6;

    /** Cells: [row][column][packets, byte units], flattened. */
    private final int[] cells = new int[DEPTH * WIDTH * 2];
    private final long levelPackets, levelUnits;
    private long packets, units;
    private boolean touched;

    // Candidates: a small open-addressing set (keys hi, lo) with the order of arrival kept in `order`.
    private static final int SET_SIZE = MAX_CANDIDATES * 4;
    private final long[] setHi = new long[SET_SIZE], setLo = new long[SET_SIZE];
    private final boolean[] setUsed = new boolean[SET_SIZE];
    private final int[] order = new int[MAX_CANDIDATES];
    private int candidates;

    /**
     * @param levelPackets packets in one second that make a host heavy (0: not by packets)
     * @param levelBytes   bytes in one second that make a host heavy (0: not by bytes)
     */
    HeavyHitters(long levelPackets, long levelBytes) {
        this.levelPackets = levelPackets <= 0 ? Long.MAX_VALUE : levelPackets;
        this.levelUnits = levelBytes <= 0 ? Long.MAX_VALUE : Math.max(1, levelBytes >>> BYTE_UNIT_BITS);
    }

    /** Counts a packet (or {@code p} packets of {@code b} bytes) of an untracked host. */
    void add(long hi, long lo, long p, long b) {
        touched = true;
        long u = (b + (1 << BYTE_UNIT_BITS) - 1) >>> BYTE_UNIT_BITS;
        packets += p;
        units += u;
        long h = hash(hi, lo);
        int ip = (int) p, iu = (int) u;
        int minP = Integer.MAX_VALUE, minU = Integer.MAX_VALUE;
        for (int row = 0; row < DEPTH; row++) {
            int i = ((row << WIDTH_BITS) | (int) (h >>> (row * 16)) & (WIDTH - 1)) << 1;
            int cp = cells[i] += ip;
            int cu = cells[i + 1] += iu;
            minP = Math.min(minP, cp);
            minU = Math.min(minU, cu);
        }
        // e * N / WIDTH, with 3 for e: what the estimate may exceed the host's true count by.
        if (minP - ((packets * 3) >>> WIDTH_BITS) >= levelPackets || minU - ((units * 3) >>> WIDTH_BITS) >= levelUnits) {
            offer(hi, lo, h);
        }
    }

    private void offer(long hi, long lo, long h) {
        int i = (int) (h >>> 48) & (SET_SIZE - 1);
        while (setUsed[i]) {
            if (setHi[i] == hi && setLo[i] == lo) {
                return;
            }
            i = (i + 1) & (SET_SIZE - 1);
        }
        if (candidates == MAX_CANDIDATES) {
            return;
        }
        setUsed[i] = true;
        setHi[i] = hi;
        setLo[i] = lo;
        order[candidates++] = i;
    }

    /** Hosts found heavy since the last {@link #clear()}, in the order found. */
    int candidates() {
        return candidates;
    }

    long candidateHi(int k) {
        return setHi[order[k]];
    }

    long candidateLo(int k) {
        return setLo[order[k]];
    }

    /** Starts a new second: forgets the counts and the candidates. */
    void clear() {
        if (!touched) {
            return;
        }
        touched = false;
        Arrays.fill(cells, 0);
        packets = 0;
        units = 0;
        for (int k = 0; k < candidates; k++) {
            setUsed[order[k]] = false;
        }
        candidates = 0;
    }

    /** The sketch's estimate of a host's packets this second (an overestimate; for tests and logs). */
    long estimatePackets(long hi, long lo) {
        long h = hash(hi, lo);
        int min = Integer.MAX_VALUE;
        for (int row = 0; row < DEPTH; row++) {
            min = Math.min(min, cells[((row << WIDTH_BITS) | (int) (h >>> (row * 16)) & (WIDTH - 1)) << 1]);
        }
        return min;
    }

    /** 64 well-mixed bits of the address: 12 for each row's column, 16 for the candidate set. */
    private static long hash(long hi, long lo) {
        return FlowKeys.mix(hi * 0x9E3779B97F4A7C15L ^ lo);
    }
}
