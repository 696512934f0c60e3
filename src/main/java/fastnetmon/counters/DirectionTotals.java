package fastnetmon.counters;

import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;

/**
 * A shard's classification of packets by direction against the monitored networks, and the totals it
 * keeps on the way: by direction and IP version ({@link CounterShard#totalIndex}) and by monitored
 * network. The ints it returns are {@link Direction} ordinals (the one place they are derived for the
 * counting loops); for {@link #INCOMING} and {@link #OUTGOING} they are also the half of a host's counters.
 *
 * <p>Threading: {@link #classify} on the shard's writer thread; the reads from any thread (plain reads,
 * possibly a moment old).
 */
final class DirectionTotals {
    static final int INCOMING = Direction.INCOMING.ordinal(), OUTGOING = Direction.OUTGOING.ordinal(),
            INTERNAL = Direction.INTERNAL.ordinal(), OTHER = Direction.OTHER.ordinal();

    private final PrefixMatcher monitored;
    private final MonitoredNetworks networks;
    private final long[] totals = new long[CounterShard.TOTALS];
    /** Per monitored network: packets and bytes in, packets and bytes out; see {@link #readNetworkTotals}. */
    private final long[] networkTotals;

    DirectionTotals(MonitoredNetworks networks) {
        this.networks = networks;
        this.monitored = networks.matcher();
        // A matcher given without names may hold any values: room for each.
        this.networkTotals = new long[Math.max(1, Math.max(networks.size(), monitored.maxValue() + 1)) * 4];
    }

    /** Adds the packet to the totals and returns its direction's ordinal. */
    int classify(PacketRecord r) {
        boolean v4 = r.ipVersion == 4;
        int srcNet = v4 ? monitored.lookupV4(r.src4) : monitored.lookup(r.srcHi, r.srcLo);
        int dstNet = v4 ? monitored.lookupV4(r.dst4) : monitored.lookup(r.dstHi, r.dstLo);
        boolean srcMon = srcNet >= 0, dstMon = dstNet >= 0;
        int dir = srcMon ? (dstMon ? INTERNAL : OUTGOING) : (dstMon ? INCOMING : OTHER);
        int t = (dir * 2 + (v4 ? 0 : 1)) * 2;
        long p = r.packets, b = r.bytes;
        totals[t] += p;
        totals[t + 1] += b;
        long[] nt = networkTotals;
        if (dstMon) {
            nt[dstNet * 4] += p;
            nt[dstNet * 4 + 1] += b;
        }
        if (srcMon) {
            nt[srcNet * 4 + 2] += p;
            nt[srcNet * 4 + 3] += b;
        }
        return dir;
    }

    MonitoredNetworks networks() {
        return networks;
    }

    void readTotals(long[] dst) {
        System.arraycopy(totals, 0, dst, 0, CounterShard.TOTALS);
    }

    void readNetworkTotals(long[] dst) {
        System.arraycopy(networkTotals, 0, dst, 0, Math.min(dst.length, networkTotals.length));
    }
}
