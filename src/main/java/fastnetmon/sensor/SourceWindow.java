package fastnetmon.sensor;

import fastnetmon.packet.PacketRecord;

import java.util.Arrays;

/**
 * One tracked source's sliding window (the key: observer and source address): matching records, packets
 * and destinations that did not fit in the sets, in {@link #BUCKETS} time buckets covering the window,
 * and the distinct destination hosts and ports with when each was last seen. The window ends at the
 * latest record time this source has shown; a record older than the window is ignored, so late flows
 * cannot revive what has expired. Also keeps when the source was last reported (its cool-down).
 *
 * <p>Threading: not thread-safe; owned by the sensor thread.
 */
final class SourceWindow {
    /** The window is cut in this many buckets: it slides in steps of a sixteenth of its length. */
    static final int BUCKETS = 16;

    final int observer;
    final long hi, lo;

    private final long[] epochs = new long[BUCKETS];
    private final long[] flows = new long[BUCKETS];
    private final long[] packets = new long[BUCKETS];
    /** Records to a new destination host when {@link #hosts} was full: each may be one more host. */
    private final long[] beyond = new long[BUCKETS];
    private final DistinctSet hosts = new DistinctSet();
    private final DistinctSet ports = new DistinctSet();
    private long latestEpoch = Long.MIN_VALUE;
    long lastSeen = Long.MIN_VALUE;
    /** When the last report was made; meaningful when {@link #reported}. */
    long reportedAt;
    boolean reported;

    SourceWindow(int observer, long hi, long lo) {
        this.observer = observer;
        this.hi = hi;
        this.lo = lo;
        Arrays.fill(epochs, Long.MIN_VALUE);
    }

    /** Counts a matching record at time {@code t}; {@code width} is the bucket length in nanoseconds. */
    void add(PacketRecord r, long t, long width) {
        long e = Math.floorDiv(t, width);
        if (latestEpoch != Long.MIN_VALUE && e <= latestEpoch - BUCKETS) {
            return; // older than the window
        }
        if (e > latestEpoch) {
            latestEpoch = e;
        }
        lastSeen = Math.max(lastSeen, t);
        int s = (int) Math.floorMod(e, BUCKETS);
        if (epochs[s] != e) { // the bucket held a time that has left the window
            epochs[s] = e;
            flows[s] = 0;
            packets[s] = 0;
            beyond[s] = 0;
        }
        flows[s]++;
        packets[s] += Math.max(1, r.packets);
        long start = windowStart(width);
        if (!hosts.add(r.dstHi, r.dstLo, t)) {
            hosts.purge(start);
            if (!hosts.add(r.dstHi, r.dstLo, t)) {
                beyond[s]++;
            }
        }
        if (!ports.add(0, r.dstPort, t)) {
            ports.purge(start);
            ports.add(0, r.dstPort, t); // full of live ports: this one goes uncounted
        }
    }

    /** The first time still in the window: the start of its oldest bucket. */
    long windowStart(long width) {
        return (latestEpoch - BUCKETS + 1) * width;
    }

    long flows() {
        return sum(flows);
    }

    long packets() {
        return sum(packets);
    }

    /** Distinct destination hosts, an upper bound until {@link #trim} (the sets may hold expired ones). */
    long destinations() {
        return hosts.size() + sum(beyond);
    }

    long ports() {
        return ports.size();
    }

    /** Drops the destinations that have left the window, so the counts are exact (beyond the sets: at most). */
    void trim(long width) {
        long start = windowStart(width);
        hosts.purge(start);
        ports.purge(start);
    }

    /** The busiest destination hosts, {@code {hi, lo, records}} each. */
    long[][] topHosts(int n) {
        return hosts.top(n);
    }

    /** Forgets the window (after a report: the next one needs its own probes). */
    void clear() {
        Arrays.fill(epochs, Long.MIN_VALUE);
        Arrays.fill(flows, 0);
        Arrays.fill(packets, 0);
        Arrays.fill(beyond, 0);
        hosts.clear();
        ports.clear();
    }

    private long sum(long[] a) {
        long total = 0, oldest = latestEpoch - BUCKETS;
        for (int i = 0; i < BUCKETS; i++) {
            if (epochs[i] > oldest && epochs[i] != Long.MIN_VALUE) {
                total += a[i];
            }
        }
        return total;
    }
}
