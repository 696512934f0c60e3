package fastnetmon.export;

import fastnetmon.detection.TrafficView;

import java.time.Duration;

/**
 * Something that pushes the traffic figures to another system every period: InfluxDB, Graphite, the live
 * top hosts in Redis. Adding one is this class plus one line in {@link Exporters#fromConfig}.
 *
 * <p>Threading: {@link #export} is called on the exporter's own thread (see {@link ExportRunner}), one call
 * at a time, never on the evaluator's or a capture thread; it may block up to the exporter's own timeouts.
 * An exporter that cannot send keeps what it could not send in a bounded buffer of its own and counts what
 * it throws away in {@link #dropped} (read on any thread). {@link #close} is called once, after the last
 * {@link #export} returned.
 */
public interface Exporter {
    /** Short name for logs and metrics ("influxdb", "graphite", "redis_top_hosts"). */
    String name();

    /** Time between two calls of {@link #export}. */
    Duration period();

    /**
     * Pushes the figures of {@code view} (the newest the evaluator published). Returning is success; an
     * exception is a failure, counted and logged at most once a minute by the runner.
     */
    void export(TrafficView view) throws Exception;

    /** Points, lines or writes given up so far (their buffer was full, or they were too old); any thread. */
    default long dropped() {
        return 0;
    }

    /** Releases connections and threads; called once. */
    default void close() {
    }
}
