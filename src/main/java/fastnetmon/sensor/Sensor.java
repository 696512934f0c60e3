package fastnetmon.sensor;

import fastnetmon.packet.PacketRecord;

/**
 * One abuse sensor: fed records one at a time, it reports the sources whose traffic in a window matches
 * its rule as {@link ThreatEvent}s to the sink it was built with.
 *
 * <p>Threading: {@link #onRecord} runs on one thread only (the sensor thread that drains the hand-off);
 * {@link #wants} and {@link #stats()} may be called from any thread.
 */
public interface Sensor {
    /** "portscan", "spam", "winscan": the events' type. */
    String type();

    /**
     * Looks at one record (a captured packet, a sample or a flow; it is read, never kept). Its time is
     * the record's own ({@link PacketRecord#timestampNanos}), so a replay reports the same events.
     *
     * @param observer what saw it (an exporter, an interface), an index the sensors' owner resolves to text
     */
    void onRecord(PacketRecord r, int observer);

    /**
     * Whether {@link #onRecord} would count this record (its rule, scope and whitelist; not its window).
     * Reads only immutable state, so a capture thread may call it to hand over only what a sensor needs.
     */
    boolean wants(PacketRecord r);

    SensorStats stats();
}
