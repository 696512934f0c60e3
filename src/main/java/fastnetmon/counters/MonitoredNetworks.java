package fastnetmon.counters;

import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The monitored networks (networks_list) numbered 0, 1, 2... in list order, duplicates dropped, and a
 * matcher giving each address the number of its longest matching network: the shard counts every
 * packet in its network's totals with the lookup it makes anyway. Immutable; safe from any thread.
 */
public record MonitoredNetworks(List<Cidr> networks, PrefixMatcher matcher) {
    /** No networks. */
    public static final MonitoredNetworks NONE = of(List.of());

    public MonitoredNetworks {
        networks = List.copyOf(networks);
    }

    public static MonitoredNetworks of(List<Cidr> cidrs) {
        List<Cidr> unique = List.copyOf(new LinkedHashSet<>(cidrs));
        PrefixMatcher.Builder b = new PrefixMatcher.Builder();
        for (int i = 0; i < unique.size(); i++) {
            b.add(unique.get(i), i);
        }
        return new MonitoredNetworks(unique, b.build());
    }

    public int size() {
        return networks.size();
    }
}
