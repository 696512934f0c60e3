package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.networks.IpAddresses;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The flows of one banned host, both ways, added up from its sample packets (connection tracking): TCP
 * and UDP only, as FastNetMon tracks them. Bounded: past {@link #MAX_FLOWS} distinct flows,
 * packets of new flows are left out (counted in {@link #leftOut()}); known flows still add up.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class FlowTable {
    static final int MAX_FLOWS = 16_384;

    /** A flow as FastNetMon keys it: the other end's address, the packet's source and destination ports. */
    private record Key(boolean incoming, int protocol, long remoteHi, long remoteLo, int srcPort, int dstPort) {
    }

    /**
     * FastNetMon keeps flows in a map ordered by one 64-bit word: destination port (top 16 bits), source
     * port, then the other end's IPv4 address as its bytes read little-endian. IPv6 ends (ours only) follow.
     */
    private static final Comparator<Key> FASTNETMON_ORDER = Comparator.<Key>comparingInt(Key::dstPort)
            .thenComparingInt(Key::srcPort)
            .thenComparing((a, b) -> Boolean.compare(!v4(a), !v4(b)))
            .thenComparing((a, b) -> Integer.compareUnsigned(Integer.reverseBytes((int) a.remoteLo()), Integer.reverseBytes((int) b.remoteLo())))
            .thenComparing((a, b) -> Long.compareUnsigned(a.remoteHi(), b.remoteHi()))
            .thenComparing((a, b) -> Long.compareUnsigned(a.remoteLo(), b.remoteLo()));

    private final Map<Key, long[]> flows = new HashMap<>();
    private long leftOut;

    /** Adds a sample of the host's traffic: {@code direction} is incoming or outgoing for the host. */
    void add(Direction direction, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort, int protocol,
             long packets, long bytes) {
        if ((protocol != 6 && protocol != 17) || !direction.perHost()) {
            return;
        }
        boolean in = direction == Direction.INCOMING;
        Key k = new Key(in, protocol, in ? srcHi : dstHi, in ? srcLo : dstLo, srcPort, dstPort);
        long[] c = flows.get(k);
        if (c == null) {
            if (flows.size() >= MAX_FLOWS) {
                leftOut += packets;
                return;
            }
            c = new long[2];
            flows.put(k, c);
        }
        c[0] += packets;
        c[1] += bytes;
    }

    /** Packets of flows left out because the table was full. */
    long leftOut() {
        return leftOut;
    }

    /** The list for the ban text, each direction and protocol cut after {@code detailsCount + 1} flows as FastNetMon does. */
    AttackFlows list(int detailsCount) {
        List<AttackFlows.Group> groups = new ArrayList<>(4);
        for (Direction direction : Direction.PER_HOST) {
            boolean in = direction == Direction.INCOMING;
            for (int protocol : new int[]{6, 17}) {
                List<Key> keys = new ArrayList<>();
                for (Key k : flows.keySet()) {
                    if (k.incoming() == in && k.protocol() == protocol) {
                        keys.add(k);
                    }
                }
                if (keys.isEmpty()) {
                    continue;
                }
                keys.sort(FASTNETMON_ORDER);
                int n = (int) Math.min(keys.size(), (long) detailsCount + 1);
                List<AttackFlows.Flow> shown = new ArrayList<>(n);
                for (Key k : keys.subList(0, n)) {
                    long[] c = flows.get(k);
                    shown.add(new AttackFlows.Flow(in ? k.dstPort() : k.srcPort(), IpAddresses.format(k.remoteHi(), k.remoteLo()),
                            in ? k.srcPort() : k.dstPort(), c[1], c[0]));
                }
                groups.add(new AttackFlows.Group(direction, protocol, keys.size(), shown, keys.size() > n));
            }
        }
        return new AttackFlows(groups);
    }

    private static boolean v4(Key k) {
        return k.remoteHi() == 0 && (k.remoteLo() >>> 32) == 0xffff;
    }
}
