package fastnetmon.detection;

import fastnetmon.counters.HostCounters;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The read side of a tick: what every counters instance counted since its previous read goes into the
 * host table, the sliding window's newest tick (or its whole second), the second's counts and the
 * watched networks' totals, and what sensors' counters count for banned hosts into their
 * {@link SensorShares}. The reader's id for a host is its id in the host table, stable while any
 * counters hold it; a host that no counters hold any more is handed to {@code released}.
 *
 * <p>Threading: the evaluator's thread, except {@link #add}, which is safe from any thread (counters
 * added after the start join at the next tick).
 */
final class CountersReading implements HostCounters.Changes {
    /** Ticks with fewer packets take their length from the clock: between sparse packets the capture's is coarse. */
    private static final long DENSE_TICK_PACKETS = 256;
    private final List<HostCounters> counters = new ArrayList<>();
    private final Queue<HostCounters> joining = new ConcurrentLinkedQueue<>();
    private final HostTable hosts;
    private final CountsByHost second;
    private final SlidingWindow window;
    private final SubnetTotals subnets;
    private final IntConsumer released;
    private final SensorShares shares;
    private boolean wholeSeconds;
    /** The sensor id of the counters being read ({@link SensorShares#sensor}), -1 for none. */
    private int sensor = -1;
    /** The newest packet time the counters had counted at the previous read. */
    private long countedUpTo = Long.MIN_VALUE;

    CountersReading(List<? extends HostCounters> counters, HostTable hosts, SlidingWindow window, CountsByHost second,
                    SubnetTotals subnets, SensorShares shares, IntConsumer released) {
        this.counters.addAll(counters);
        this.hosts = hosts;
        this.window = window;
        this.second = second;
        this.subnets = subnets;
        this.shares = shares;
        this.released = released;
    }

    /** Counters to read from the next tick on; safe from any thread. */
    void add(HostCounters c) {
        joining.add(Objects.requireNonNull(c));
    }

    /** Takes in the counters added since the previous tick, telling {@code joined} of each. */
    void join(Consumer<HostCounters> joined) {
        for (HostCounters c; (c = joining.poll()) != null; ) {
            counters.add(c);
            joined.accept(c);
        }
    }

    /** The counters read (a live list). */
    List<HostCounters> counters() {
        return counters;
    }

    /**
     * Reads the counters that count whole seconds (into the window's whole second), or the others (into
     * its newest tick, whose packet time it then measures), and into the second's counts.
     */
    void read(boolean wholeSeconds, long nowSecond) {
        this.wholeSeconds = wholeSeconds;
        for (HostCounters c : counters) {
            if (c.countsWholeSeconds() == wholeSeconds) {
                sensor = shares.sensor(c.sensorName());
                c.read(nowSecond, this);
            }
        }
        if (!wholeSeconds) {
            CountsByHost newest = window.newest();
            newest.packetNanos = packetSpan(newest);
        }
    }

    /**
     * The packet time the tick just read covers, from the newest packet time the counters had counted at
     * the previous read and now (see {@link HostCounters#countedUpToNanos()}); 0 when unknown, for a tick
     * of few packets, or when it is far from the tick's own length (a clock step).
     */
    private long packetSpan(CountsByHost tick) {
        long upTo = Long.MIN_VALUE;
        for (HostCounters c : counters) {
            if (!c.countsWholeSeconds()) {
                upTo = Math.max(upTo, c.countedUpToNanos());
            }
        }
        long previous = countedUpTo;
        countedUpTo = Math.max(previous, upTo);
        if (previous == Long.MIN_VALUE || upTo <= previous || tick.packets < DENSE_TICK_PACKETS) {
            return 0;
        }
        long span = upTo - previous;
        return span * 4 < tick.coveredNanos || span > tick.coveredNanos * 4 ? 0 : span;
    }

    @Override
    public int added(long hi, long lo) {
        int host = hosts.findOrAdd(hi, lo);
        hosts.hold(host);
        subnets.added(host, hi, lo);
        return host;
    }

    @Override
    public void counted(int host, long[] counts) {
        window.add(host, counts, wholeSeconds);
        second.add(host, counts);
        subnets.counted(host, counts, wholeSeconds);
        if (sensor >= 0) {
            shares.counted(sensor, host, counts);
        }
    }

    @Override
    public void removed(int host) {
        if (hosts.release(host) == 0) {
            released.accept(host);
        }
    }
}
