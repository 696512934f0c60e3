package fastnetmon.metrics;

import fastnetmon.source.CaptureEngine;
import fastnetmon.source.Source;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Evaluator;
import fastnetmon.detection.TrafficView;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link MetricsSource} over the shards, the evaluator and the sources (of which the capture engines
 * feed the capture counters, summed per interface). Both lists are read at every scrape, so they may be
 * live views that grow. Shard totals are plain
 * longs written by their source thread; reading them here may miss the last few packets of a batch in
 * flight, which is fine for monitoring. The evaluator's figures come from its volatile
 * {@link Evaluator#stats()} snapshot.
 */
final class DetectorMetricsSource implements MetricsSource {
    private final List<CounterShard> shards;
    private final Evaluator evaluator;
    private final Collection<? extends Source> sources;
    private final long monitoredHosts;
    // unparsedPerSecond: the previous read and the rate it gave (guarded by this)
    private long rateNanos = System.nanoTime(), rateCount, rate;

    DetectorMetricsSource(List<CounterShard> shards, Evaluator evaluator, Collection<? extends Source> sources,
                          long monitoredHosts) {
        this.shards = shards;
        this.evaluator = evaluator;
        this.sources = sources;
        this.monitoredHosts = monitoredHosts;
    }

    @Override
    public long[] trafficTotals() {
        long[] sum = new long[CounterShard.TOTALS];
        long[] one = new long[CounterShard.TOTALS];
        for (CounterShard shard : shards) {
            shard.readTotals(one);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += one[i];
            }
        }
        return sum;
    }

    @Override
    public long unparsedPackets() {
        long n = 0;
        for (CounterShard shard : shards) {
            n += shard.unparsed();
        }
        return n;
    }

    @Override
    public long unknownIpVersionPackets() {
        long n = 0;
        for (CounterShard shard : shards) {
            n += shard.notIp();
        }
        return n;
    }

    @Override
    public synchronized long unparsedPerSecond() {
        long now = System.nanoTime(), count = unparsedPackets();
        if (now - rateNanos >= 1_000_000_000L) {
            rate = Math.round((count - rateCount) * 1e9 / (now - rateNanos));
            rateNanos = now;
            rateCount = count;
        }
        return rate;
    }

    @Override
    public long monitoredHosts() {
        return monitoredHosts;
    }

    @Override
    public long[] flowsPerSecond() {
        long[] out = new long[Direction.values().length];
        evaluator.view().totals().forEach((d, r) -> out[d.ordinal()] = Math.round(r.flows()));
        return out;
    }

    @Override
    public long[] lastSecondTotals() {
        return evaluator.stats().lastSecondTotals().clone();
    }

    @Override
    public long bansTotal() {
        return evaluator.stats().bansTotal();
    }

    @Override
    public long bannedHosts() {
        return evaluator.stats().bannedHosts();
    }

    @Override
    public long speedRecalculationNanos() {
        return evaluator.stats().tickNanos();
    }

    @Override
    public List<CaptureCounters> captures() {
        Map<String, long[]> byInterface = new LinkedHashMap<>();
        for (Source s : sources) {
            if (!(s instanceof CaptureEngine e)) {
                continue;
            }
            long[] c = byInterface.computeIfAbsent(e.interfaceName(), k -> new long[2]);
            c[0] += e.received();
            c[1] += e.dropped();
        }
        List<CaptureCounters> out = new ArrayList<>(byInterface.size());
        byInterface.forEach((name, c) -> out.add(new CaptureCounters(name, c[0], c[1])));
        return out;
    }

    @Override
    public List<TopHost> topHosts() {
        TrafficView view = evaluator.view();
        List<TopHost> out = new ArrayList<>();
        for (Direction d : new Direction[]{Direction.INCOMING, Direction.OUTGOING}) {
            for (TrafficView.HostRate h : view.busiest(d, TOP_HOSTS)) {
                out.add(new TopHost(d.text(), h.ip(), Math.round(h.pps()), Math.round(h.mbps() * 1_000_000),
                        Math.round(h.flows())));
            }
        }
        return out;
    }
}
