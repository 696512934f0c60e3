package fastnetmon.counters;

import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counting stage for one source thread (a capture thread, a replay, a flow collector socket):
 * the only writer of its counters, so counting takes no locks. Classifies each packet's direction
 * against the monitored networks, adds it to the global totals and to the per-host counters of its
 * monitored end(s), counts new flows, and copies packets of hosts under attack into a sample ring.
 *
 * <p>Per-host counters are cumulative. The evaluator reads them from another thread and takes
 * differences second by second; the writer publishes with a release store after each batch
 * ({@link #publish()}) and when it adds a host, the reader starts each pass with an acquire load
 * ({@link #acquireSlotCount()}).
 */
public final class CounterShard {
    static final int CHUNK_BITS = 12;
    static final int CHUNK_SLOTS = 1 << CHUNK_BITS;
    static final int MAX_CHUNKS = 1 << 14;
    /** The most hosts one shard can hold: 64M. */
    public static final int MAX_HOSTS = MAX_CHUNKS * CHUNK_SLOTS;
    /**
     * Longs per host: key hi, key lo, sample flags, the last second it was counted in, {@link #COUNTERS}
     * counters, and the slot's generation: even while a host holds the slot, odd while it is free; it
     * moves on when the host leaves and when another takes the slot, so the evaluator can tell.
     */
    public static final int SLOT_LONGS = 41;
    static final int KEY_HI = 0, KEY_LO = 1, SAMPLE_FLAGS = 2, LAST_SECOND = 3, FIRST_COUNTER = 4, GENERATION = 40;
    /** A host not counted for this long gives its slot back (memory follows the active hosts). */
    public static final int IDLE_SECONDS = 120;
    /** packets, bytes, flows for each direction (IN, OUT) and traffic class. */
    public static final int COUNTERS = HostTraffic.SIZE * 3;

    /** Offset of a counter within a host's counters: metric 0 packets, 1 bytes, 2 flows. */
    public static int counter(int dir, int cls, int metric) {
        return (dir * TrafficClass.COUNT + cls) * 3 + metric;
    }

    /** Totals: [direction][ipv4=0, ipv6=1][packets=0, bytes=1]. */
    public static int totalIndex(Direction d, int ipVersion, int metric) {
        return (d.ordinal() * 2 + (ipVersion == 6 ? 1 : 0)) * 2 + metric;
    }

    public static final int TOTALS = 16;

    private static final VarHandle PUBLISHED, LONGS;

    static {
        try {
            PUBLISHED = MethodHandles.lookup().findVarHandle(CounterShard.class, "published", int.class);
            LONGS = MethodHandles.arrayElementVarHandle(long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final PrefixMatcher monitored;
    private final HostIndex index = new HostIndex(1 << 12);
    private final long[][] chunks = new long[MAX_CHUNKS][];
    private final FlowTracker flows;
    private final SampleRing samples = new SampleRing(12);
    private final long[] totals = new long[TOTALS];
    private long unparsed;
    private long notIp;
    private final int maxHosts;
    private final int idleSeconds;
    private int sweepCursor;
    private long evictedHosts;
    private long untrackedPackets;
    private long second = Long.MIN_VALUE;
    private int slotCount;
    @SuppressWarnings("unused") private volatile int published;

    public CounterShard(String name, PrefixMatcher monitored, int flowTableLog2) {
        this(name, monitored, flowTableLog2, MAX_HOSTS);
    }

    /**
     * @param maxHosts hosts this shard tracks at most; packets of further hosts count in the totals
     *                 only (see {@link #untrackedPackets()}), so a flood to random addresses of a large
     *                 network cannot exhaust memory
     */
    public CounterShard(String name, PrefixMatcher monitored, int flowTableLog2, int maxHosts) {
        this(name, monitored, flowTableLog2, maxHosts, IDLE_SECONDS);
    }

    /** @param idleSeconds a host not counted for this long gives its slot back */
    public CounterShard(String name, PrefixMatcher monitored, int flowTableLog2, int maxHosts, int idleSeconds) {
        this.idleSeconds = idleSeconds;
        this.maxHosts = Math.min(Math.max(1, maxHosts), MAX_HOSTS);
        this.name = name;
        this.monitored = monitored;
        this.flows = new FlowTracker(flowTableLog2);
    }

    public String name() {
        return name;
    }

    /** The source calls this with the second its packets now belong to (packet time or wall clock). */
    public void onSecond(long epochSecond) {
        if (epochSecond != second) {
            second = epochSecond;
            flows.nextSecond();
            evictIdle();
        }
    }

    /**
     * Gives back the slots of hosts not counted for idleSeconds, sweeping a part of the slots each
     * second (all of them within about 30 s). Hosts whose packets are being sampled stay.
     */
    private void evictIdle() {
        int n = slotCount;
        int budget = Math.min(n, Math.max(1024, n / 30));
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
            index.remove(c[base + KEY_HI], c[base + KEY_LO]);
            java.util.Arrays.fill(c, base + FIRST_COUNTER, base + FIRST_COUNTER + COUNTERS, 0);
            LONGS.setRelease(c, base + GENERATION, generation + 1);
            evictedHosts++;
        }
    }

    public void countUnparsed() {
        unparsed++;
    }

    /** A frame that is neither IPv4 nor IPv6 (counted once more in {@link #unparsed()}). */
    public void countNotIp() {
        notIp++;
    }

    /** Counts one packet; see {@link #countBatch} for many. */
    public void count(PacketRecord r) {
        int dir = classify(r);
        if (dir == INCOMING || dir == INTERNAL) {
            int slot = slotFor(r.dstHi, r.dstLo);
            if (slot >= 0) {
                countHost(slot, HostTraffic.IN, r, flowKey(r, HostTraffic.IN));
            }
        }
        if (dir == OUTGOING || dir == INTERNAL) {
            int slot = slotFor(r.srcHi, r.srcLo);
            if (slot >= 0) {
                countHost(slot, HostTraffic.OUT, r, flowKey(r, HostTraffic.OUT));
            }
        }
    }

    /** Packets {@link #countBatch} works on at a time. */
    static final int BATCH = 32;
    private final int[] batchDir = new int[BATCH];
    private final long[] batchKeyIn = new long[BATCH], batchKeyOut = new long[BATCH], batchKeys = new long[2 * BATCH];
    @SuppressWarnings("unused") private long peeked;

    /**
     * Counts {@code n} packets, exactly as {@link #count} would one after the other (same order, same
     * host slots, same flow-table updates), but faster: for {@value #BATCH} packets at a time it first
     * classifies them and computes their flow keys, then reads the flow-table entries of all those keys
     * in one tight loop, then counts. The reads are independent of each other, so their cache misses
     * overlap (the table is 8 MiB and each new flow lands on a random line of it) instead of costing
     * one memory round trip per packet.
     */
    public void countBatch(PacketRecord[] batch, int n) {
        int[] dirs = batchDir;
        long[] keyIn = batchKeyIn, keyOut = batchKeyOut, keys = batchKeys;
        for (int from = 0; from < n; from += BATCH) {
            int m = Math.min(BATCH, n - from);
            int nk = 0;
            for (int j = 0; j < m; j++) {
                // No branch on the direction here: it is unpredictable, and the counting pass branches on it anyway.
                PacketRecord r = batch[from + j];
                int dir = classify(r);
                dirs[j] = dir;
                long base = flowBase(r);
                long in = mix(base ^ HostTraffic.IN), out = mix(base ^ HostTraffic.OUT);
                keyIn[j] = in;
                keyOut[j] = out;
                keys[nk] = in;
                nk += (dir == INCOMING | dir == INTERNAL) ? 1 : 0;
                keys[nk] = out;
                nk += (dir == OUTGOING | dir == INTERNAL) ? 1 : 0;
            }
            long sink = 0;
            for (int i = 0; i < nk; i++) {
                sink += flows.peek(keys[i]);
            }
            peeked += sink; // keeps the reads: a value nobody uses would not be read at all
            for (int j = 0; j < m; j++) {
                int dir = dirs[j];
                PacketRecord r = batch[from + j];
                if (dir == INCOMING || dir == INTERNAL) {
                    int slot = slotFor(r.dstHi, r.dstLo);
                    if (slot >= 0) {
                        countHost(slot, HostTraffic.IN, r, keyIn[j]);
                    }
                }
                if (dir == OUTGOING || dir == INTERNAL) {
                    int slot = slotFor(r.srcHi, r.srcLo);
                    if (slot >= 0) {
                        countHost(slot, HostTraffic.OUT, r, keyOut[j]);
                    }
                }
            }
        }
    }

    private static final int INCOMING = 0, OUTGOING = 1, INTERNAL = 2; // Direction ordinals

    /** Adds the packet to the totals and returns its direction's ordinal. */
    private int classify(PacketRecord r) {
        boolean v4 = r.ipVersion == 4;
        boolean srcMon = (v4 ? monitored.lookupV4(r.src4) : monitored.lookup(r.srcHi, r.srcLo)) >= 0;
        boolean dstMon = (v4 ? monitored.lookupV4(r.dst4) : monitored.lookup(r.dstHi, r.dstLo)) >= 0;
        int dir = srcMon ? (dstMon ? INTERNAL : OUTGOING) : (dstMon ? INCOMING : 3);
        int t = (dir * 2 + (v4 ? 0 : 1)) * 2;
        totals[t] += r.packets;
        totals[t + 1] += r.bytes;
        return dir;
    }

    /** The host's slot, added when new; -1 when there is no room for it. */
    private int slotFor(long hi, long lo) {
        if (index.size() >= maxHosts) {
            int slot = index.find(hi, lo);
            if (slot < 0) {
                untrackedPackets++;
            }
            return slot;
        }
        int slot = index.findOrInsert(hi, lo);
        if (index.lastInsertWasNew()) {
            if (slot < slotCount) {
                reuseSlot(slot, hi, lo);
            } else {
                addSlot(slot, hi, lo);
            }
        }
        return slot;
    }

    private void countHost(int slot, int dir, PacketRecord r, long flowKey) {
        long[] c = chunks[slot >>> CHUNK_BITS];
        int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
        int k = base + FIRST_COUNTER + dir * TrafficClass.COUNT * 3;
        c[base + LAST_SECOND] = second;
        long p = r.packets, b = r.bytes;
        int proto = r.protocol;
        int cls = proto == PacketRecord.TCP ? TrafficClass.TCP
                : proto == PacketRecord.UDP ? TrafficClass.UDP
                : proto == PacketRecord.ICMP || proto == PacketRecord.ICMPV6 ? TrafficClass.ICMP : -1;
        boolean syn = cls == TrafficClass.TCP && (r.tcpFlags & PacketRecord.TCP_SYN) != 0;
        boolean frag = r.fragmented;
        c[k] += p;
        c[k + 1] += b;
        if (cls > 0) {
            c[k + cls * 3] += p;
            c[k + cls * 3 + 1] += b;
        }
        if (syn) {
            c[k + TrafficClass.TCP_SYN * 3] += p;
            c[k + TrafficClass.TCP_SYN * 3 + 1] += b;
        }
        if (frag) {
            c[k + TrafficClass.FRAGMENTED * 3] += p;
            c[k + TrafficClass.FRAGMENTED * 3 + 1] += b;
        }
        long w = flows.add(flowKey);
        if (w != 0) {
            c[k + 2] += w;
            if (cls > 0) {
                c[k + cls * 3 + 2] += w;
            }
            if (syn) {
                c[k + TrafficClass.TCP_SYN * 3 + 2] += w;
            }
            if (frag) {
                c[k + TrafficClass.FRAGMENTED * 3 + 2] += w;
            }
        }
        long sampleFlags = c[base + SAMPLE_FLAGS];
        if (sampleFlags != 0 && (sampleFlags & (1L << dir)) != 0) {
            samples.offer(r, dir);
        }
    }

    private void addSlot(int slot, long hi, long lo) {
        int chunk = slot >>> CHUNK_BITS;
        if (chunks[chunk] == null) {
            chunks[chunk] = new long[CHUNK_SLOTS * SLOT_LONGS];
        }
        long[] c = chunks[chunk];
        int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
        c[base + KEY_HI] = hi;
        c[base + KEY_LO] = lo;
        slotCount = slot + 1;
        PUBLISHED.setRelease(this, slotCount);
    }

    /** A freed slot for a new host: its counters were zeroed when it was freed. */
    private void reuseSlot(int slot, long hi, long lo) {
        long[] c = chunks[slot >>> CHUNK_BITS];
        int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
        c[base + KEY_HI] = hi;
        c[base + KEY_LO] = lo;
        c[base + LAST_SECOND] = second;
        LONGS.setRelease(c, base + GENERATION, c[base + GENERATION] + 1);
    }

    static long flowKey(PacketRecord r, int dir) {
        return mix(flowBase(r) ^ dir);
    }

    /** The flow key before its direction (bit 0) and the final mixing: {@code flowKey(r, d) == mix(flowBase(r) ^ d)}. */
    private static long flowBase(PacketRecord r) {
        long a, b;
        if (r.ipVersion == 4) {
            a = (r.src4 & 0xffff_ffffL) << 32 | (r.dst4 & 0xffff_ffffL);
            b = 0;
        } else {
            a = r.srcHi * 0x9E3779B97F4A7C15L + r.srcLo;
            b = r.dstHi * 0xC2B2AE3D27D4EB4FL + r.dstLo;
        }
        return a * 0xff51afd7ed558ccdL ^ b ^ ((long) r.srcPort << 40 | (long) r.dstPort << 16 | r.protocol << 1);
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }

    /** Release point for the evaluator; sources call it once per batch of packets. */
    public void publish() {
        PUBLISHED.setRelease(this, slotCount);
    }

    // ---- reader side (the evaluator) ----

    /** Number of host slots; an acquire load, so counters written before the last publish are visible. */
    public int acquireSlotCount() {
        return (int) PUBLISHED.getAcquire(this);
    }

    public long keyHi(int slot) {
        return chunks[slot >>> CHUNK_BITS][(slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + KEY_HI];
    }

    public long keyLo(int slot) {
        return chunks[slot >>> CHUNK_BITS][(slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + KEY_LO];
    }

    /**
     * The slot's generation (an acquire load): odd while the slot is free; it changes when its host
     * leaves and when another takes it. A reader that reads it before and after the key and counters
     * (with an acquire fence between) and sees the same even value read one host's consistent data.
     */
    public long generation(int slot) {
        return (long) LONGS.getAcquire(chunks[slot >>> CHUNK_BITS], (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + GENERATION);
    }

    /** Hosts that gave their slot back after being idle. */
    public long evictedHosts() {
        return evictedHosts;
    }

    /** The last second (as given to {@link #onSecond}) in which the host was counted. */
    public long lastSecond(int slot) {
        return chunks[slot >>> CHUNK_BITS][(slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + LAST_SECOND];
    }

    /** Copies a host's cumulative counters into dst[dstOff, dstOff + COUNTERS). */
    public void readCounters(int slot, long[] dst, int dstOff) {
        System.arraycopy(chunks[slot >>> CHUNK_BITS], (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + FIRST_COUNTER,
                dst, dstOff, COUNTERS);
    }

    /** Starts or stops copying a host's packets into the sample ring: bit 0 incoming, bit 1 outgoing. */
    public void setSampleFlags(int slot, long flags) {
        LONGS.setOpaque(chunks[slot >>> CHUNK_BITS], (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + SAMPLE_FLAGS, flags);
    }

    public SampleRing samples() {
        return samples;
    }

    public void readTotals(long[] dst) {
        System.arraycopy(totals, 0, dst, 0, TOTALS);
    }

    public long unparsed() {
        return unparsed;
    }

    /** Of {@link #unparsed()}, the frames that were neither IPv4 nor IPv6 (FastNetMon's unknown IP version). */
    public long notIp() {
        return notIp;
    }

    /** Packets to or from monitored hosts that were not tracked per host because the shard was full. */
    public long untrackedPackets() {
        return untrackedPackets;
    }

    /** Slot of a host in this shard, or -1. Only safe on the writer's thread (used by replay and tests). */
    public int slotOf(long hi, long lo) {
        return index.find(hi, lo);
    }
}
