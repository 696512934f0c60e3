package fastnetmon.counters;

/** Direction of a packet relative to the monitored networks, as FastNetMon defines it. */
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

    private static final Direction[] VALUES = values();

    public static Direction of(int ordinal) {
        return VALUES[ordinal];
    }
}
