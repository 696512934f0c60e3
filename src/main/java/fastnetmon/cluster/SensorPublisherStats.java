package fastnetmon.cluster;

/**
 * What a {@link SensorPublisher} did, since its start unless said otherwise. Immutable.
 *
 * @param batches         batches published (XADD answered)
 * @param bytes           their encoded bytes
 * @param droppedBatches  batches dropped, oldest first, because the backlog was full
 * @param backlogBytes    bytes of batches waiting to be published now
 * @param failedSends     batches whose XADD failed or was not answered in time (they went to the backlog)
 * @param hostsLastSecond host records put into batches in the last complete second
 * @param droppedSamples  sample packets not published because their batch held {@link CounterBatch#MAX_SAMPLES}
 * @param lastError       the last failure to publish, or null when there was none
 */
public record SensorPublisherStats(long batches, long bytes, long droppedBatches, long backlogBytes, long failedSends,
                                   long hostsLastSecond, long droppedSamples, String lastError) {
}
