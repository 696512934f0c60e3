package fastnetmon.detection;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.IntConsumer;

/**
 * The last second of every host's traffic, tick by tick: the counts of each tick of the past second
 * (what the counters counted between two ticks), so that a host's traffic over the last second can be
 * checked at every tick, and the rate of an attack can be measured over the ticks in which it runs.
 * Counters that change only once a second (flow records attributed to whole seconds) are read at the
 * turn of a second into the window's whole second ({@link #startWholeSecond()}), which counts as one
 * second of the window until the next turn: spread over ticks, such counts would land in one tick and
 * look ten times as fast.
 *
 * <p>A tick is in the window while it starts no earlier than one second (and half a tick period, for a
 * late tick live) before the newest tick ends. The window's rates divide by its span, but by no less
 * than a second: a window younger than a second (the first second, or the first tick after a quiet gap
 * in a replay) holds all the traffic of the second before it, so "more than N in a second" means the
 * same in every window.
 *
 * <p>The window's sums are kept as ticks come and go (each host's counts added with its tick, taken away
 * when its tick leaves), so a host's last second is one row to read, not one per tick.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class SlidingWindow {
    static final long SECOND_NANOS = 1_000_000_000L;
    private static final int C = CounterShard.COUNTERS;
    private static final int PACKETS_OFFSET = 0;

    private final long toleranceNanos;
    private final ArrayDeque<CountsByHost> ticks = new ArrayDeque<>(); // oldest first
    private final ArrayDeque<CountsByHost> spare = new ArrayDeque<>();
    private final CountsByHost wholeSecond = new CountsByHost();
    /** Each host's counts summed over the ticks in the window, and in how many of them it is. */
    private final CountsByHost sums = new CountsByHost();
    private int[] ticksIn = new int[0];
    private int idCapacity = Integer.MAX_VALUE;
    // per window tick, for fillAttack: the host's position in it, or -1
    private int[] positions = new int[16];

    /** @param tickNanos how often the evaluator ticks (how late a tick may be live is half of it) */
    SlidingWindow(long tickNanos) {
        this.toleranceNanos = tickNanos / 2;
    }

    /**
     * Starts a tick that ends at {@code endNanos} and counts the traffic of the {@code coveredNanos}
     * before it; drops the ticks that leave the window. Returns the tick's counts to fill.
     */
    CountsByHost nextTick(long endNanos, long coveredNanos) {
        CountsByHost t = spare.isEmpty() ? new CountsByHost() : spare.poll();
        t.endNanos = endNanos;
        t.coveredNanos = Math.max(1, coveredNanos);
        ticks.addLast(t);
        long from = endNanos - SECOND_NANOS - toleranceNanos;
        while (ticks.peekFirst().endNanos - ticks.peekFirst().coveredNanos < from) {
            CountsByHost old = ticks.pollFirst();
            long[] counts = old.counts();
            for (int i = 0; i < old.size(); i++) {
                int host = old.host(i);
                if (--ticksIn[host] == 0) {
                    sums.remove(host);
                } else {
                    sums.subtract(host, counts, i * C);
                }
            }
            old.clear();
            old.trim(idCapacity);
            spare.add(old);
        }
        return t;
    }

    /** The tick started last. */
    CountsByHost newest() {
        return ticks.peekLast();
    }

    /**
     * Adds what a counters instance counted for the host: to the whole second for counters that count
     * whole seconds, else to the newest tick (and the window's sums).
     */
    void add(int host, long[] counts, boolean wholeSeconds) {
        if (wholeSeconds) {
            wholeSecond.add(host, counts);
            return;
        }
        CountsByHost t = ticks.peekLast();
        if (t.positionOf(host) < 0) {
            if (host >= ticksIn.length) {
                ticksIn = Arrays.copyOf(ticksIn, Math.max(16, Math.max(host + 1, ticksIn.length * 2)));
            }
            ticksIn[host]++;
        }
        t.add(host, counts);
        sums.add(host, counts, 0);
    }

    /** Empties the whole second, to be filled with the counters read once a second, at the turn of a second. */
    void startWholeSecond() {
        wholeSecond.clear();
        wholeSecond.trim(idCapacity);
    }

    /**
     * Hands each host counted in the newest tick to {@code action}, and at the turn of a second each host
     * of the whole second besides, once each.
     */
    void forEachCounted(boolean newSecond, IntConsumer action) {
        CountsByHost newest = ticks.peekLast();
        for (int i = 0; i < newest.size(); i++) {
            action.accept(newest.host(i));
        }
        if (newSecond) {
            for (int i = 0; i < wholeSecond.size(); i++) {
                if (newest.positionOf(wholeSecond.host(i)) < 0) {
                    action.accept(wholeSecond.host(i));
                }
            }
        }
    }

    /** Whether the host was counted in the window. */
    boolean contains(int host) {
        return wholeSecond.positionOf(host) >= 0 || sums.positionOf(host) >= 0;
    }

    /** The window's span: from the start of its oldest tick to the end of the newest. */
    long spanNanos() {
        CountsByHost first = ticks.peekFirst(), last = ticks.peekLast();
        return first == null ? 0 : last.endNanos - (first.endNanos - first.coveredNanos);
    }

    /** The host's traffic in the window, as rates per second over the window's span (at least a second). */
    void fill(int host, HostTraffic h) {
        int pos = sums.positionOf(host);
        if (pos >= 0) {
            sums.fill(pos, h);
        } else {
            clear(h);
        }
        add(wholeSecond, wholeSecond.positionOf(host), h);
        h.seconds = Math.max(spanNanos(), SECOND_NANOS) / 1e9;
    }

    /**
     * The host's traffic while an attack in {@code dir} runs, as rates per second: over the ticks since
     * the attack's packet rate rose (the newest ticks each carrying at least a quarter of the busiest
     * tick's rate), without the first of them when there are two or more and the attack started within
     * the window (that tick holds the quiet part before the start); over the whole window when the attack
     * fills it. A tick's length is the packet time its counts cover where the counters tell it (see
     * {@link Evaluator}), so capture running late does not show as a burst. Counts of the whole second
     * add at their one-second rate.
     */
    void fillAttack(int host, Direction dir, HostTraffic h) {
        int n = ticks.size();
        if (positions.length < n) {
            positions = new int[Math.max(n, positions.length * 2)];
        }
        int packets = CounterShard.counter(dir, TrafficClass.TOTAL, PACKETS_OFFSET);
        double busiest = 0;
        int i = 0;
        for (CountsByHost t : ticks) {
            int pos = t.positionOf(host);
            positions[i++] = pos;
            busiest = Math.max(busiest, rate(t, pos, packets));
        }
        int first = n;
        long attackSpan = 0;
        Iterator<CountsByHost> back = ticks.descendingIterator();
        for (int k = n - 1; k >= 0; k--) {
            CountsByHost t = back.next();
            double r = rate(t, positions[k], packets);
            if (r <= 0 || r < busiest / 4) {
                break;
            }
            first = k;
            attackSpan += packetSpan(t);
        }
        boolean fillsWindow = first == 0 && attackSpan >= SECOND_NANOS - toleranceNanos;
        if (first == n) {
            first = n - 1; // no packets in the direction: the newest tick's other counts
        } else if (!fillsWindow && n - first >= 2) {
            first++;
        }
        clear(h);
        long covered = 0;
        i = 0;
        for (CountsByHost t : ticks) {
            if (i >= first) {
                add(t, positions[i], h);
                covered += packetSpan(t);
            }
            i++;
        }
        double seconds = fillsWindow ? Math.max(spanNanos(), SECOND_NANOS) / 1e9 : covered / 1e9;
        scale(h, 1 / seconds);
        add(wholeSecond, wholeSecond.positionOf(host), h);
        h.seconds = 1;
    }

    /** Ids from {@code capacity} on are no longer known (see {@link HostTable#trim()}): ticks give their room back when reused. */
    void trim(int capacity) {
        idCapacity = capacity;
        sums.shrink(capacity);
        if (ticksIn.length > capacity) {
            ticksIn = Arrays.copyOf(ticksIn, capacity);
        }
    }

    private static double rate(CountsByHost t, int pos, int offset) {
        return pos < 0 ? 0 : t.value(pos, offset) * 1e9 / packetSpan(t);
    }

    /** The packet time a tick's counts cover: the capture's own clock when known, else the tick's. */
    private static long packetSpan(CountsByHost t) {
        return t.packetNanos > 0 ? t.packetNanos : t.coveredNanos;
    }

    private static void clear(HostTraffic h) {
        Arrays.fill(h.packets, 0);
        Arrays.fill(h.bytes, 0);
        Arrays.fill(h.flows, 0);
    }

    private static void scale(HostTraffic h, double f) {
        for (int i = 0; i < HostTraffic.SIZE; i++) {
            h.packets[i] *= f;
            h.bytes[i] *= f;
            h.flows[i] *= f;
        }
    }

    private static void add(CountsByHost t, int pos, HostTraffic h) {
        if (pos < 0) {
            return;
        }
        long[] counts = t.counts();
        int off = pos * C;
        for (int i = 0; i < HostTraffic.SIZE; i++) {
            h.packets[i] += counts[off + i * 3];
            h.bytes[i] += counts[off + i * 3 + 1];
            h.flows[i] += counts[off + i * 3 + 2];
        }
    }
}
