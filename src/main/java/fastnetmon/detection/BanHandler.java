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

    /** Tells each handler in turn. */
    static BanHandler all(BanHandler... handlers) {
        return new BanHandler() {
            @Override
            public void onBan(Attack attack) {
                for (BanHandler h : handlers) {
                    h.onBan(attack);
                }
            }

            @Override
            public void onAttackDetails(Attack attack) {
                for (BanHandler h : handlers) {
                    h.onAttackDetails(attack);
                }
            }

            @Override
            public void onUnban(Attack attack) {
                for (BanHandler h : handlers) {
                    h.onUnban(attack);
                }
            }
        };
    }
}
