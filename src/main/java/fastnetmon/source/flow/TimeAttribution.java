package fastnetmon.source.flow;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.SensorTap;
import fastnetmon.packet.PacketRecord;

/**
 * Puts each flow record's packets and bytes into the seconds it covers (first to last switched) and
 * counts a second into the shard only once its records can be considered in: {@link ExportLag} seconds
 * after it ended. So per-second rates from flows are the real rates, not a spike in the second a long
 * record arrives. Short records (a random-source flood: one packet per flow) of the next second to be
 * counted go straight into the shard, once the evaluator has read the second before.
 *
 * <p>The buffer is fixed: {@code capacity} entries allocated at start, linked into one list per second of
 * a {@value #WINDOW}-second ring; nothing is allocated per record. A record spanning n seconds is one
 * entry that moves on to the next second's list after each second counts its share (packets/n and
 * bytes/n, the last second gets the rest, so totals are exact). Parts of a record in seconds already
 * counted (it arrived later than the lag) are moved forward to start at the next second to be counted,
 * keeping the record's rate and duration. When the buffer is full a record is counted at once, in the
 * next second to be counted ({@link #countedEarly()}).
 *
 * <p>The lag starts at the first record's delay and then follows what the records need (see
 * {@link ExportLag}) by one second at a time: it grows at once (what the next second to count holds so
 * far is evaluated at that tick, and the second stays open one more second), and shrinks at a quiet
 * second (nothing buffered or counted yet for the next second to count), so no evaluated second is left
 * empty or holds two seconds of traffic.
 *
 * <p>Threading: one collector thread (the shard's writer); the counters are readable from any thread, as
 * of the last {@link #flush()}.
 */
final class TimeAttribution implements FlowRecordSink {
    static final int WINDOW = 64;
    private static final long NS = 1_000_000_000L;
    /** Longer spans are taken as this many seconds (a day): a record cannot hold an entry forever. */
    static final int MAX_SPAN = 86_400;
    private static final int BATCH = 64;

    private final CounterShard shard;
    private final ExportLag lag;
    private final long[] srcHi, srcLo, dstHi, dstLo, packets, bytes, meta;
    private final int[] left, next;
    private final int[] head = new int[WINDOW], tail = new int[WINDOW];
    private int free;
    private int used;
    private final PacketRecord[] batch = new PacketRecord[BATCH];
    private int batched;
    /** The next second to be counted into the shard (the shard's current second). */
    private long nextSecond = Long.MIN_VALUE;
    private long nowSecond;
    private long directSinceRelease;
    private Released released;
    private boolean slotPending;
    private long lastEvaluatedAt = Long.MIN_VALUE;
    // counted by the owning thread in plain fields (a volatile write per record would cost a fence each),
    // published for other threads at the end of each round
    private long records, countedEarly, movedForward, clockAhead;
    private volatile long recordsShown, countedEarlyShown, movedForwardShown, clockAheadShown;

    TimeAttribution(CounterShard shard, int capacity, int maxLag) {
        this.shard = shard;
        this.lag = new ExportLag(maxLag);
        srcHi = new long[capacity];
        srcLo = new long[capacity];
        dstHi = new long[capacity];
        dstLo = new long[capacity];
        packets = new long[capacity];
        bytes = new long[capacity];
        meta = new long[capacity];
        left = new int[capacity];
        next = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            next[i] = i + 1 < capacity ? i + 1 : -1;
        }
        free = capacity > 0 ? 0 : -1;
        java.util.Arrays.fill(head, -1);
        java.util.Arrays.fill(tail, -1);
        for (int i = 0; i < BATCH; i++) {
            batch[i] = new PacketRecord();
        }
    }

    /** When the datagrams being decoded arrived (wall clock, or packet time in a replay). */
    void arrival(long nanos) {
        nowSecond = Math.floorDiv(nanos, NS);
    }

    @Override
    public void record(FlowExporter exporter, PacketRecord rec, long startNanos, long endNanos) {
        SensorTap sensors = shard.sensorTap();
        if (sensors != null) { // the sensors see each flow record once, whatever the seconds it is spread over
            if (exporter.observer < 0) {
                exporter.observer = sensors.observers().id(exporter.address());
            }
            sensors.offer(rec, exporter.observer);
        }
        records++;
        long startSec = Math.floorDiv(startNanos, NS), endSec = Math.floorDiv(endNanos, NS);
        if (endSec < startSec) {
            startSec = endSec;
        }
        if (endSec > nowSecond) {
            // Ends after it arrived: the exporter's clock (or uptime) is off. Keep the duration, end it on arrival.
            startSec -= endSec - nowSecond;
            endSec = nowSecond;
            clockAhead++;
        }
        long delay = nowSecond - endSec;
        lag.observe(delay);
        if (records == 1 && delay > 0 && used == 0 && directSinceRelease == 0) {
            // The first record says how late this exporter sends: start with that lag rather than
            // moving the first seconds' records forward onto each other.
            int first = (int) Math.min(delay, lag.max());
            lag.set(first);
            nextSecond = nowSecond - first;
            shard.onSecond(nextSecond);
        }
        long h = nextSecond;
        if (h == Long.MIN_VALUE) {
            onSecond(nowSecond);
            h = nextSecond;
        }
        long span = Math.min(endSec - startSec + 1, MAX_SPAN);
        long first = startSec;
        if (first < h) {
            first = h;
            movedForward++;
        } else if (first > h + WINDOW - 1) {
            first = h + WINDOW - 1; // only with a lag beyond the window
        }
        if (span == 1 && first == h && !slotPending) {
            countNow(rec); // before the evaluator's tick (slotPending) it could count for the second before
            return;
        }
        int e = free;
        if (e < 0) {
            countedEarly++;
            countNow(rec);
            return;
        }
        free = next[e];
        used++;
        srcHi[e] = rec.srcHi;
        srcLo[e] = rec.srcLo;
        dstHi[e] = rec.dstHi;
        dstLo[e] = rec.dstLo;
        packets[e] = rec.packets;
        bytes[e] = rec.bytes;
        meta[e] = (long) rec.protocol << 56 | (long) (rec.srcPort & 0xffff) << 40 | (long) (rec.dstPort & 0xffff) << 24
                | (long) (rec.tcpFlags & 0xff) << 16 | (long) (rec.ttl & 0xff) << 8
                | (rec.origin & 7) << 2 | (rec.fragmented ? 2 : 0) | (rec.ipVersion == 6 ? 1 : 0);
        left[e] = (int) span;
        append(e, (int) (first & (WINDOW - 1)));
    }

    private void append(int e, int slot) {
        next[e] = -1;
        if (tail[slot] < 0) {
            head[slot] = e;
        } else {
            next[tail[slot]] = e;
        }
        tail[slot] = e;
    }

    private void countNow(PacketRecord rec) {
        directSinceRelease++;
        PacketRecord r = batch[batched];
        r.timestampNanos = rec.timestampNanos;
        r.ipVersion = rec.ipVersion;
        r.src4 = rec.src4;
        r.dst4 = rec.dst4;
        r.srcHi = rec.srcHi;
        r.srcLo = rec.srcLo;
        r.dstHi = rec.dstHi;
        r.dstLo = rec.dstLo;
        r.protocol = rec.protocol;
        r.srcPort = rec.srcPort;
        r.dstPort = rec.dstPort;
        r.tcpFlags = rec.tcpFlags;
        r.ttl = rec.ttl;
        r.fragmented = rec.fragmented;
        r.laterFragment = rec.laterFragment;
        r.length = rec.length;
        r.ipLength = rec.ipLength;
        r.packets = rec.packets;
        r.bytes = rec.bytes;
        r.origin = rec.origin;
        if (++batched == BATCH) {
            flush();
        }
    }

    /** Counts what is batched; the collector calls it after each round, before publishing. */
    void flush() {
        if (batched > 0) {
            shard.countBatch(batch, batched);
            batched = 0;
        }
        if (recordsShown != records) {
            recordsShown = records;
            countedEarlyShown = countedEarly;
            movedForwardShown = movedForward;
            clockAheadShown = clockAhead;
        }
    }

    /**
     * Second {@code second} is now in progress (wall clock, or packet time in a replay): counts every
     * second that ended more than the lag ago, one at a time.
     */
    void onSecond(long second) {
        if (nextSecond == Long.MIN_VALUE) {
            nextSecond = second;
            shard.onSecond(second);
        }
        int current = lag.current();
        int needed = lag.needed(second);
        boolean quiet = directSinceRelease == 0 && batched == 0 && head[(int) (nextSecond & (WINDOW - 1))] < 0;
        if (needed > current) {
            // Growing by one second without an empty evaluated second: what the next second to count holds
            // now (its own early records, and later records of earlier seconds moved forward to it) is
            // evaluated at this tick as usual, and the second stays open one more second for its late records.
            if (!quiet) {
                release(nextSecond, second);
            }
            current++;
        } else if (needed < current && quiet) {
            // Shrinking counts two seconds at one tick: only when the first of them holds nothing.
            current--;
        }
        lag.set(current);
        long target = second - current;
        if (target - nextSecond > 1 && used == 0 && directSinceRelease == 0 && batched == 0) {
            nextSecond = target - 1; // nothing held: a replay's quiet gap is evaluated once, not second by second
        }
        while (nextSecond < target) {
            release(nextSecond, second - (target - 1 - nextSecond));
            nextSecond++;
            shard.onSecond(nextSecond);
            advanced();
        }
    }

    /** Counts everything still buffered (end of a replay), one second after another. */
    void drain() {
        boolean pending = used > 0 || directSinceRelease > 0 || batched > 0;
        while (pending) {
            release(nextSecond, lastEvaluatedAt == Long.MIN_VALUE ? nextSecond + lag.current() + 1 : lastEvaluatedAt + 1);
            nextSecond++;
            shard.onSecond(nextSecond);
            advanced();
            pending = used > 0 || directSinceRelease > 0 || batched > 0;
        }
    }

    /** Counts second {@code second} into the shard; {@code evaluatedAt}: the clock's second at which that happens. */
    private void release(long second, long evaluatedAt) {
        evaluatedAt = Math.max(evaluatedAt, lastEvaluatedAt == Long.MIN_VALUE ? evaluatedAt : lastEvaluatedAt + 1);
        lastEvaluatedAt = evaluatedAt;
        flush();
        countSlot(second);
        slotPending = false;
        directSinceRelease = 0;
        flush();
        shard.publish();
        if (released != null) {
            released.released(second, evaluatedAt);
        }
    }

    /** Counts the share of {@code second} of every record buffered for it; those that go on move to the next second. */
    private int countSlot(long second) {
        int slot = (int) (second & (WINDOW - 1));
        int e = head[slot];
        head[slot] = tail[slot] = -1;
        int nextSlot = (slot + 1) & (WINDOW - 1);
        long ts = second * NS;
        int n = 0;
        while (e >= 0) {
            int after = next[e];
            int share = left[e];
            long p = packets[e] / share, b = bytes[e] / share;
            packets[e] -= p;
            bytes[e] -= b;
            if (p != 0 || b != 0) {
                emit(e, p, b, ts);
                n++;
            }
            if (--left[e] > 0) {
                append(e, nextSlot);
            } else {
                next[e] = free;
                free = e;
                used--;
            }
            e = after;
        }
        return n;
    }

    /**
     * The next second to count changed: the records buffered for it may be counted into the shard from now
     * on, but only after the evaluator has read the second before (in a replay it has, synchronously; live,
     * the collector calls {@link #afterTick()} a while after the second turned). So the work at the turn of
     * a second is small, and all of it is done before the evaluator's tick.
     */
    private void advanced() {
        slotPending = true;
        if (released != null) {
            afterTick();
        }
    }

    /** Live mode, some 200 ms into the second: counts what was buffered for the next second to count. */
    void afterTick() {
        if (slotPending) {
            slotPending = false;
            directSinceRelease += countSlot(nextSecond);
            flush();
        }
    }

    /** Told of each count into the shard (a replay ticks its evaluator there); null in live mode. */
    void onReleased(Released released) {
        this.released = released;
    }

    interface Released {
        /**
         * Second {@code second} (or, when the lag grows, what it held so far) was counted into the shard at
         * the clock's second {@code evaluatedAt}: increasing from one call to the next.
         */
        void released(long second, long evaluatedAt);
    }

    private void emit(int e, long p, long b, long ts) {
        PacketRecord r = batch[batched];
        long m = meta[e];
        boolean v6 = (m & 1) != 0;
        if (v6) {
            r.setIpv6(srcHi[e], srcLo[e], dstHi[e], dstLo[e]);
        } else {
            r.setIpv4((int) srcLo[e], (int) dstLo[e]);
        }
        r.timestampNanos = ts;
        r.protocol = (int) (m >>> 56);
        r.srcPort = (int) (m >>> 40) & 0xffff;
        r.dstPort = (int) (m >>> 24) & 0xffff;
        r.tcpFlags = (int) (m >>> 16) & 0xff;
        r.ttl = (int) (m >>> 8) & 0xff;
        r.fragmented = (m & 2) != 0;
        r.origin = (int) (m >>> 2) & 7;
        r.laterFragment = false;
        r.packets = p;
        r.bytes = b;
        r.length = (int) Math.max(1, Math.min(Integer.MAX_VALUE, p == 0 ? b : b / p));
        r.ipLength = r.length;
        if (++batched == BATCH) {
            flush();
        }
    }

    /** Records handed to this buffer. */
    long records() {
        return recordsShown;
    }

    /** Records counted at once because the buffer was full. */
    long countedEarly() {
        return countedEarlyShown;
    }

    /** Records that arrived after some of their seconds were counted; they were moved forward. */
    long movedForward() {
        return movedForwardShown;
    }

    /** Records that ended after they arrived (exporter clock ahead): taken as ending on arrival. */
    long clockAhead() {
        return clockAheadShown;
    }

    /** Entries in use now. */
    int buffered() {
        return used;
    }

    /** The lag in force, in seconds. */
    int lagSeconds() {
        return lag.current();
    }

    /** The next second to be counted. */
    long nextSecond() {
        return nextSecond;
    }
}
