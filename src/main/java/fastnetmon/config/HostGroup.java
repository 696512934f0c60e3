package fastnetmon.config;

import fastnetmon.networks.Cidr;

import java.util.List;

/**
 * A FastNetMon hostgroup: its networks, its per-host thresholds and its thresholds on each network's
 * total (unset values inherited from the global ones).
 */
public record HostGroup(String name, List<Cidr> cidrs, Thresholds thresholds, GroupTotals totals) {
    public HostGroup {
        cidrs = List.copyOf(cidrs);
    }

    /** Without total thresholds. */
    public HostGroup(String name, List<Cidr> cidrs, Thresholds thresholds) {
        this(name, cidrs, thresholds, GroupTotals.NONE);
    }
}
