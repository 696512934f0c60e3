package fastnetmon.action;

import fastnetmon.detection.Attack;

/**
 * One ban in the journal and which of its steps are asked for and carried out by every action. It
 * leaves the journal when its unban has been carried out.
 *
 * <p>Threading: guarded by the owning {@link BanJournal}'s lock.
 */
final class JournalEntry {
    final Attack attack;
    boolean banDone;
    boolean detailsRequested;
    boolean detailsDone;
    boolean unbanRequested;

    JournalEntry(Attack attack) {
        this.attack = attack;
    }

    static String key(Attack a) {
        return a.ip + " " + a.bannedAtNanos;
    }

    /** The step names still to carry out, for log lines ("ban", "attack_details", "unban"). */
    String pending() {
        StringBuilder sb = new StringBuilder();
        if (!banDone) {
            sb.append("ban");
        }
        if (detailsRequested && !detailsDone) {
            sb.append(sb.isEmpty() ? "" : "+").append("attack_details");
        }
        if (unbanRequested) {
            sb.append(sb.isEmpty() ? "" : "+").append("unban");
        }
        return sb.toString();
    }
}
