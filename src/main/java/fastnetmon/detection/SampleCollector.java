package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.SampleRing;
import fastnetmon.networks.IpAddresses;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sample packets of banned hosts, for attack_details and connection tracking: asks every counters
 * instance for a host's packets of the attack direction (also one added later), and hands each sample
 * that comes back to the ban it belongs to while that ban still collects (its flow table adds them up,
 * its details keep the first ones).
 *
 * <p>Threading: the evaluator's thread only.
 */
final class SampleCollector implements SampleRing.Visitor {
    /** Where samples go: the ban of the host collecting samples of that direction, or null. */
    interface Target {
        /** The ban that takes samples of the host in that direction, for its details or its flows, or null. */
        BanEntry collecting(int host, Direction direction);

        /** Whether the ban still collects sample packets of that direction for attack_details. */
        boolean wantsDetails(BanEntry ban, Direction direction);
    }

    private record HostKey(long hi, long lo) {
    }

    private final HostTable hosts;
    private final List<HostCounters> counters;
    private final Map<HostKey, Direction> requests = new LinkedHashMap<>();
    private final Set<HostKey> bothWays = new HashSet<>();
    private Target target;

    /** @param counters the evaluator's counters instances, read as they are at each call */
    SampleCollector(HostTable hosts, List<HostCounters> counters) {
        this.hosts = hosts;
        this.counters = counters;
    }

    void start(long hi, long lo, Direction direction) {
        HostKey k = new HostKey(hi, lo);
        requests.put(k, direction);
        bothWays.remove(k);
        for (HostCounters c : counters) {
            c.requestSamples(hi, lo, direction);
        }
    }

    /** Samples the host's packets both ways (connection tracking), until {@link #start} narrows it or {@link #stop}. */
    void startBothWays(long hi, long lo, Direction direction) {
        HostKey k = new HostKey(hi, lo);
        requests.put(k, direction);
        bothWays.add(k);
        for (HostCounters c : counters) {
            c.requestSamplesBothWays(hi, lo);
        }
    }

    void stop(long hi, long lo) {
        HostKey k = new HostKey(hi, lo);
        bothWays.remove(k);
        if (requests.remove(k) != null) {
            for (HostCounters c : counters) {
                c.requestSamples(hi, lo, null);
            }
        }
    }

    /** A counters instance joins: it samples what the others do. */
    void added(HostCounters c) {
        requests.forEach((k, d) -> {
            if (bothWays.contains(k)) {
                c.requestSamplesBothWays(k.hi(), k.lo());
            } else {
                c.requestSamples(k.hi(), k.lo(), d);
            }
        });
    }

    /** Takes the samples every counters instance collected since the last call. */
    void drain(Target to) {
        target = to;
        for (HostCounters c : counters) {
            c.drainSamples(this);
        }
        target = null;
    }

    @Override
    public void sample(long ts, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort, int protocol,
                       int tcpFlags, int ttl, boolean fragmented, long packets, int length, Direction direction) {
        sample(ts, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol, tcpFlags, ttl, fragmented, packets, length,
                direction, (long) length * packets, 0);
    }

    @Override
    public void sample(long ts, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort, int protocol,
                       int tcpFlags, int ttl, boolean fragmented, long packets, int length, Direction direction,
                       long bytes, int origin) {
        boolean in = direction == Direction.INCOMING;
        int host = hosts.find(in ? dstHi : srcHi, in ? dstLo : srcLo);
        BanEntry ban = host < 0 ? null : target.collecting(host, direction);
        if (ban == null) {
            return;
        }
        FlowTable flows = ban.flowTable();
        if (flows != null) {
            flows.add(direction, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol, packets, bytes);
        }
        if (target.wantsDetails(ban, direction)) {
            ban.addSample(new SamplePacket(ts, IpAddresses.format(srcHi, srcLo), srcPort, IpAddresses.format(dstHi, dstLo),
                    dstPort, protocol, tcpFlags, fragmented, packets, length, ttl, bytes, origin));
        }
    }
}
