package fastnetmon.cluster;

import java.util.List;

/**
 * The cluster's figures for the metrics, read at each scrape: an aggregator's sensors, or a sensor's
 * publisher (null when this detector is not a sensor). Immutable.
 */
public record ClusterFigures(List<SensorStatus> sensors, SensorPublisherStats publisher) {
    public static final ClusterFigures NONE = new ClusterFigures(List.of(), null);
}
