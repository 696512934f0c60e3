package fastnetmon.config;

import fastnetmon.networks.Cidr;

import java.util.List;

/** A FastNetMon hostgroup: its networks and its thresholds (unset values inherited from the global ones). */
public record HostGroup(String name, List<Cidr> cidrs, Thresholds thresholds) {
    public HostGroup {
        cidrs = List.copyOf(cidrs);
    }
}
