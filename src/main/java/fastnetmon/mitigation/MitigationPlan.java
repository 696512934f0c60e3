package fastnetmon.mitigation;

import fastnetmon.detection.Attack;

import java.util.List;

/**
 * What an action announces for a ban, in two steps: at the ban (before any sample packet) and once the
 * ban's samples are in. What the two steps give is announced together and withdrawn together at unban.
 *
 * <p>Threading: immutable; any thread.
 */
public interface MitigationPlan {
    /** At the ban: the blackhole, or nothing when a FlowSpec rule will be made from the samples. */
    Planned atBan(Attack attack);

    /** Once the samples are in ({@link Attack#samples}): a FlowSpec rule, or the blackhole instead (and why). */
    Planned atDetails(Attack attack);

    /**
     * @param announcements what to put in force
     * @param note          why the plan chose this, for the log (null: nothing to say)
     */
    record Planned(List<Announcement> announcements, String note) {
        public static final Planned NOTHING = new Planned(List.of(), null);

        public Planned {
            announcements = List.copyOf(announcements);
        }
    }
}
