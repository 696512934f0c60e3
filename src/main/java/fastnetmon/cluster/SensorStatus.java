package fastnetmon.cluster;

/**
 * One cluster sensor as the aggregator sees it at one moment ({@link ClusterFeed#sensors()}). Immutable.
 *
 * @param name                  the sensor's name (cluster_sensor_name)
 * @param up                    whether a batch came within cluster_sensor_timeout
 * @param secondsSinceLastBatch whole seconds since its last batch came
 * @param batches               batches read from its streams
 * @param bytes                 bytes of those batches
 * @param lostBatches           batches missing from its sequences (never read: trimmed from a stream, or lost with Redis)
 * @param duplicateBatches      batches that came twice (the sensor sent one again after a late reply), counted once
 * @param lateBatches           batches dropped because they ended more than cluster_max_lag ago
 * @param malformedBatches      batches dropped because they did not decode
 * @param droppedBatches        batches dropped because the evaluator had not taken the earlier ones
 * @param packetsPerSecondIn    incoming packets of its last complete second (from its totals)
 * @param packetsPerSecondOut   outgoing packets of that second
 * @param bitsPerSecondIn       incoming bits of that second
 * @param bitsPerSecondOut      outgoing bits of that second
 */
public record SensorStatus(String name, boolean up, long secondsSinceLastBatch, long batches, long bytes,
                           long lostBatches, long duplicateBatches, long lateBatches, long malformedBatches, long droppedBatches,
                           long packetsPerSecondIn, long packetsPerSecondOut, long bitsPerSecondIn, long bitsPerSecondOut) {
}
