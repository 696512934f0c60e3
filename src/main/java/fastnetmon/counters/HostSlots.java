package fastnetmon.counters;

import fastnetmon.config.TrafficClass;
import fastnetmon.packet.PacketRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

import static fastnetmon.counters.CounterShard.CHUNK_BITS;
import static fastnetmon.counters.CounterShard.CHUNK_SLOTS;
import static fastnetmon.counters.CounterShard.COUNTERS;
import static fastnetmon.counters.CounterShard.DIRECTION_COUNTERS;
import static fastnetmon.counters.CounterShard.FIRST_COUNTER;
import static fastnetmon.counters.CounterShard.GENERATION;
import static fastnetmon.counters.CounterShard.KEY_HI;
import static fastnetmon.counters.CounterShard.KEY_LO;
import static fastnetmon.counters.CounterShard.LAST_SECOND;
import static fastnetmon.counters.CounterShard.MAX_CHUNKS;
import static fastnetmon.counters.CounterShard.MAX_HOSTS;
import static fastnetmon.counters.CounterShard.SAMPLE_FLAGS;
import static fastnetmon.counters.CounterShard.SLOT_LONGS;
import static fastnetmon.counters.CounterShard.counter;
import static fastnetmon.counters.DirectionTotals.INCOMING;
import static fastnetmon.counters.DirectionTotals.INTERNAL;
import static fastnetmon.counters.DirectionTotals.OUTGOING;

/**
 * A shard's hosts and their slots: which host has which slot ({@link HostIndex}), the slots' longs in
 * chunks of {@link CounterShard#CHUNK_SLOTS}, and who gets a slot. At most max_tracked_hosts hold one;
 * when all are taken, packets of further hosts go to a {@link HeavyHitters} sketch, and a host it finds
 * heavy takes the slot of a light one (by rate, not by arrival). A host idle for idle_seconds gives its
 * slot back; a chunk all of whose hosts left is given back to the garbage collector, and the slot count
 * comes down when the highest hosts leave, so memory follows the hosts present.
 *
 * <p>A slot's generation is even while a host holds it and odd while it is free, and moves on when its
 * host leaves and when another takes it: a reader (see {@link ShardReader}) that reads it before and
 * after a slot's data and sees the same even value read one host's consistent data.
 *
 * <p>Threading: the shard's writer thread calls everything but {@link #acquireSlotCount},
 * {@link #endOfRead}, {@link #generation}, {@link #key}, {@link #chunk} (reads) and
 * {@link #setSampleFlags}, which the one reader thread calls; the statistics are plain reads from
 * any thread, possibly a moment old.
 */
final class HostSlots {
    private static final VarHandle PUBLISHED, PASSES, LONGS, CHUNKS, COUNTED_UP_TO;
    /**
     * Stands for a chunk whose hosts have all left (its memory given back): every slot free, with an
     * odd generation, so readers that still look at it skip it.
     */
    private static final long[] FREED_CHUNK = new long[CHUNK_SLOTS * SLOT_LONGS];

    static {
        try {
            PUBLISHED = MethodHandles.lookup().findVarHandle(HostSlots.class, "published", int.class);
            PASSES = MethodHandles.lookup().findVarHandle(HostSlots.class, "passes", int.class);
            COUNTED_UP_TO = MethodHandles.lookup().findVarHandle(HostSlots.class, "countedUpTo", long.class);
            LONGS = MethodHandles.arrayElementVarHandle(long[].class);
            CHUNKS = MethodHandles.arrayElementVarHandle(long[][].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        for (int base = GENERATION; base < FREED_CHUNK.length; base += SLOT_LONGS) {
            FREED_CHUNK[base] = 1;
        }
    }

    private final HostIndex index = new HostIndex(1 << 12);
    private final long[][] chunks = new long[MAX_CHUNKS][];
    /** Hosts in each chunk: a chunk left by all its hosts is given back. */
    private final int[] chunkHosts = new int[MAX_CHUNKS];
    /** Above every generation a slot had in a chunk given back; slots of a new chunk start here (odd: free). */
    private long generationFloor = 1;
    private final int maxHosts;
    private final int idleSeconds;
    private final HeavyHitters heavy;
    private int sweepCursor;
    private int random = 0x2545F491;
    private long second = Long.MIN_VALUE;
    private int slotCount;
    private int promotedAtPass;
    private long evictedHosts, untrackedPackets, promotedHosts, promotionsWithoutRoom, freedChunks;
    @SuppressWarnings("unused") private volatile int published;
    /** Passes the reader began; written by the reader only. */
    @SuppressWarnings("unused") private volatile int passes;

    HostSlots(TrackingLimits limits) {
        this.maxHosts = Math.min(Math.max(1, limits.maxHosts()), MAX_HOSTS);
        this.idleSeconds = limits.idleSeconds();
        this.heavy = new HeavyHitters(limits.promotePackets(), limits.promoteBytes());
    }

    /** The second the writer's packets now belong to; gives idle hosts' slots back when it changes. */
    void onSecond(long epochSecond) {
        if (epochSecond != second) {
            second = epochSecond;
            evictIdle();
        }
        promoteAfterRead();
    }

    /** The newest packet time counted: opaque accesses (plain ones on x86), seen about with the counts. */
    private long countedUpTo = Long.MIN_VALUE;

    /** The writer counted a packet of this time. */
    void countedUpTo(long nanos) {
        if (nanos > countedUpTo) {
            COUNTED_UP_TO.setOpaque(this, nanos);
        }
    }

    /** The newest packet time the writer has counted; for the reader. */
    long countedUpTo() {
        return (long) COUNTED_UP_TO.getOpaque(this);
    }

    /** Release point for the reader, once per batch of packets. */
    void publish() {
        promoteAfterRead();
        PUBLISHED.setRelease(this, slotCount);
    }

    /** The chunk holding a slot's longs, at offset {@code (slot % CHUNK_SLOTS) * SLOT_LONGS}. */
    long[] chunk(int slot) {
        return chunks[slot >>> CHUNK_BITS];
    }

    /**
     * Takes the hosts the sketch found heavy into the table once the reader has finished a pass (see
     * {@link #endOfRead()}): the evaluator reads a rate as the difference from its previous pass, so a
     * host taken in right after one has its first rate over a whole period, never a part of one that
     * would understate it. Then the sketch starts over: its window is the evaluator's period.
     */
    private void promoteAfterRead() {
        int pass = (int) PASSES.getOpaque(this);
        if (pass == promotedAtPass) {
            return;
        }
        promotedAtPass = pass;
        for (int k = 0; k < heavy.candidates(); k++) {
            long hi = heavy.candidateHi(k), lo = heavy.candidateLo(k);
            if (index.find(hi, lo) >= 0) {
                continue;
            }
            if (index.size() >= maxHosts) {
                int victim = lightestOfSample();
                if (victim < 0) {
                    promotionsWithoutRoom++;
                    continue;
                }
                freeSlot(victim, false);
            }
            if (slotFor(hi, lo) >= 0) {
                promotedHosts++;
            }
        }
        heavy.clear();
    }

    /**
     * The lightest of {@value #EVICTION_SAMPLE} tracked hosts picked at random: counted least recently,
     * then fewest packets; never one taken in this second or whose packets are being sampled (an
     * attack's details). -1 when the sample holds none that may go.
     */
    private int lightestOfSample() {
        int n = slotCount, best = -1;
        long bestLast = Long.MAX_VALUE, bestPackets = Long.MAX_VALUE;
        int in = FIRST_COUNTER + counter(Direction.INCOMING, TrafficClass.TOTAL, 0);
        int out = FIRST_COUNTER + counter(Direction.OUTGOING, TrafficClass.TOTAL, 0);
        for (int k = 0; k < EVICTION_SAMPLE; k++) {
            random ^= random << 13;
            random ^= random >>> 17;
            random ^= random << 5;
            int slot = (int) ((random & 0xffff_ffffL) % n);
            long[] c = chunks[slot >>> CHUNK_BITS];
            int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
            long last = c[base + LAST_SECOND];
            if ((c[base + GENERATION] & 1) != 0 || c[base + SAMPLE_FLAGS] != 0 || last >= second) {
                continue;
            }
            long packets = c[base + in] + c[base + out];
            if (last < bestLast || (last == bestLast && packets < bestPackets)) {
                best = slot;
                bestLast = last;
                bestPackets = packets;
            }
        }
        return best;
    }

    static final int EVICTION_SAMPLE = 16;

    /**
     * Gives back the slots of hosts not counted for idleSeconds, sweeping a part of the slots each
     * second (all of them within about 30 s). Hosts whose packets are being sampled stay.
     */
    private void evictIdle() {
        int n = slotCount;
        int budget = Math.min(n, Math.max(1024, n / 30));
        if (sweepCursor >= n) {
            sweepCursor = 0;
        }
        for (int k = 0; k < budget; k++) {
            int slot = sweepCursor;
            sweepCursor = slot + 1 < n ? slot + 1 : 0;
            long[] c = chunks[slot >>> CHUNK_BITS];
            int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
            long generation = c[base + GENERATION];
            long last = c[base + LAST_SECOND];
            // Long.MIN_VALUE: counted before the source said which second it was; not judged idle.
            if ((generation & 1) != 0 || last == Long.MIN_VALUE || last > second - idleSeconds || c[base + SAMPLE_FLAGS] != 0) {
                continue;
            }
            freeSlot(slot, true);
        }
    }

    /**
     * Gives a slot back: the generation turns odd before the counters are cleared (a reader that sees
     * them cleared sees the new generation too, and drops what it read). A chunk left empty by idle
     * hosts is given back to the garbage collector (not when a heavy host is about to take the slot).
     */
    private void freeSlot(int slot, boolean giveBackEmptyChunk) {
        int chunk = slot >>> CHUNK_BITS;
        long[] c = chunks[chunk];
        int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
        long odd = c[base + GENERATION] + 1;
        LONGS.setRelease(c, base + GENERATION, odd);
        VarHandle.storeStoreFence();
        index.remove(c[base + KEY_HI], c[base + KEY_LO]);
        Arrays.fill(c, base + FIRST_COUNTER, base + FIRST_COUNTER + COUNTERS, 0);
        evictedHosts++;
        generationFloor = Math.max(generationFloor, odd);
        if (--chunkHosts[chunk] == 0 && giveBackEmptyChunk) {
            CHUNKS.setRelease(chunks, chunk, FREED_CHUNK);
            freedChunks++;
        }
        if (index.slotLimit() < slotCount) {
            // The highest hosts left: readers stop at the new count and let go of what was above it.
            slotCount = index.slotLimit();
            PUBLISHED.setRelease(this, slotCount);
        }
    }

    /**
     * The host's slot, added when new; -1 when there is no room for it, and then its packets count in
     * the sketch that finds heavy hosts to take in.
     */
    int slotFor(long hi, long lo, long packets, long bytes) {
        if (index.size() >= maxHosts) {
            int slot = index.find(hi, lo);
            if (slot < 0) {
                untrackedPackets++;
                heavy.add(hi, lo, packets, bytes);
            }
            return slot;
        }
        return slotFor(hi, lo);
    }

    private int slotFor(long hi, long lo) {
        int slot = index.findOrInsert(hi, lo);
        if (index.lastInsertWasNew()) {
            takeSlot(slot, hi, lo);
        }
        return slot;
    }

    /** Slots in use or free below the highest in use (the writer's count; {@link #acquireSlotCount} is the reader's). */
    int slotCount() {
        return slotCount;
    }

    /**
     * {@link CounterShard#countBatch}'s pass for many hosts, over packets {@code from} to {@code from + m}
     * of the batch, whose directions ({@link DirectionTotals}' ints) are in {@code dirs[0, m)}: reads their
     * hosts' index entries, then finds their slots as {@link #slotFor(long, long, long, long)} would one
     * packet after the other, destination before source, into {@code slotIn} and {@code slotOut} (of the
     * packets counted for that side), and reads the counters counting will touch. The reads of each loop
     * are independent of each other, so their cache misses overlap. Returns the sum of what it read, for
     * the caller to keep (a value nobody uses would not be read at all).
     */
    long slotsAhead(PacketRecord[] batch, int from, int m, int[] dirs, int[] slotIn, int[] slotOut) {
        long sink = 0;
        for (int j = 0; j < m; j++) {
            int dir = dirs[j];
            PacketRecord r = batch[from + j];
            if (dir == INCOMING || dir == INTERNAL) {
                sink += index.peek(r.dstHi, r.dstLo);
            }
            if (dir == OUTGOING || dir == INTERNAL) {
                sink += index.peek(r.srcHi, r.srcLo);
            }
        }
        for (int j = 0; j < m; j++) {
            int dir = dirs[j];
            PacketRecord r = batch[from + j];
            if (dir == INCOMING || dir == INTERNAL) {
                int slot = slotFor(r.dstHi, r.dstLo, r.packets, r.bytes);
                slotIn[j] = slot;
                sink += slot >= 0 ? peekCounters(slot, INCOMING) : 0;
            }
            if (dir == OUTGOING || dir == INTERNAL) {
                int slot = slotFor(r.srcHi, r.srcLo, r.packets, r.bytes);
                slotOut[j] = slot;
                sink += slot >= 0 ? peekCounters(slot, OUTGOING) : 0;
            }
        }
        return sink;
    }

    /**
     * Reads the cache lines of a slot that counting a packet for its host in direction {@code dir} (a
     * {@link Direction#hostIndex()}) touches: the sample flags and last second, and that direction's
     * counters.
     */
    private long peekCounters(int slot, int dir) {
        long[] c = chunks[slot >>> CHUNK_BITS];
        int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
        int k = base + CounterShard.firstCounterOf(dir);
        // the counters read every 7 longs, so each cache line (8 longs) they span is read
        return c[base + SAMPLE_FLAGS] + c[base + LAST_SECOND] + c[k] + c[k + 7] + c[k + 14] + c[k + DIRECTION_COUNTERS - 1];
    }

    /**
     * A new host takes a free slot (whose counters were zeroed when it was freed, or never used), in
     * a new chunk when its chunk was never made or was given back: that chunk's slots start free, at
     * a generation above any their slots had before, so a reader never takes the new host for an old.
     */
    private void takeSlot(int slot, long hi, long lo) {
        int chunk = slot >>> CHUNK_BITS;
        long[] c = chunks[chunk];
        if (c == null || c == FREED_CHUNK) {
            c = new long[CHUNK_SLOTS * SLOT_LONGS];
            for (int g = GENERATION; g < c.length; g += SLOT_LONGS) {
                c[g] = generationFloor;
            }
            CHUNKS.setRelease(chunks, chunk, c);
        }
        chunkHosts[chunk]++;
        int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
        c[base + KEY_HI] = hi;
        c[base + KEY_LO] = lo;
        c[base + LAST_SECOND] = second;
        LONGS.setRelease(c, base + GENERATION, c[base + GENERATION] + 1);
        if (slot >= slotCount) {
            slotCount = slot + 1;
            PUBLISHED.setRelease(this, slotCount);
        }
    }


    // ---- reader side ----

    /** Number of slots (an acquire load). */
    int acquireSlotCount() {
        return (int) PUBLISHED.getAcquire(this);
    }

    /** The reader has read every slot: hosts found heavy may be taken in now (see {@link #promoteAfterRead}). */
    void endOfRead() {
        PASSES.setOpaque(this, (int) PASSES.getOpaque(this) + 1);
    }

    /** One of a slot's longs (the key, the last second) read plainly. */
    long key(int slot, int field) {
        return chunks[slot >>> CHUNK_BITS][(slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + field];
    }

    /** The slot's generation: an acquire load, of the chunk too (a chunk made again after being given back is published so). */
    long generation(int slot) {
        long[] c = (long[]) CHUNKS.getAcquire(chunks, slot >>> CHUNK_BITS);
        return (long) LONGS.getAcquire(c, (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + GENERATION);
    }

    void setSampleFlags(int slot, long flags) {
        LONGS.setOpaque(chunks[slot >>> CHUNK_BITS], (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + SAMPLE_FLAGS, flags);
    }

    /** Slot of a host, or -1 (the writer's thread). */
    int slotOf(long hi, long lo) {
        return index.find(hi, lo);
    }

    long evictedHosts() {
        return evictedHosts;
    }

    long untrackedPackets() {
        return untrackedPackets;
    }

    long promotedHosts() {
        return promotedHosts;
    }

    /** Heavy hosts that found no lighter host to take the place of (all sampled were busier or sampled). */
    long promotionsWithoutRoom() {
        return promotionsWithoutRoom;
    }

    long freedChunks() {
        return freedChunks;
    }
}
