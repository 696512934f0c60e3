package fastnetmon.counters;

import fastnetmon.config.ConfigKeys;
import fastnetmon.config.TrafficClass;
import fastnetmon.packet.PacketRecord;

import static fastnetmon.counters.DirectionTotals.INCOMING;
import static fastnetmon.counters.DirectionTotals.INTERNAL;
import static fastnetmon.counters.DirectionTotals.OUTGOING;

/**
 * The counting stage for one source thread (a capture thread, a replay, a flow collector socket):
 * the only writer of its counters, so counting takes no locks. Classifies each packet's direction
 * against the monitored networks and adds it to the totals ({@link DirectionTotals}) and to the per-host
 * counters of its monitored end(s), counts new flows, and copies packets of hosts
 * under attack into a sample ring. Which hosts have a slot, and who gets one when they are too many to
 * track one by one, is {@link HostSlots}' job.
 *
 * <p>Per-host counters are cumulative. The evaluator reads them through {@link HostCounters} from
 * another thread, which reports differences read by read ({@link ShardReader} keeps the reader's side of
 * the slot protocol); the writer publishes with a release store after each batch ({@link #publish()})
 * and when it adds a host, the reader starts each pass with an acquire load ({@link #acquireSlotCount()}).
 *
 * <p>Threading: the write side ({@link #onSecond}, {@link #count}, {@link #countBatch},
 * {@link #countUnparsed}, {@link #publish}) is called by one source thread; the {@link HostCounters}
 * methods by one reader thread; {@link #name()}, {@link #readTotals}, {@link #unparsed()},
 * {@link #untrackedPackets()} and {@link #evictedHosts()} from any thread (plain reads of counters,
 * possibly a moment old).
 */
public final class CounterShard implements HostCounters {
    static final int CHUNK_BITS = 12;
    static final int CHUNK_SLOTS = 1 << CHUNK_BITS;
    /** The most hosts one shard can hold: 64M (the bound of max_tracked_hosts). */
    public static final int MAX_HOSTS = ConfigKeys.MAX_TRACKED_HOSTS;
    static final int MAX_CHUNKS = MAX_HOSTS >> CHUNK_BITS;
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
    public static int counter(Direction dir, int cls, int metric) {
        return (dir.hostIndex() * TrafficClass.COUNT + cls) * 3 + metric;
    }

    /** Totals: [direction][ipv4=0, ipv6=1][packets=0, bytes=1]. */
    public static int totalIndex(Direction d, int ipVersion, int metric) {
        return (d.ordinal() * 2 + (ipVersion == 6 ? 1 : 0)) * 2 + metric;
    }

    public static final int TOTALS = 16;


    private final String name;
    private SensorTap sensorTap; // set before the source's thread starts
    private final boolean wholeSeconds;
    private final DirectionTotals totals;
    private final HostSlots slots;
    private final FlowTracker flows;
    private final SampleRing samples = new SampleRing(12);
    private final ShardReader reader = new ShardReader(this);
    private long unparsed;
    private long notIp;
    private long second = Long.MIN_VALUE;

    /**
     * @param networks     the monitored networks; each packet also counts in its network's totals
     * @param limits       how many hosts are tracked one by one, and how heavy untracked ones get in
     * @param wholeSeconds see {@link HostCounters#countsWholeSeconds()}
     */
    public CounterShard(String name, MonitoredNetworks networks, int flowTableLog2, TrackingLimits limits,
                        boolean wholeSeconds) {
        this.wholeSeconds = wholeSeconds;
        this.slots = new HostSlots(limits);
        this.name = name;
        this.totals = new DirectionTotals(networks);
        this.flows = new FlowTracker(flowTableLog2);
    }

    @Override
    public boolean countsWholeSeconds() {
        return wholeSeconds;
    }

    /**
     * Gives this shard's source the abuse sensors' hand-off (null: no sensor is on). Called once, before
     * the source's thread starts, by whoever made the shard.
     */
    public void attachSensorTap(SensorTap tap) {
        this.sensorTap = tap;
    }

    /** The abuse sensors' hand-off for this shard's source, or null when no sensor is on. */
    public SensorTap sensorTap() {
        return sensorTap;
    }

    @Override
    public String name() {
        return name;
    }

    /** The source calls this with the second its packets now belong to (packet time or wall clock). */
    public void onSecond(long epochSecond) {
        if (epochSecond != second) {
            second = epochSecond;
            flows.nextSecond();
        }
        slots.onSecond(epochSecond);
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
        slots.countedUpTo(r.timestampNanos);
        int dir = totals.classify(r);
        if (dir == INCOMING || dir == INTERNAL) {
            int slot = slots.slotFor(r.dstHi, r.dstLo, r.packets, r.bytes);
            if (slot >= 0) {
                countHost(slot, INCOMING, r, FlowKeys.of(r, INCOMING));
            }
        }
        if (dir == OUTGOING || dir == INTERNAL) {
            int slot = slots.slotFor(r.srcHi, r.srcLo, r.packets, r.bytes);
            if (slot >= 0) {
                countHost(slot, OUTGOING, r, FlowKeys.of(r, OUTGOING));
            }
        }
    }

    /** Packets {@link #countBatch} works on at a time. */
    static final int BATCH = 32;
    private final int[] batchDir = new int[BATCH], batchSlotIn = new int[BATCH], batchSlotOut = new int[BATCH];
    private final long[] batchKeyIn = new long[BATCH], batchKeyOut = new long[BATCH], batchKeys = new long[2 * BATCH];
    @SuppressWarnings("unused") private long peeked;

    /**
     * Hosts past which their counters (328 bytes each) no longer fit a core's L2 cache, and
     * {@link #countBatch} reads the hosts' entries ahead (below this the extra pass costs more than it saves).
     */
    static final int SCATTERED_HOSTS = 4096;

    /**
     * Counts {@code n} packets, exactly as {@link #count} would one after the other (same order, same
     * host slots, same flow-table updates), but faster. A packet's flow is found in a table far larger
     * than the caches (8 MiB, each new flow on a random line of it), and so are its host's index entry
     * and counters when the shard has more than {@value #SCATTERED_HOSTS} hosts. So for {@value #BATCH}
     * packets at a time it classifies them, computes their flow keys and reads the flow-table entries
     * (and, with many hosts, the host-index entries) they will need; with many hosts it then finds their
     * hosts' slots (in the same order as {@link #count}: new hosts get the same slots) and reads those
     * slots' counters; then it counts. The reads of a pass are independent of each other, so their cache
     * misses overlap instead of costing one memory round trip after another.
     */
    public void countBatch(PacketRecord[] batch, int n) {
        if (n > 0) {
            slots.countedUpTo(batch[n - 1].timestampNanos);
        }
        boolean scattered = slots.slotCount() > SCATTERED_HOSTS;
        int[] dirs = batchDir, slotIn = batchSlotIn, slotOut = batchSlotOut;
        long[] keyIn = batchKeyIn, keyOut = batchKeyOut, keys = batchKeys;
        for (int from = 0; from < n; from += BATCH) {
            int m = Math.min(BATCH, n - from);
            int nk = 0;
            for (int j = 0; j < m; j++) {
                // No branch on the direction here: it is unpredictable, and the counting pass branches on it anyway.
                PacketRecord r = batch[from + j];
                int dir = totals.classify(r);
                dirs[j] = dir;
                long base = FlowKeys.base(r);
                long in = FlowKeys.mix(base ^ INCOMING), out = FlowKeys.mix(base ^ OUTGOING);
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
            if (scattered) {
                sink += slots.slotsAhead(batch, from, m, dirs, slotIn, slotOut);
            }
            peeked += sink; // keeps the reads: a value nobody uses would not be read at all
            for (int j = 0; j < m; j++) {
                int dir = dirs[j];
                PacketRecord r = batch[from + j];
                if (dir == INCOMING || dir == INTERNAL) {
                    int slot = scattered ? slotIn[j] : slots.slotFor(r.dstHi, r.dstLo, r.packets, r.bytes);
                    if (slot >= 0) {
                        countHost(slot, INCOMING, r, keyIn[j]);
                    }
                }
                if (dir == OUTGOING || dir == INTERNAL) {
                    int slot = scattered ? slotOut[j] : slots.slotFor(r.srcHi, r.srcLo, r.packets, r.bytes);
                    if (slot >= 0) {
                        countHost(slot, OUTGOING, r, keyOut[j]);
                    }
                }
            }
        }
    }

    /**
     * Offset, from a slot's first long, of the first of a direction's counters ({@link Direction#hostIndex()}:
     * {@link DirectionTotals#INCOMING} or {@link DirectionTotals#OUTGOING}); {@link #DIRECTION_COUNTERS} follow.
     */
    static int firstCounterOf(int dir) {
        return FIRST_COUNTER + dir * DIRECTION_COUNTERS;
    }

    static final int DIRECTION_COUNTERS = TrafficClass.COUNT * 3;

    private void countHost(int slot, int dir, PacketRecord r, long flowKey) {
        long[] c = slots.chunk(slot);
        int base = (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS;
        int k = base + firstCounterOf(dir);
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
            samples.offer(r, Direction.of(dir));
        }
    }

    /** Release point for the evaluator; sources call it once per batch of packets. */
    public void publish() {
        slots.publish();
    }

    @Override
    public long countedUpToNanos() {
        return slots.countedUpTo();
    }

    // ---- reader side (the evaluator, through HostCounters; raw slot access for ShardReader and tests) ----

    @Override
    public void read(long tickSecond, Changes changes) {
        reader.read(tickSecond, changes);
        slots.endOfRead();
    }

    @Override
    public void requestSamples(long hi, long lo, Direction direction) {
        reader.requestSamples(hi, lo, direction == null ? 0 : 1L << direction.hostIndex());
    }

    @Override
    public void requestSamplesBothWays(long hi, long lo) {
        reader.requestSamples(hi, lo, 1L << Direction.INCOMING.hostIndex() | 1L << Direction.OUTGOING.hostIndex());
    }

    @Override
    public void drainSamples(SampleRing.Visitor visitor) {
        samples.drain(visitor);
    }

    /** Number of host slots; an acquire load, so counters written before the last publish are visible. */
    public int acquireSlotCount() {
        return slots.acquireSlotCount();
    }

    long keyHi(int slot) {
        return slots.key(slot, KEY_HI);
    }

    long keyLo(int slot) {
        return slots.key(slot, KEY_LO);
    }

    /** See {@link HostSlots#generation}. */
    long generation(int slot) {
        return slots.generation(slot);
    }

    /** Hosts that gave their slot back (idle, or to make room for a heavy one). */
    public long evictedHosts() {
        return slots.evictedHosts();
    }

    /** The last second (as given to {@link #onSecond}) in which the host was counted. */
    long lastSecond(int slot) {
        return slots.key(slot, LAST_SECOND);
    }

    /** Copies a host's cumulative counters into dst[dstOff, dstOff + COUNTERS). */
    public void readCounters(int slot, long[] dst, int dstOff) {
        System.arraycopy(slots.chunk(slot), (slot & (CHUNK_SLOTS - 1)) * SLOT_LONGS + FIRST_COUNTER, dst, dstOff, COUNTERS);
    }

    /**
     * Starts or stops copying a host's packets into the sample ring: bit {@link Direction#hostIndex()} of
     * each direction. Readers use {@link #requestSamples}; this is the raw slot access under it (and tests').
     */
    public void setSampleFlags(int slot, long flags) {
        slots.setSampleFlags(slot, flags);
    }

    public SampleRing samples() {
        return samples;
    }

    @Override
    public void readTotals(long[] dst) {
        totals.readTotals(dst);
    }

    public long unparsed() {
        return unparsed;
    }

    /** Of {@link #unparsed()}, the frames that were neither IPv4 nor IPv6 (FastNetMon's unknown IP version). */
    public long notIp() {
        return notIp;
    }

    /** Packets to or from monitored hosts that were not tracked per host because the shard was full. */
    @Override
    public long untrackedPackets() {
        return slots.untrackedPackets();
    }

    @Override
    public MonitoredNetworks networks() {
        return totals.networks();
    }

    @Override
    public void readNetworkTotals(long[] dst) {
        totals.readNetworkTotals(dst);
    }

    @Override
    public long promotedHosts() {
        return slots.promotedHosts();
    }

    /** Chunks of host slots given back after all their hosts left. */
    public long freedChunks() {
        return slots.freedChunks();
    }

    /** Slot of a host in this shard, or -1. Only safe on the writer's thread (used by replay and tests). */
    public int slotOf(long hi, long lo) {
        return slots.slotOf(hi, lo);
    }
}
