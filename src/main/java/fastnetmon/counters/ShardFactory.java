package fastnetmon.counters;

/**
 * Where sources get their counters. Implemented by the detector; callable from any thread, also after
 * the evaluator has started (a source added later is read from its next tick on).
 */
public interface ShardFactory {
    CounterShard newShard(String name);
}
