package fastnetmon.detection;

import fastnetmon.config.Thresholds;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;

/** Whether one direction of a host's traffic crosses a threshold; strict "greater than", as FastNetMon. */
public final class ThresholdCheck {
    private ThresholdCheck() {
    }

    private static final int[] CLASSES = {TrafficClass.TOTAL, TrafficClass.TCP, TrafficClass.UDP, TrafficClass.ICMP,
            TrafficClass.TCP_SYN};

    /** A short reason such as "pps 50012 > 20000" for the first threshold crossed, or null. */
    public static String exceeded(Thresholds t, HostTraffic h, Direction dir) {
        for (int cls : CLASSES) {
            double pps = h.pps(dir, cls);
            if (t.banForPps(cls) && pps > t.thresholdPps(cls)) {
                return prefix(cls) + "pps " + Math.round(pps) + " > " + t.thresholdPps(cls);
            }
            double mbps = h.mbps(dir, cls);
            if (t.banForBandwidth(cls) && mbps > t.thresholdMbps(cls)) {
                return prefix(cls) + "mbps " + String.format("%.2f", mbps) + " > " + t.thresholdMbps(cls);
            }
            if (cls == TrafficClass.TOTAL) {
                double flows = h.flowsPerSecond(dir, TrafficClass.TOTAL);
                if (t.banForFlows() && flows > t.thresholdFlows()) {
                    return "flows " + Math.round(flows) + " > " + t.thresholdFlows();
                }
            }
        }
        return null;
    }

    /** "tcp " before a per-protocol reason; nothing for the total's. Made only for a reason given. */
    private static String prefix(int cls) {
        return cls == TrafficClass.TOTAL ? "" : TrafficClass.name(cls) + " ";
    }
}
