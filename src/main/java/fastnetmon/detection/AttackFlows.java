package fastnetmon.detection;

import fastnetmon.counters.Direction;

import java.util.List;

/**
 * The flows of an attack's host (enable_connection_tracking), as FastNetMon lists them in the ban text:
 * per direction (incoming, then outgoing) and protocol (TCP, then UDP), how many flows were seen and the
 * first ones in FastNetMon's order, cut like FastNetMon's list. Immutable.
 *
 * @param groups incoming TCP, incoming UDP, outgoing TCP, outgoing UDP: only those with flows
 */
public record AttackFlows(List<Group> groups) {
    public AttackFlows {
        groups = List.copyOf(groups);
    }

    /**
     * @param direction the host's traffic that way: incoming or outgoing
     * @param protocol 6 or 17
     * @param total    distinct flows seen
     * @param shown    the first flows, at most ban_details_records_count + 1 (FastNetMon prints one more than the count)
     * @param cropped  more flows than shown: the list ends with FastNetMon's "Flows have cropped" line
     */
    public record Group(Direction direction, int protocol, long total, List<Flow> shown, boolean cropped) {
        public Group {
            shown = List.copyOf(shown);
        }
    }

    /** One flow, from the host's side: its port, the other end and what the flow carried. */
    public record Flow(int hostPort, String remoteIp, int remotePort, long bytes, long packets) {
    }
}
