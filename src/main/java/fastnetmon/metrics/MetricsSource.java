package fastnetmon.metrics;

import fastnetmon.source.Source;
import fastnetmon.counters.CounterShard;
import fastnetmon.detection.Evaluator;

import java.util.Collection;
import java.util.List;

/**
 * What the Prometheus endpoint reports, read on the scrape thread at every scrape (nothing is counted
 * for it on the packet path). Arrays are indexed as {@link CounterShard#totalIndex}.
 */
public interface MetricsSource {
    /** Cumulative packets and bytes by direction and IP version since start, summed over all sources. */
    long[] trafficTotals();

    /** Packets the detector could not parse (not counted in {@link #trafficTotals()}). */
    long unparsedPackets();

    /** Packets and bytes of the last evaluated second by direction and IP version (a rate per second). */
    long[] lastSecondTotals();

    /** Bans made since start. */
    long bansTotal();

    /** Hosts banned now. */
    long bannedHosts();

    /** Duration of the last once-a-second evaluation, in nanoseconds. */
    long speedRecalculationNanos();

    /** Capture counters per interface (empty in replay and flow modes). */
    List<CaptureCounters> captures();

    /** Kernel/library counters of one interface, summed over its capture threads. */
    record CaptureCounters(String interfaceName, long received, long dropped) {
    }

    /**
     * The source over a running detector: cumulative totals and unparsed packets straight from the shards
     * (fresh at every scrape), per-second totals and bans from the evaluator's last tick, and the capture
     * engines' counters summed per interface. {@code shards} and {@code sources} are read at every
     * scrape, so they may be live views that grow (the detector's).
     */
    static MetricsSource of(List<CounterShard> shards, Evaluator evaluator, Collection<? extends Source> sources) {
        return new DetectorMetricsSource(shards, evaluator, sources);
    }
}
