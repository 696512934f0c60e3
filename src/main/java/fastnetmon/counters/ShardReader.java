package fastnetmon.counters;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The reader's half of a {@link CounterShard}'s slot protocol, behind {@link HostCounters#read}: which
 * host each slot held at the previous read (and in which generation of the slot), the counter values
 * read then, so that each read reports differences, and the hosts whose packets are to be sampled.
 *
 * <p>A slot's generation is even while a host holds it and odd while it is free, and moves on when its
 * host leaves and when another takes it. Reading the generation before and after the key and counters
 * (an acquire fence between) and seeing the same even value means one host's consistent data was read.
 *
 * <p>Threading: used on the reader's thread only; it reads the shard's slots while the writer counts.
 */
final class ShardReader {
    private static final int C = CounterShard.COUNTERS;

    private final CounterShard shard;
    // Per slot, as of the previous read.
    private boolean[] mapped = new boolean[0];
    private long[] mappedHi = new long[0], mappedLo = new long[0];
    private int[] readerIdOf = new int[0];              // the id the reader gave the slot's host
    private long[] generationOf = new long[0];
    private long[] previous = new long[0];              // slot * C + i -> counter value at the previous read
    // The slot of each mapped host, for sample requests.
    private final HostIndex hostIds = new HostIndex(1 << 10);
    private int[] slotOfId = new int[0];
    // Hosts to sample: direction bit flags by id.
    private final HostIndex sampled = new HostIndex(16);
    private long[] sampleFlagsOf = new long[0];
    private final long[] counters = new long[C];
    private final long[] difference = new long[C];
    private long previousTickSecond = Long.MIN_VALUE;

    ShardReader(CounterShard shard) {
        this.shard = shard;
    }

    void read(long tickSecond, HostCounters.Changes changes) {
        int n = shard.acquireSlotCount();
        if (n < slotsSeen) {
            followShrink(n, changes);
        }
        slotsSeen = n;
        if (mapped.length < n) {
            int cap = Math.max(n, mapped.length * 2);
            mapped = Arrays.copyOf(mapped, cap);
            mappedHi = Arrays.copyOf(mappedHi, cap);
            mappedLo = Arrays.copyOf(mappedLo, cap);
            readerIdOf = Arrays.copyOf(readerIdOf, cap);
            generationOf = Arrays.copyOf(generationOf, cap);
            previous = Arrays.copyOf(previous, cap * C);
        }
        // Hosts not counted since well before the previous read cannot have changed: skip reading their
        // counters (a second of slack for a writer still finishing the second before it).
        long unchangedBefore = previousTickSecond == Long.MIN_VALUE ? Long.MIN_VALUE : previousTickSecond - 2;
        for (int slot = 0; slot < n; slot++) {
            long generation = shard.generation(slot);
            boolean held = mapped[slot];
            if (held && generation != generationOf[slot]) {
                // The host gave the slot back after being idle (and another may have taken it).
                release(slot, changes);
                held = false;
            }
            if ((generation & 1) != 0) {
                continue;
            }
            if (held && shard.lastSecond(slot) < unchangedBefore) {
                continue;
            }
            long hi = 0, lo = 0;
            if (!held) {
                hi = shard.keyHi(slot);
                lo = shard.keyLo(slot);
            }
            shard.readCounters(slot, counters, 0);
            VarHandle.acquireFence();
            if (shard.generation(slot) != generation) {
                continue; // the slot changed hands while it was read: next time
            }
            if (!held) {
                take(slot, hi, lo, generation);
                readerIdOf[slot] = changes.added(hi, lo);
            }
            int base = slot * C;
            boolean changed = false;
            for (int i = 0; i < C; i++) {
                long d = counters[i] - previous[base + i];
                difference[i] = d;
                changed |= d != 0;
                previous[base + i] = counters[i];
            }
            if (changed) {
                changes.counted(readerIdOf[slot], difference);
            }
        }
        previousTickSecond = tickSecond;
    }

    /** Slots above the count, seen at the previous read. */
    private int slotsSeen;
    private static final int MIN_SLOTS = 1024;

    /**
     * The shard's slot count came down (its highest hosts left, see {@link HostIndex#slotLimit()}): lets go
     * of the hosts above it, and of the memory when the arrays are four times what the count needs.
     */
    private void followShrink(int n, HostCounters.Changes changes) {
        for (int slot = n; slot < Math.min(slotsSeen, mapped.length); slot++) {
            if (mapped[slot]) {
                release(slot, changes);
            }
        }
        int cap = Math.max(MIN_SLOTS, n * 2);
        if (mapped.length > 2 * cap) {
            mapped = Arrays.copyOf(mapped, cap);
            mappedHi = Arrays.copyOf(mappedHi, cap);
            mappedLo = Arrays.copyOf(mappedLo, cap);
            generationOf = Arrays.copyOf(generationOf, cap);
            previous = Arrays.copyOf(previous, cap * C);
        }
        int ids = Math.max(16, hostIds.slotLimit() * 2);
        if (slotOfId.length > 2 * ids) {
            slotOfId = Arrays.copyOf(slotOfId, ids);
        }
    }

    private void take(int slot, long hi, long lo, long generation) {
        mapped[slot] = true;
        mappedHi[slot] = hi;
        mappedLo[slot] = lo;
        generationOf[slot] = generation;
        int id = hostIds.findOrInsert(hi, lo);
        if (id >= slotOfId.length) {
            slotOfId = Arrays.copyOf(slotOfId, Math.max(16, Math.max(id + 1, slotOfId.length * 2)));
        }
        slotOfId[id] = slot;
        int wanted = sampled.find(hi, lo);
        if (wanted >= 0 && sampleFlagsOf[wanted] != 0) {
            shard.setSampleFlags(slot, sampleFlagsOf[wanted]);
        }
    }

    private void release(int slot, HostCounters.Changes changes) {
        mapped[slot] = false;
        Arrays.fill(previous, slot * C, slot * C + C, 0);
        long hi = mappedHi[slot], lo = mappedLo[slot];
        hostIds.remove(hi, lo);
        changes.removed(readerIdOf[slot]);
    }

    /** @param flags bit {@link Direction#hostIndex()} for each direction to sample; 0 stops */
    void requestSamples(long hi, long lo, long flags) {
        if (flags != 0) {
            int id = sampled.findOrInsert(hi, lo);
            if (id >= sampleFlagsOf.length) {
                sampleFlagsOf = Arrays.copyOf(sampleFlagsOf, Math.max(16, Math.max(id + 1, sampleFlagsOf.length * 2)));
            }
            sampleFlagsOf[id] = flags;
        } else {
            sampled.remove(hi, lo);
        }
        int id = hostIds.find(hi, lo);
        if (id >= 0) {
            shard.setSampleFlags(slotOfId[id], flags);
        }
    }
}
