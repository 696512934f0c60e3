package fastnetmon.detection;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;

import java.util.Arrays;

/**
 * The hosts counted over a span of time and what each counted, summed over every counters instance
 * that reported it, in primitive arrays reused span after span: one tick of the sliding window
 * ({@link SlidingWindow}, which sets the span's end and length), or the second being evaluated.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class CountsByHost {
    private static final int C = CounterShard.COUNTERS;

    /** The span's end and length, for a tick of the sliding window. */
    long endNanos, coveredNanos;
    /** The span of packet time the tick's counts cover, when known (0: take {@link #coveredNanos}). */
    long packetNanos;
    /** Packets added, both directions (internal traffic twice). */
    long packets;
    private static final int IN_PACKETS = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0);
    private static final int OUT_PACKETS = CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 0);

    private int[] hosts = new int[1024];
    private int count;
    private int[] positionOf = new int[0];     // host -> position in hosts, or -1
    private long[] counts = new long[1024 * C];

    /** Adds what a counters instance reports for the host. */
    void add(int host, long[] delta) {
        add(host, delta, 0);
        packets += delta[IN_PACKETS] + delta[OUT_PACKETS];
    }

    /** Adds {@code delta[off, off + COUNTERS)} to the host's counts. */
    void add(int host, long[] delta, int off) {
        int pos = positionOf(host);
        if (pos < 0) {
            pos = newPosition(host); // may grow the arrays: before counts is read
            System.arraycopy(delta, off, counts, pos * C, C);
            return;
        }
        int base = pos * C;
        for (int i = 0; i < C; i++) {
            counts[base + i] += delta[off + i];
        }
    }

    /** Takes {@code delta[off, off + COUNTERS)} from the host's counts (which hold at least that). */
    void subtract(int host, long[] delta, int off) {
        int base = positionOf[host] * C;
        for (int i = 0; i < C; i++) {
            counts[base + i] -= delta[off + i];
        }
    }

    /** Drops the host; the last position moves into its place. */
    void remove(int host) {
        int pos = positionOf[host], last = --count;
        if (pos != last) {
            int moved = hosts[last];
            hosts[pos] = moved;
            positionOf[moved] = pos;
            System.arraycopy(counts, last * C, counts, pos * C, C);
        }
        positionOf[host] = -1;
    }

    /** A new position for a host that has none (its counts to be set by the caller). */
    private int newPosition(int host) {
        if (host >= positionOf.length) {
            int old = positionOf.length;
            positionOf = Arrays.copyOf(positionOf, Math.max(16, Math.max(host + 1, old * 2)));
            Arrays.fill(positionOf, old, positionOf.length, -1);
        }
        int pos = count++;
        if (hosts.length < count) {
            hosts = Arrays.copyOf(hosts, hosts.length * 2);
            counts = Arrays.copyOf(counts, hosts.length * C);
        }
        hosts[pos] = host;
        positionOf[host] = pos;
        return pos;
    }

    int size() {
        return count;
    }

    int host(int pos) {
        return hosts[pos];
    }

    /** The hosts counted, in positions [0, size()); not to be modified. */
    int[] hosts() {
        return hosts;
    }

    /** Counts of all positions, C per position: offset {@code pos * COUNTERS}; not to be modified. */
    long[] counts() {
        return counts;
    }

    /** The host's position, or -1 when it was not counted in this span. */
    int positionOf(int host) {
        return host < positionOf.length ? positionOf[host] : -1;
    }

    long value(int pos, int off) {
        return counts[pos * C + off];
    }

    /** The counts at a position as per-second rates. */
    void fill(int pos, HostTraffic h) {
        int off = pos * C;
        for (int i = 0; i < HostTraffic.SIZE; i++) {
            h.packets[i] = counts[off + i * 3];
            h.bytes[i] = counts[off + i * 3 + 1];
            h.flows[i] = counts[off + i * 3 + 2];
        }
        h.seconds = 1;
    }

    /**
     * Gives back memory after a second of many hosts: positions beyond four times this second's hosts,
     * and host ids from {@code capacity} on (no longer known; see {@link HostTable#trim()}). Call after {@link #clear()}.
     */
    void trim(int capacity) {
        shrink(lastCount, capacity);
    }

    private int lastCount;

    /**
     * Gives back memory while in use (a structure never cleared): positions beyond four times the hosts
     * held, and host ids from {@code capacity} on, which it holds none of.
     */
    void shrink(int capacity) {
        shrink(count, capacity);
    }

    private void shrink(int held, int capacity) {
        int want = Math.max(1024, held * 2);
        if (hosts.length > 2 * want) {
            hosts = Arrays.copyOf(hosts, want);
            counts = Arrays.copyOf(counts, want * C);
        }
        if (positionOf.length > capacity) {
            positionOf = Arrays.copyOf(positionOf, capacity);
        }
    }

    /** Empties it for the next span. */
    void clear() {
        lastCount = count;
        for (int i = 0; i < count; i++) {
            positionOf[hosts[i]] = -1;
        }
        count = 0;
        packets = 0;
        packetNanos = 0;
    }
}
