package fastnetmon.action;

import fastnetmon.detection.BanEvent;

/**
 * One thing done when a host is banned, its details are ready or it is unbanned: the notify script, the
 * attack details file, mail, Redis, later BGP and a broker. Adding one is this class plus one line in
 * {@link ActionRegistry#fromConfig}.
 *
 * <p>Threading: {@link #handle} is called on the action's own worker threads (see {@link ActionRunner}),
 * never on the evaluator's; events for one host arrive one at a time and in order, events for different
 * hosts may arrive concurrently on up to the number of threads the action was registered with. It may
 * block (up to its own timeout); it is interrupted when the registry gives up on it at shutdown.
 * {@link #close} is called once, after the last {@link #handle} returned or was abandoned.
 */
public interface Action {
    /** Short name for logs and metrics ("script", "details_file", ...). */
    String name();

    /**
     * Carries out one event. Returning is success; an exception is a failure, counted and logged (with
     * its message only, unless it is a {@link Failed}, which the action has logged itself).
     */
    void handle(BanEvent event) throws Exception;

    /** What a mitigation action (BGP, ipset) has in force now; null for the others. Any thread. */
    default ActionStats.Mitigation mitigation() {
        return null;
    }

    /** Releases what the action holds; anything still running is stopped. Called once. */
    default void close() {
    }

    /** A failure the action has already logged: counted, not logged again. */
    final class Failed extends Exception {
        public Failed(String message) {
            super(message, null, false, false);
        }
    }
}
