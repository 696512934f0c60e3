package fastnetmon.counters;

import fastnetmon.networks.Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The last period's traffic per monitored network, summed over the shards, for the evaluator (and
 * thresholds per network): a flood to random addresses of a network shows here even when its hosts
 * are too many to track one by one. When packets of untracked hosts pile up it says so, at most once
 * a minute, naming the busiest network and its rate.
 *
 * <p>Threading: the evaluator's thread only ({@link #update} once per tick).
 */
public final class NetworkRates {
    private static final Logger log = LoggerFactory.getLogger(NetworkRates.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private List<Cidr> networks = List.of();
    private long[] scratch = new long[4], sum = new long[4], previous = new long[4], lastPeriod = new long[4];
    private long untrackedSeen, promotedSeen;
    private long warnedAt = Long.MIN_VALUE / 2;

    /**
     * Takes the counts since the previous call as the last period's, and warns when untracked hosts pile
     * up. Every counters instance monitors the same networks (those of the configuration).
     */
    public void update(List<? extends HostCounters> counters, long nowNanos) {
        if (networks.isEmpty() && !counters.isEmpty() && !counters.get(0).networks().networks().isEmpty()) {
            networks = counters.get(0).networks().networks();
            int n = networks.size() * 4;
            scratch = new long[n];
            sum = new long[n];
            previous = new long[n];
            lastPeriod = new long[n];
        }
        Arrays.fill(sum, 0);
        long untracked = 0, promoted = 0;
        for (HostCounters shard : counters) {
            Arrays.fill(scratch, 0);
            shard.readNetworkTotals(scratch);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += scratch[i];
            }
            untracked += shard.untrackedPackets();
            promoted += shard.promotedHosts();
        }
        for (int i = 0; i < sum.length; i++) {
            lastPeriod[i] = sum[i] - previous[i];
            previous[i] = sum[i];
        }
        if (untracked > untrackedSeen && nowNanos - warnedAt >= WARN_EVERY_NANOS) {
            warnedAt = nowNanos;
            int busiest = busiestIncoming();
            log.warn("too many hosts to track one by one (max_tracked_hosts): {} packets of further hosts were counted "
                    + "in the totals and their network's only, {} heavy hosts taken in by rate; busiest network {}: "
                    + "{} pps, {} Mbit/s incoming", untracked, promoted,
                    busiest < networks.size() ? networks.get(busiest) : "#" + busiest,
                    packetsIn(busiest), String.format("%.1f", bytesIn(busiest) * 8 / 1e6));
        }
        untrackedSeen = untracked;
        promotedSeen = promoted;
    }

    /** Monitored networks, in the order their rates are indexed. */
    public List<Cidr> networks() {
        return networks;
    }

    public long packetsIn(int network) {
        return lastPeriod[network * 4];
    }

    public long bytesIn(int network) {
        return lastPeriod[network * 4 + 1];
    }

    public long packetsOut(int network) {
        return lastPeriod[network * 4 + 2];
    }

    public long bytesOut(int network) {
        return lastPeriod[network * 4 + 3];
    }

    /** The network with the most incoming packets in the last period. */
    public int busiestIncoming() {
        int best = 0;
        for (int i = 1; i < lastPeriod.length / 4; i++) {
            if (lastPeriod[i * 4] > lastPeriod[best * 4]) {
                best = i;
            }
        }
        return best;
    }

    /** Untracked hosts taken into the shards' tables by rate, as of the last update. */
    public long promotedHosts() {
        return promotedSeen;
    }
}
