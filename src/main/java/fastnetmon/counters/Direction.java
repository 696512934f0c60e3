package fastnetmon.counters;

import java.util.List;

/**
 * Direction of a packet relative to the monitored networks, as FastNetMon defines it. The one direction
 * type of the program: per-host counters keep two of them ({@link #PER_HOST}), internal traffic counting
 * as incoming for its destination and outgoing for its source.
 */
public enum Direction {
    /** Destination monitored, source not. */
    INCOMING("incoming"),
    /** Source monitored, destination not. */
    OUTGOING("outgoing"),
    /** Both monitored. */
    INTERNAL("internal"),
    /** Neither monitored. */
    OTHER("other");

    private final String text;

    Direction(String text) {
        this.text = text;
    }

    /** FastNetMon's word for it, as passed to the notify script. */
    public String text() {
        return text;
    }

    /** The directions kept per host, in the order of their halves in per-host arrays. */
    public static final List<Direction> PER_HOST = List.of(INCOMING, OUTGOING);

    /** Whether this is one of {@link #PER_HOST}; a host has no traffic of its own in the others. */
    public boolean perHost() {
        return this == INCOMING || this == OUTGOING;
    }

    /**
     * Index of this direction's half in per-host arrays ({@link HostTraffic}, {@link CounterShard#counter}):
     * 0 incoming, 1 outgoing, the same as the ordinal. Only for the directions of {@link #PER_HOST}.
     */

    public int hostIndex() {
        if (this != INCOMING && this != OUTGOING) {
            throw new IllegalArgumentException(this + " traffic is not kept per host");
        }
        return ordinal();
    }

    private static final Direction[] VALUES = values();

    public static Direction of(int ordinal) {
        return VALUES[ordinal];
    }
}
