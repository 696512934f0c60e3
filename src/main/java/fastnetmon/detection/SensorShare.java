package fastnetmon.detection;

/**
 * How much of an attack one cluster sensor saw (on an aggregator): the packets and bytes it counted for
 * the banned host in the attack direction since the ban, and its share of all sensors' packets.
 * Immutable.
 *
 * @param share packets over the sum of all sensors' packets, 0 to 1
 */
public record SensorShare(String sensor, long packets, long bytes, double share) {
}
