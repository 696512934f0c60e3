package fastnetmon.action;

/**
 * What one action has done so far, for the metrics and the log: a snapshot, safe to read on any thread.
 *
 * @param name       the action's name
 * @param handled    events carried out (successfully or not)
 * @param failed     of those, the ones that failed (an exception, a script's non-zero exit or timeout)
 * @param dropped    events not taken because the action's queue (per host or in total) was full, or
 *                   it was closed; a dropped step stays pending in the ban-state journal
 * @param queued     events waiting now
 * @param running    events being carried out now (for the script: scripts running now)
 * @param unfinished events abandoned at shutdown (still queued or killed while running)
 * @param maxRunning the bound on {@code running} (for the script: {@code notify_script_max_running})
 * @param mitigation what a mitigation action (BGP, ipset) has in force; null for other actions
 */
public record ActionStats(String name, long handled, long failed, long dropped, int queued, int running,
                          long unfinished, int maxRunning, Mitigation mitigation) {

    public ActionStats(String name, long handled, long failed, long dropped, int queued, int running,
                       long unfinished, int maxRunning) {
        this(name, handled, failed, dropped, queued, running, unfinished, maxRunning, null);
    }

    /**
     * @param inForce          announcements (routes, rules, set members) in force now
     * @param pending          announcements and withdrawals waiting for a retry
     * @param announced        announcements put in force so far
     * @param withdrawn        announcements taken out so far
     * @param announceFailures announce calls that failed (each retried)
     * @param withdrawFailures withdraw calls that failed (each retried)
     */
    public record Mitigation(int inForce, int pending, long announced, long withdrawn, long announceFailures,
                             long withdrawFailures) {
    }
}
