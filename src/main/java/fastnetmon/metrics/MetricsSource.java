package fastnetmon.metrics;

import fastnetmon.source.Source;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Evaluator;
import fastnetmon.networks.Cidr;

import java.util.Collection;
import java.util.List;

/**
 * What the Prometheus endpoint reports, read on the scrape thread at every scrape (nothing is counted
 * for it on the packet path). Arrays are indexed as {@link CounterShard#totalIndex}.
 */
public interface MetricsSource {
    /** Cumulative packets and bytes by direction and IP version since start, summed over all sources. */
    long[] trafficTotals();

    /** Packets the detector could not parse (not counted in {@link #trafficTotals()}), non-IP frames included. */
    long unparsedPackets();

    /** Of {@link #unparsedPackets()}, the frames that were neither IPv4 nor IPv6. */
    long unknownIpVersionPackets();

    /** Unparsed packets per second, averaged since the previous read at least a second before. */
    long unparsedPerSecond();

    /** Number of IPv4 addresses in the monitored networks (FastNetMon's total number of hosts). */
    long monitoredHosts();

    /** Flows per second of the last evaluated second, indexed by {@link Direction#ordinal()}. */
    long[] flowsPerSecond();

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

    /**
     * The busiest hosts of each of incoming and outgoing: the first {@link #TOP_HOSTS} by packets, by
     * bytes and by flows, each host once (none by default).
     */
    default List<TopHost> topHosts() {
        return List.of();
    }

    /** How many hosts per direction and sort key {@link #topHosts} takes: bounds the series a scrape has. */
    int TOP_HOSTS = 10;

    /** One busy host's averaged rates in one direction ("incoming" or "outgoing"). */
    record TopHost(String direction, String host, long pps, long bitsPerSecond, long flows) {
    }

    /** Kernel/library counters of one interface, summed over its capture threads. */
    record CaptureCounters(String interfaceName, long received, long dropped) {
    }

    /**
     * The source over a running detector: cumulative totals and unparsed packets straight from the shards
     * (fresh at every scrape), per-second totals and bans from the evaluator's last tick, and the capture
     * engines' counters summed per interface. {@code shards} and {@code sources} are read at every
     * scrape, so they may be live views that grow (the detector's).
     */
    static MetricsSource of(Collection<Cidr> networks, List<CounterShard> shards, Evaluator evaluator,
                            Collection<? extends Source> sources) {
        return new DetectorMetricsSource(shards, evaluator, sources, monitoredV4Hosts(networks));
    }

    /** Sum of the sizes of the IPv4 networks, as FastNetMon counts them (overlaps counted twice, as there). */
    static long monitoredV4Hosts(Collection<Cidr> networks) {
        long n = 0;
        for (Cidr c : networks) {
            if (c.isV4()) {
                n += 1L << (32 - c.prefixLength());
            }
        }
        return n;
    }
}
