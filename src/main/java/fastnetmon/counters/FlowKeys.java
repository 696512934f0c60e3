package fastnetmon.counters;

import fastnetmon.packet.PacketRecord;

/**
 * The 64-bit flow keys {@link FlowTracker} counts: a hash of a packet's 5-tuple and the side of the host
 * it is counted for. Static and allocation-free, for the counting loops.
 */
final class FlowKeys {
    private FlowKeys() {
    }

    /** The key of the packet's flow for the host on one side ({@link Direction#hostIndex()} of that side). */
    static long of(PacketRecord r, int dir) {
        return mix(base(r) ^ dir);
    }

    /** The flow key before its direction (bit 0) and the final mixing: {@code of(r, d) == mix(base(r) ^ d)}. */
    static long base(PacketRecord r) {
        long a, b;
        if (r.ipVersion == 4) {
            a = (r.src4 & 0xffff_ffffL) << 32 | (r.dst4 & 0xffff_ffffL);
            b = 0;
        } else {
            a = r.srcHi * 0x9E3779B97F4A7C15L + r.srcLo;
            b = r.dstHi * 0xC2B2AE3D27D4EB4FL + r.dstLo;
        }
        return a * 0xff51afd7ed558ccdL ^ b ^ ((long) r.srcPort << 40 | (long) r.dstPort << 16 | r.protocol << 1);
    }

    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }
}
