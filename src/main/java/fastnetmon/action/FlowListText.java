package fastnetmon.action;

import fastnetmon.counters.Direction;
import fastnetmon.detection.AttackFlows;

/**
 * The flow list FastNetMon 1.2.4 appends to the ban text with enable_connection_tracking = on
 * (print_flow_tracking_for_ip): for each direction with flows, "Incoming" or "Outgoing", a blank line,
 * then per protocol {@code TCP flows: N}, one line per flow {@code 10.0.0.5:80 < 192.0.2.7:13334 54 bytes 1 packets}
 * ({@code >} and the host's source port for outgoing flows), "Flows have cropped due to very long list."
 * when cut, and a blank line; one more blank line between the two directions. Nothing when there are no flows.
 * Stateless: any thread.
 */
final class FlowListText {
    private FlowListText() {
    }

    static String text(String hostIp, AttackFlows flows) {
        StringBuilder sb = new StringBuilder(256);
        Direction current = null;
        for (AttackFlows.Group g : flows.groups()) {
            boolean in = g.direction() == Direction.INCOMING;
            if (g.direction() != current) {
                if (current != null) {
                    sb.append('\n'); // FastNetMon's delimiter when both directions have flows
                }
                current = g.direction();
                sb.append(in ? "Incoming" : "Outgoing").append("\n\n");
            }
            sb.append(g.protocol() == 6 ? "TCP" : "UDP").append(" flows: ").append(g.total()).append('\n');
            for (AttackFlows.Flow f : g.shown()) {
                sb.append(AttackText.endpoint(hostIp, f.hostPort())).append(in ? " < " : " > ")
                        .append(AttackText.endpoint(f.remoteIp(), f.remotePort())).append(' ')
                        .append(f.bytes()).append(" bytes ").append(f.packets()).append(" packets\n");
            }
            if (g.cropped()) {
                sb.append("Flows have cropped due to very long list.\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
