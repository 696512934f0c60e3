package fastnetmon.detection;

import fastnetmon.config.HostGroup;
import fastnetmon.config.Thresholds;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a second of a host's traffic bans it: the thresholds of its hostgroup (or the global ones),
 * the whitelist, process_incoming_traffic / process_outgoing_traffic, enable_ban and enable_ban_ipv6.
 * A host that crosses a threshold while its ban is off is logged, at most once a minute.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class BanRules {
    private static final Logger log = LoggerFactory.getLogger(BanRules.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    /** A threshold crossed in a direction, with the reason for the logs ("pps 50012 > 20000"). */
    record Crossing(Direction direction, String reason) {
    }

    private final DetectionSettings settings;
    private final Map<Integer, Long> banDisabledLogged = new HashMap<>();

    BanRules(DetectionSettings settings) {
        this.settings = settings;
    }

    /** The hostgroups' networks in order, as {@link HostTable} takes them. */
    static List<List<Cidr>> groupNetworks(DetectionSettings s) {
        return s.hostGroups().stream().map(HostGroup::cidrs).toList();
    }

    String groupName(int group) {
        return group >= 0 ? settings.hostGroups().get(group).name() : "global";
    }

    Thresholds thresholdsOf(int group) {
        return group >= 0 ? settings.hostGroups().get(group).thresholds() : settings.global();
    }

    /** A limit of a host's second in a direction: the reason it is crossed ("pps 50012 > 20000"), or null. */
    interface Limit {
        String exceeded(Thresholds t, HostTraffic second, Direction dir);
    }

    /** The threshold the host's second crosses in a processed direction when that bans it, or null. */
    Crossing banFor(HostTable hosts, int host, HostTraffic second, long nowNanos) {
        return banFor(hosts, host, second, nowNanos, ThresholdCheck::exceeded);
    }

    /**
     * The first processed direction in which the host's second crosses {@code limit}, when that bans the
     * host (not whitelisted, its ban switches on), or null.
     */
    Crossing banFor(HostTable hosts, int host, HostTraffic second, long nowNanos, Limit limit) {
        if (hosts.whitelisted(host)) {
            return null;
        }
        int group = hosts.group(host);
        Thresholds t = thresholdsOf(group);
        for (Direction dir : Direction.PER_HOST) {
            if (dir == Direction.INCOMING ? !settings.processIncoming() : !settings.processOutgoing()) {
                continue;
            }
            String reason = limit.exceeded(t, second, dir);
            if (reason == null) {
                continue;
            }
            boolean v6 = !IpAddresses.isV4Mapped(hosts.hi(host), hosts.lo(host));
            // enable_ban_ipv6 is a hostgroup setting like enable_ban: a group's own (or inherited) value applies.
            boolean ipv6BanOn = group >= 0 ? t.enableBanIpv6() : settings.enableBanIpv6();
            if (!t.enableBan() || (v6 && !ipv6BanOn)) {
                Long last = banDisabledLogged.get(host);
                if (last == null || nowNanos - last >= LOG_EVERY_NANOS) {
                    banDisabledLogged.put(host, nowNanos);
                    log.info("{} crosses a threshold ({}) but ban is disabled{}: not banned", hosts.ip(host), reason,
                            t.enableBan() ? " for IPv6 (enable_ban_ipv6)" : " (enable_ban)");
                }
                return null;
            }
            return new Crossing(dir, reason);
        }
        return null;
    }

    /** Whether the host's second still crosses a threshold in the direction. */
    boolean exceeded(int group, HostTraffic second, Direction dir) {
        return ThresholdCheck.exceeded(thresholdsOf(group), second, dir) != null;
    }

    /** The host's id goes to another host. */
    void forget(int host) {
        banDisabledLogged.remove(host);
    }
}
