package fastnetmon.cluster;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.networks.IpAddresses;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The hosts whose sample packets the aggregator wants (the hash {@link ClusterSettings#sampleRequestsKey()}:
 * field the host's address as text, value the direction flags in decimal, bit
 * {@link Direction#hostIndex()} of each direction), passed on to every counters instance: a request new
 * or changed since the previous {@link #update} to all of them, one no longer listed stopped, and all
 * requests to an instance seen for the first time. Fields that are not an address are ignored.
 *
 * <p>Threading: one thread (the publisher's, the counters' reader).
 */
final class SensorSampleRequests {

    private record Host(long hi, long lo) {
    }

    private Map<Host, Integer> wanted = new HashMap<>();
    private final Set<HostCounters> told = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Takes the hash's current content (null: unknown now, nothing changes) and tells every instance. */
    void update(Map<byte[], byte[]> hash, Iterable<? extends HostCounters> counters) {
        tellNew(counters);
        if (hash == null) {
            return;
        }
        Map<Host, Integer> now = new HashMap<>();
        for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
            long[] a = IpAddresses.parse(new String(e.getKey(), StandardCharsets.UTF_8));
            int flags = flags(e.getValue());
            if (a != null && flags != 0) {
                now.put(new Host(a[0], a[1]), flags);
            }
        }
        for (Map.Entry<Host, Integer> e : now.entrySet()) {
            if (!e.getValue().equals(wanted.get(e.getKey()))) {
                for (HostCounters c : counters) {
                    request(c, e.getKey(), e.getValue());
                }
            }
        }
        for (Host h : wanted.keySet()) {
            if (!now.containsKey(h)) {
                for (HostCounters c : counters) {
                    request(c, h, 0);
                }
            }
        }
        wanted = now;
    }

    /** Gives the current requests to the instances not told yet. */
    void tellNew(Iterable<? extends HostCounters> counters) {
        for (HostCounters c : counters) {
            if (told.add(c)) {
                wanted.forEach((h, flags) -> request(c, h, flags));
            }
        }
    }

    /** Hosts sampled now. */
    int size() {
        return wanted.size();
    }

    private static int flags(byte[] value) {
        try {
            return Integer.parseInt(new String(value, StandardCharsets.UTF_8).trim()) & WantedSamples.BOTH_WAYS;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void request(HostCounters c, Host h, int flags) {
        // The flags as the aggregator's WantedSamples writes them.
        if (flags == WantedSamples.BOTH_WAYS) {
            c.requestSamplesBothWays(h.hi(), h.lo());
        } else if (flags == WantedSamples.flags(Direction.INCOMING)) {
            c.requestSamples(h.hi(), h.lo(), Direction.INCOMING);
        } else if (flags == WantedSamples.flags(Direction.OUTGOING)) {
            c.requestSamples(h.hi(), h.lo(), Direction.OUTGOING);
        } else {
            c.requestSamples(h.hi(), h.lo(), null);
        }
    }
}
