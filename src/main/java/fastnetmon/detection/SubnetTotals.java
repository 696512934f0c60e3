package fastnetmon.detection;

import fastnetmon.config.GroupTotals;
import fastnetmon.config.HostGroup;
import fastnetmon.config.TrafficClass;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Carpet bombing: the traffic of each network of the hostgroups with total thresholds
 * ({@link GroupTotals}), summed over its hosts tick by tick in a sliding window of its own, so that an
 * attack spread over a /24, every address under its own threshold, is seen as the attack on the network
 * it is. The evaluator hands it what each host counted; it says which networks cross their group's
 * totals. A host counts in the longest such network that holds it.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class SubnetTotals {
    private static final Logger log = LoggerFactory.getLogger(SubnetTotals.class);

    /** A network that crossed its group's totals in a direction. */
    record Crossing(int subnet, Direction direction, String reason) {
    }

    private final List<Cidr> subnets = new ArrayList<>();
    private final List<Integer> groupOfSubnet = new ArrayList<>();
    private final List<HostGroup> groups;
    private final PrefixMatcher matcher;
    private final SlidingWindow window;
    private final boolean processIncoming, processOutgoing;
    private int[] subnetOf = new int[0]; // host id -> subnet + 1, 0 for none
    private final HostTraffic traffic = new HostTraffic();

    SubnetTotals(DetectionSettings settings) {
        this.groups = settings.hostGroups();
        this.window = new SlidingWindow(settings.tickNanos());
        this.processIncoming = settings.processIncoming();
        this.processOutgoing = settings.processOutgoing();
        PrefixMatcher.Builder b = new PrefixMatcher.Builder();
        for (int g = 0; g < groups.size(); g++) {
            if (!groups.get(g).totals().any()) {
                continue;
            }
            for (Cidr c : groups.get(g).cidrs()) {
                if (!SubnetKey.keyable(c)) {
                    log.warn("hostgroup {}: {} is longer than /64: its total is not watched", groups.get(g).name(), c);
                    continue;
                }
                b.add(c, subnets.size());
                subnets.add(c);
                groupOfSubnet.add(g);
            }
        }
        this.matcher = b.build();
    }

    /** Whether any network is watched as a whole. */
    boolean active() {
        return !subnets.isEmpty();
    }

    Cidr cidr(int subnet) {
        return subnets.get(subnet);
    }

    HostGroup group(int subnet) {
        return groups.get(groupOfSubnet.get(subnet));
    }

    /** A host was taken up under this id: which network it counts in. */
    void added(int host, long hi, long lo) {
        if (host >= subnetOf.length) {
            subnetOf = Arrays.copyOf(subnetOf, Math.max(16, Math.max(host + 1, subnetOf.length * 2)));
        }
        subnetOf[host] = matcher.lookup(hi, lo) + 1;
    }

    /** Starts a tick; see {@link SlidingWindow#nextTick}. */
    void nextTick(long endNanos, long coveredNanos) {
        window.nextTick(endNanos, coveredNanos);
    }

    /** Starts the whole second of the counters read once a second. */
    void startWholeSecond() {
        window.startWholeSecond();
    }

    /** What a host counted: into its network's newest tick, or its whole second. */
    void counted(int host, long[] counts, boolean wholeSeconds) {
        int s = host < subnetOf.length ? subnetOf[host] - 1 : -1;
        if (s >= 0) {
            window.add(s, counts, wholeSeconds);
        }
    }

    /** Each network counted in the newest tick, and at the turn of a second those of the whole second; see {@link SlidingWindow#forEachCounted}. */
    void forEachCounted(boolean newSecond, IntConsumer action) {
        window.forEachCounted(newSecond, action);
    }

    /** The network's last second (rates over the window) into {@code h}. */
    void fill(int subnet, HostTraffic h) {
        window.fill(subnet, h);
    }

    /** The network's traffic while an attack in {@code dir} runs; see {@link SlidingWindow#fillAttack}. */
    void fillAttack(int subnet, Direction dir, HostTraffic h) {
        window.fillAttack(subnet, dir, h);
    }

    /** The total threshold the network's last second crosses in a processed direction when that bans it, or null. */
    Crossing crossing(int subnet) {
        HostGroup g = group(subnet);
        if (!g.thresholds().enableBan() || (!subnets.get(subnet).isV4() && !g.thresholds().enableBanIpv6())) {
            return null;
        }
        fill(subnet, traffic);
        for (Direction dir : Direction.PER_HOST) {
            if (dir == Direction.INCOMING ? !processIncoming : !processOutgoing) {
                continue;
            }
            String reason = exceeded(g.totals(), traffic, dir);
            if (reason != null) {
                return new Crossing(subnet, dir, reason);
            }
        }
        return null;
    }

    /** Whether the network's last second still crosses its group's totals in the direction. */
    boolean stillCrossing(Cidr network, Direction dir) {
        int subnet = subnets.indexOf(network);
        if (subnet < 0 || !dir.perHost()) {
            return false;
        }
        fill(subnet, traffic);
        return exceeded(group(subnet).totals(), traffic, dir) != null;
    }

    private static String exceeded(GroupTotals t, HostTraffic h, Direction dir) {
        return t.exceeded(h.pps(dir, TrafficClass.TOTAL), h.mbps(dir, TrafficClass.TOTAL), h.flowsPerSecond(dir, TrafficClass.TOTAL));
    }

    /** Host ids from {@code capacity} on are no longer known. */
    void trim(int capacity) {
        if (subnetOf.length > capacity) {
            subnetOf = Arrays.copyOf(subnetOf, capacity);
        }
    }
}
