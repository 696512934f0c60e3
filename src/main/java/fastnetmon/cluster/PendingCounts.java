package fastnetmon.cluster;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.HostIndex;
import fastnetmon.counters.TrackingLimits;

import java.util.Arrays;

/**
 * A sensor's per-host counts not published yet, and when they go: the counters instances of one kind
 * are read into it ({@link HostCounters.Changes}), and each tick hands over ({@link #tick}) the hosts
 * whose pending packets or bytes in either direction reached the fast level of one tick (a quarter of
 * the lowest threshold, see {@link TrackingLimits}, scaled to the tick); at the turn of a second every
 * pending host goes, then the hosts no counters instance holds any more. A sensor with many light hosts
 * thus publishes about one record per host per second, and the hosts that matter every tick.
 *
 * <p>A host given up by one instance but held by another is not reported removed; one given up and taken
 * up again within the second is not either. Hosts are kept in a {@link HostIndex} with their deltas in
 * one array: the steady state allocates nothing.
 *
 * <p>Threading: one thread (the publisher's) reads counters into it and ticks it.
 */
final class PendingCounts implements HostCounters.Changes {
    private static final int C = CounterShard.COUNTERS;
    private static final int IN_PACKETS = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0);
    private static final int IN_BYTES = IN_PACKETS + 1;
    private static final int OUT_PACKETS = CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 0);
    private static final int OUT_BYTES = OUT_PACKETS + 1;
    private static final byte PENDING = 1, GONE = 2, FAST = 4;
    private static final int MIN_SLOTS = 1024;

    /** Where the hosts handed over go. */
    interface Sink {
        /** A host's deltas, {@link CounterShard#COUNTERS} values from {@code counts[offset]}, valid during the call. */
        void host(long hi, long lo, long[] counts, int offset);

        /** No counters instance holds the host any more (its last deltas were handed over before). */
        void removed(long hi, long lo);
    }

    /** Per tick; a host reaching either goes at the tick. Long.MAX_VALUE: never by that measure. */
    private final long fastPackets, fastBytes;
    private final HostIndex index = new HostIndex(MIN_SLOTS);
    private long[] keys = new long[2 * MIN_SLOTS];
    private long[] counts = new long[MIN_SLOTS * C];
    /** Counters instances holding the host. */
    private int[] holders = new int[MIN_SLOTS];
    private byte[] state = new byte[MIN_SLOTS];
    /** Hosts that had deltas pending this second (a host sent at a tick and counted again is here twice). */
    private int[] pending = new int[64];
    private int pendingCount;
    /** Hosts that reached the fast level since the previous tick: a tick looks at these only. */
    private int[] fast = new int[64];
    private int fastCount;
    private int pendingHosts;
    private int[] gone = new int[64];
    private int goneCount;

    PendingCounts(TrackingLimits limits, long tickNanos) {
        long p = limits.promotePackets(), b = limits.promoteBytes();
        if (p <= 0 && b <= 0) {
            fastPackets = 0; // no level: every host every tick
            fastBytes = 0;
        } else {
            fastPackets = perTick(p, tickNanos);
            fastBytes = perTick(b, tickNanos);
        }
    }

    private static long perTick(long perSecond, long tickNanos) {
        if (perSecond <= 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(1, (long) Math.ceil(perSecond * (tickNanos / 1e9)));
    }

    long fastPackets() {
        return fastPackets;
    }

    long fastBytes() {
        return fastBytes;
    }

    @Override
    public int added(long hi, long lo) {
        int slot = index.findOrInsert(hi, lo);
        if (index.lastInsertWasNew()) {
            room(slot);
            keys[2 * slot] = hi;
            keys[2 * slot + 1] = lo;
            holders[slot] = 0;
            state[slot] = 0;
        }
        holders[slot]++;
        return slot;
    }

    @Override
    public void counted(int slot, long[] deltas) {
        int base = slot * C;
        long[] c = counts;
        for (int i = 0; i < C; i++) {
            c[base + i] += deltas[i];
        }
        if ((state[slot] & PENDING) == 0) {
            state[slot] |= PENDING;
            pendingHosts++;
            if (pendingCount == pending.length) {
                pending = Arrays.copyOf(pending, pendingCount * 2);
            }
            pending[pendingCount++] = slot;
        }
        if ((state[slot] & FAST) == 0 && fast(base)) {
            state[slot] |= FAST;
            if (fastCount == fast.length) {
                fast = Arrays.copyOf(fast, fastCount * 2);
            }
            fast[fastCount++] = slot;
        }
    }

    @Override
    public void removed(int slot) {
        if (--holders[slot] == 0 && (state[slot] & GONE) == 0) {
            state[slot] |= GONE;
            if (goneCount == gone.length) {
                gone = Arrays.copyOf(gone, goneCount * 2);
            }
            gone[goneCount++] = slot;
        }
    }

    /**
     * Hands the fast hosts to the sink, or at the turn of a second ({@code endOfSecond}) every pending host
     * and then the hosts no instance holds any more; returns how many hosts it handed over.
     */
    int tick(boolean endOfSecond, Sink sink) {
        int[] hosts = endOfSecond ? pending : fast;
        int n = endOfSecond ? pendingCount : fastCount;
        int handed = 0;
        for (int i = 0; i < n; i++) {
            int slot = hosts[i];
            if ((state[slot] & PENDING) != 0) { // not sent at a tick since it was listed
                int base = slot * C;
                sink.host(keys[2 * slot], keys[2 * slot + 1], counts, base);
                Arrays.fill(counts, base, base + C, 0);
                state[slot] &= ~(PENDING | FAST);
                handed++;
            }
        }
        pendingHosts -= handed;
        fastCount = 0;
        if (endOfSecond) {
            pendingCount = 0;
            for (int i = 0; i < goneCount; i++) {
                int slot = gone[i];
                state[slot] &= ~GONE;
                if (holders[slot] == 0) { // not taken up again since
                    sink.removed(keys[2 * slot], keys[2 * slot + 1]);
                    index.remove(keys[2 * slot], keys[2 * slot + 1]);
                }
            }
            goneCount = 0;
            trim();
        }
        return handed;
    }

    private boolean fast(int base) {
        long[] c = counts;
        return c[base + IN_PACKETS] >= fastPackets || c[base + OUT_PACKETS] >= fastPackets
                || c[base + IN_BYTES] >= fastBytes || c[base + OUT_BYTES] >= fastBytes;
    }

    /** Hosts known (held by some instance, or given up within the second). */
    int hosts() {
        return index.size();
    }

    /** Hosts with deltas not handed over yet. */
    int pendingHosts() {
        return pendingHosts;
    }

    private void room(int slot) {
        if (slot < holders.length) {
            return;
        }
        resize(Math.max(slot + 1, holders.length * 2));
    }

    /** After many hosts left, the arrays follow the index's slots down (called with nothing pending above them). */
    private void trim() {
        int cap = Math.max(MIN_SLOTS, index.slotLimit() * 2);
        if (holders.length > 2 * cap && pendingHosts == 0) {
            resize(cap);
        }
    }

    private void resize(int cap) {
        keys = Arrays.copyOf(keys, 2 * cap);
        counts = Arrays.copyOf(counts, cap * C);
        holders = Arrays.copyOf(holders, cap);
        state = Arrays.copyOf(state, cap);
    }
}
