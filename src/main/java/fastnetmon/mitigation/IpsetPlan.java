package fastnetmon.mitigation;

import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SamplePacket;
import fastnetmon.networks.Cidr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ipset action adds for a ban ({@link IpsetSettings}): with {@code ipset_target = host} the
 * banned host at the ban; with {@code sources}, for an incoming attack, the attackers: its top source
 * addresses by packets in the samples, once they are in. For an outgoing attack the attacker is our host,
 * so it is the host either way. Each address goes to the set of its family with the configured timeout.
 *
 * <p>Threading: immutable; any thread.
 */
public final class IpsetPlan implements MitigationPlan {
    private final IpsetSettings settings;

    public IpsetPlan(IpsetSettings settings) {
        this.settings = settings;
    }

    @Override
    public Planned atBan(Attack attack) {
        return bySources(attack) ? Planned.NOTHING : new Planned(List.of(member(Cidr.parse(attack.ip))), null);
    }

    @Override
    public Planned atDetails(Attack attack) {
        if (!bySources(attack)) {
            return Planned.NOTHING;
        }
        List<Cidr> top = topSources(attack.samples, settings.maxSources());
        if (top.isEmpty()) {
            return new Planned(List.of(), "no sample packets with a source address for " + attack.ip
                    + ": no attacker to add to ipset " + settings.setV4() + "/" + settings.setV6());
        }
        List<Announcement> out = new ArrayList<>(top.size());
        for (Cidr src : top) {
            out.add(member(src));
        }
        return new Planned(out, null);
    }

    private boolean bySources(Attack attack) {
        return settings.sources() && attack.direction == Direction.INCOMING;
    }

    /** @param host an address (/32 or /128) */
    private SetMember member(Cidr host) {
        return new SetMember(settings.set(!host.isV4()), host, settings.timeoutSeconds());
    }

    /**
     * The source addresses with the most packets, at most {@code max}, busiest first (ties by first seen). A
     * sample from a flow record stands for its packets; a source that is not an address is left out.
     */
    static List<Cidr> topSources(List<SamplePacket> samples, int max) {
        Map<Cidr, Long> packets = new LinkedHashMap<>();
        for (SamplePacket p : samples) {
            Cidr src;
            try {
                src = Cidr.parse(p.srcIp());
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (src.prefixLength() != (src.isV4() ? 32 : 128)) {
                continue; // "10.0.0.0/8" is no packet's source
            }
            packets.merge(src, Math.max(1, p.packets()), Long::sum);
        }
        // A stable sort: equal counts keep the order they were first seen in.
        return packets.entrySet().stream()
                .sorted(Map.Entry.<Cidr, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(max)
                .map(Map.Entry::getKey)
                .toList();
    }
}
