package fastnetmon.metrics;

import fastnetmon.sensor.SensorStats;

import java.util.Map;

/**
 * The abuse sensors' and the AMQP publisher's figures at one scrape ({@link ThreatMetrics}). Immutable.
 *
 * @param records        records handed to the sensors
 * @param dropped        records the hand-off dropped (the sensors fell behind)
 * @param sensors        each sensor's counters, by type (empty: no sensor is on)
 * @param published      events the broker confirmed (-1: AMQP off; the AMQP fields are then not shown)
 * @param unroutable     events the broker returned (no queue bound)
 * @param failedAttempts connection attempts and publishes that failed
 * @param amqpDropped    events dropped because the publisher's buffer was full
 * @param buffered       events waiting for the broker or its confirm
 * @param connected      whether a connection to the broker is open
 */
public record ThreatFigures(long records, long dropped, Map<String, SensorStats> sensors, long published, long unroutable,
                            long failedAttempts, long amqpDropped, long buffered, boolean connected) {
    public static final ThreatFigures NONE = new ThreatFigures(0, 0, Map.of(), -1, 0, 0, 0, 0, false);
}
