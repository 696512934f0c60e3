package fastnetmon.detection;

/**
 * What the evaluator tells the actions stage, one event per step of a ban's life. The {@link Attack} it
 * carries is a snapshot: nothing in it changes after the event is made, so any thread may read it.
 *
 * @param kind     which step
 * @param attack   the ban as it stood at this step (samples included from {@link Kind#ATTACK_DETAILS} on)
 * @param atNanos  when the step happened: packet time in a replay, wall time live (ns since the epoch)
 */
public record BanEvent(Kind kind, Attack attack, long atNanos) {
    public enum Kind {
        /** A host crossed a threshold (or was banned by hand). */
        BAN,
        /** The ban's sample packets are collected (or the program is stopping with fewer). */
        ATTACK_DETAILS,
        /** ban_time is over (or unbanned by hand). */
        UNBAN,
        /** A ban in force before a restart was taken up at start; actions that keep outside state
         *  (a route, a set member, a key) make sure it is still there, without calling the script. */
        RESTORED
    }
}
