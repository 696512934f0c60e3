package fastnetmon.cluster;

import java.util.List;

/**
 * The cluster's figures for the metrics, read at each scrape: an aggregator's sensors and the ban events
 * its lease gate holds back or dropped ({@link LeaseGate}), or a sensor's publisher (null when this
 * detector is not a sensor). Immutable.
 */
public record ClusterFigures(List<SensorStatus> sensors, SensorPublisherStats publisher, long heldBanEvents,
                             long droppedBanEvents) {
    public static final ClusterFigures NONE = new ClusterFigures(List.of(), null, 0, 0);

    public ClusterFigures(List<SensorStatus> sensors, SensorPublisherStats publisher) {
        this(sensors, publisher, 0, 0);
    }
}
