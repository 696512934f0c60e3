package fastnetmon.mitigation;

import fastnetmon.detection.Attack;
import fastnetmon.networks.Cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * What a BGP daemon announces for a ban ({@link BgpSettings}): the host route (/32, /128) and/or the
 * monitored network it belongs to, with the configured communities and next hop; with FlowSpec on, a rule
 * from the samples instead ({@link FlowSpecPlanner}), or, when no narrow rule can be made, the blackhole
 * when {@code flowspec_fallback_blackhole} is on.
 *
 * <p>Threading: immutable; any thread.
 */
public final class BgpPlan implements MitigationPlan {
    private final BgpSettings settings;
    private final List<Cidr> networks;

    /** @param networks the monitored networks (networks_list), for announce_whole_subnet */
    public BgpPlan(BgpSettings settings, List<Cidr> networks) {
        this.settings = settings;
        this.networks = List.copyOf(networks);
    }

    @Override
    public Planned atBan(Attack attack) {
        return settings.flowSpec() ? Planned.NOTHING : new Planned(blackhole(attack), null);
    }

    @Override
    public Planned atDetails(Attack attack) {
        if (!settings.flowSpec()) {
            return Planned.NOTHING;
        }
        FlowSpecPlanner.Result r = FlowSpecPlanner.plan(attack, settings.flowSpecSettings());
        if (r.rule() != null) {
            return new Planned(List.of(r.rule()), null);
        }
        List<Announcement> fallback = settings.flowSpecSettings().fallbackBlackhole() ? blackhole(attack) : List.of();
        return new Planned(fallback, "no FlowSpec rule for " + attack.ip + ": " + r.whyNot()
                + (fallback.isEmpty() ? "; nothing announced (no blackhole configured)" : "; blackhole instead"));
    }

    /** The host route and/or its network, as configured for its address family. */
    List<Announcement> blackhole(Attack attack) {
        boolean v6 = attack.ip.indexOf(':') >= 0;
        boolean host = v6 ? settings.hostV6() : settings.hostV4();
        boolean subnet = v6 ? settings.subnetV6() : settings.subnetV4();
        String nextHop = v6 ? settings.nextHopV6() : settings.nextHopV4();
        List<Announcement> out = new ArrayList<>(2);
        if (host) {
            out.add(new Route(Cidr.parse(attack.ip + (v6 ? "/128" : "/32")), nextHop,
                    v6 ? settings.hostCommunitiesV6() : settings.hostCommunitiesV4()));
        }
        if (subnet) {
            Cidr network = networkOf(attack);
            if (network != null) {
                out.add(new Route(network, nextHop, v6 ? settings.subnetCommunitiesV6() : settings.subnetCommunitiesV4()));
            }
        }
        return out;
    }

    /** The longest monitored network holding the host, or null. */
    private Cidr networkOf(Attack attack) {
        Cidr best = null;
        for (Cidr c : networks) {
            if (c.contains(attack.ipHi, attack.ipLo) && (best == null || c.prefixLength() > best.prefixLength())) {
                best = c;
            }
        }
        return best;
    }
}
