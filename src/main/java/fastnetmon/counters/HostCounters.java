package fastnetmon.counters;

/**
 * The read side of per-host traffic counters, as the evaluator sees them: the hosts counted since the
 * reader's previous read and by how much, the hosts the counters take up and give up, the totals, and
 * sample packets of hosts the reader asks for. {@link CounterShard} implements it for counters in this
 * process; a remote implementation (counters of sensors, through a server) can stand in, so a reader
 * assumes nothing about where the counters live or how they are laid out.
 *
 * <p>Threading: one reader thread calls every method except {@link #name()} (the evaluator's thread);
 * an implementation is safe against its own writers.
 */
public interface HostCounters {
    /** As in logs, e.g. the source's name. */
    String name();

    /**
     * The cluster sensor whose counters these are (on an aggregator), or null for this process's own
     * counters. Several counters may name the same sensor (its per-tick counters and its whole-second
     * flow counters): they are one sensor in an attack's per-sensor shares.
     */
    default String sensorName() {
        return null;
    }

    /**
     * One read of what changed since the previous one. For each host the counters gave up since then
     * (idle: its counters are gone) {@link Changes#removed}; for each host they took up, {@link Changes#added}
     * before its counts; for each host counted since then, {@link Changes#counted} with what it counted
     * since then. Every host added is removed once later, when the counters give it up. Counted and
     * removed name the host by the id the reader gave it when it was added.
     *
     * @param tickSecond the second the reader evaluates now, on the writers' clock (packet time in a
     *                   replay, wall time live); counters may skip hosts not counted for seconds before
     *                   the previous read
     */
    void read(long tickSecond, Changes changes);

    /**
     * Whether the counters change by whole seconds of traffic at a time (flow records attributed to the
     * seconds they cover, counted once each second is complete) rather than packet by packet: such
     * counters are read at the turn of a second only, since any shorter span would hold a whole second.
     */
    default boolean countsWholeSeconds() {
        return false;
    }

    /**
     * The time of the newest packet counted as of what {@link #read} sees now (packet time: the capture's
     * timestamps, or a replay's), or {@code Long.MIN_VALUE} when unknown. From one read to the next, the
     * span of packet time the counts cover: steadier than the reads' own clock when capture runs late.
     */
    default long countedUpToNanos() {
        return Long.MIN_VALUE;
    }

    /** Cumulative totals since the start into {@code dst[0, CounterShard.TOTALS)}; see {@link CounterShard#totalIndex}. */
    void readTotals(long[] dst);

    /** Packets of hosts that were not counted one by one because the counters were full, cumulative. */
    long untrackedPackets();

    /**
     * Copies the host's packets of one direction to the samples from now on, also after the counters
     * give the host up and take it up again; {@code null} stops. Takes effect within a second.
     */
    void requestSamples(long hi, long lo, Direction direction);

    /**
     * As {@link #requestSamples} for both of the host's directions (connection tracking lists a banned
     * host's flows both ways); {@code requestSamples} with one direction or null narrows or stops it.
     */
    void requestSamplesBothWays(long hi, long lo);

    /** The monitored networks whose totals {@link #readNetworkTotals} gives; none unless overridden. */
    default MonitoredNetworks networks() {
        return MonitoredNetworks.NONE;
    }

    /**
     * Cumulative totals per monitored network: for network i, {@code dst[4i]} packets and {@code dst[4i + 1]}
     * bytes to it, {@code dst[4i + 2]} packets and {@code dst[4i + 3]} bytes from it (traffic inside the
     * networks counts in both); {@code dst} holds 4 per network of {@link #networks()}, and at least 4.
     */
    default void readNetworkTotals(long[] dst) {
    }

    /** Hosts taken up because their rate was high while the counters were full (see {@link HeavyHitters}). */
    default long promotedHosts() {
        return 0;
    }

    /** Hands the sample packets taken since the previous call to the visitor, oldest first. */
    void drainSamples(SampleRing.Visitor visitor);

    /** What {@link #read} reports; called on the reader's thread during the read. */
    interface Changes {
        /**
         * The counters took the host up (it is new, or came back after being given up). Returns the
         * reader's id for it, which {@link #counted} and {@link #removed} hand back until it is removed.
         */
        int added(long hi, long lo);

        /**
         * What the host counted since the previous read: {@link CounterShard#COUNTERS} values laid out as
         * {@link CounterShard#counter}, valid during the call only.
         */
        void counted(int id, long[] counts);

        /** The counters gave the host up. */
        void removed(int id);
    }
}
