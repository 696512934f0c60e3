package fastnetmon.detection;

/**
 * Receives the evaluator's ban events. Threading: called on the evaluator's thread (replay or live
 * tick, or an API thread for a manual ban, serialized with the tick); must return at once and do its
 * work elsewhere. The actions stage's registry is the one implementation in production.
 */
public interface BanListener {
    void onEvent(BanEvent event);
}
