package fastnetmon.mitigation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Something a {@link Speaker} puts in force for a ban and takes out at its unban: a {@link Route} (a
 * blackhole), a {@link FlowSpecRule} or an ipset {@link SetMember}. Two announcements with the same
 * {@link #key} are the same thing in the speaker (announcing it twice is harmless; withdrawing it once
 * takes it out). Immutable.
 */
public sealed interface Announcement permits Route, FlowSpecRule, SetMember {
    /** Identity in the speaker, e.g. "route 10.0.0.1/32" (what a withdrawal names). */
    String key();

    boolean ipv6();

    /**
     * Seconds after which it is announced again while wanted (0: never): a member whose timeout is a safety
     * net must not lapse while its ban goes on past ban_time (unban_only_if_attack_finished).
     */
    default long refreshSeconds() {
        return 0;
    }

    /** One line for the log: what it is and its attributes. */
    String text();

    /** Its fields as the ledger keeps them ({@link #fromJson} reads them back). */
    ObjectNode toJson(ObjectNode into);

    /** What {@link #toJson} wrote; IllegalArgumentException (one line) when it is not an announcement. */
    static Announcement fromJson(JsonNode n) {
        String kind = n.path("kind").asText("");
        return switch (kind) {
            case Route.KIND -> Route.fromJson(n);
            case FlowSpecRule.KIND -> FlowSpecRule.fromJson(n);
            case SetMember.KIND -> SetMember.fromJson(n);
            default -> throw new IllegalArgumentException("not an announcement (kind '" + kind + "')");
        };
    }
}
