package fastnetmon.config;

import java.util.function.Function;

/**
 * Thresholds on the sum of a hostgroup's traffic, network by network (carpet bombing: an attack spread
 * over many addresses of a network, each under its own threshold): pps, mbps and flows per direction,
 * strict "greater than" as the per-host ones, each only when its switch is on.
 */
public record GroupTotals(boolean banForPps, long pps, boolean banForMbps, long mbps, boolean banForFlows, long flows) {
    /** No total thresholds. */
    public static final GroupTotals NONE = new GroupTotals(false, 0, false, 0, false, 0);

    static GroupTotals from(Function<String, Object> value) {
        return new GroupTotals((Boolean) value.apply("ban_for_total_pps"), (Long) value.apply("threshold_total_pps"),
                (Boolean) value.apply("ban_for_total_bandwidth"), (Long) value.apply("threshold_total_mbps"),
                (Boolean) value.apply("ban_for_total_flows"), (Long) value.apply("threshold_total_flows"));
    }

    /** Whether any total threshold is on. */
    public boolean any() {
        return banForPps || banForMbps || banForFlows;
    }

    /** A short reason such as "total pps 250000 > 200000" for the first threshold crossed, or null. */
    public String exceeded(double pps, double mbps, double flowsPerSecond) {
        if (banForPps && pps > this.pps) {
            return "total pps " + Math.round(pps) + " > " + this.pps;
        }
        if (banForMbps && mbps > this.mbps) {
            return "total mbps " + String.format("%.2f", mbps) + " > " + this.mbps;
        }
        if (banForFlows && flowsPerSecond > this.flows) {
            return "total flows " + Math.round(flowsPerSecond) + " > " + this.flows;
        }
        return null;
    }
}
