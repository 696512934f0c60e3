package fastnetmon.counters;

/**
 * Where sources get their counters. Implemented by the detector; callable from any thread, also after
 * the evaluator has started (a source added later is read from its next tick on).
 */
public interface ShardFactory {
    /**
     * @param wholeSeconds the source counts whole seconds of traffic at a time (flow records attributed
     *                     to seconds), so the evaluator reads it at the turn of a second only (see
     *                     {@link HostCounters#countsWholeSeconds()})
     */
    CounterShard newShard(String name, boolean wholeSeconds);

    /** A shard for a source that counts each packet as it comes (capture). */
    default CounterShard newShard(String name) {
        return newShard(name, false);
    }
}
