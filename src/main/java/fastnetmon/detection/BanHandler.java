package fastnetmon.detection;

/**
 * What the evaluator tells the actions stage. Implementations must return at once (they run on the
 * evaluator's thread) and do their work elsewhere.
 */
public interface BanHandler {
    void onBan(Attack attack);

    /** The attack's sample packets are collected (or the program is stopping with fewer). */
    void onAttackDetails(Attack attack);

    void onUnban(Attack attack);
}
