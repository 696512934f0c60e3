package fastnetmon.source.flow;

import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteBuffer;

import static fastnetmon.source.flow.Wire.i64;
import static fastnetmon.source.flow.Wire.u32;

/**
 * The last sFlow generic interface counters (counter record 0:1) of each interface of one exporter, turned
 * into growing totals on its {@link FlowExporter}: each sample adds what its counters grew by since the
 * previous one of the same interface (32-bit counters modulo 2^32; a counter that went back, an interface
 * reset, adds nothing). At most {@link #MAX_INTERFACES} interfaces per exporter. Decoding thread only.
 */
final class SflowInterfaces {
    static final int IN_OCTETS = 0, IN_PACKETS = 1, IN_DISCARDS = 2, IN_ERRORS = 3,
            OUT_OCTETS = 4, OUT_PACKETS = 5, OUT_DISCARDS = 6, OUT_ERRORS = 7, COUNTERS = 8;
    static final int MAX_INTERFACES = 128;
    /** The record's length: ifIndex ... ifPromiscuousMode. */
    static final int GENERIC_LENGTH = 88;

    private final Long2ObjectHashMap<long[]> last = new Long2ObjectHashMap<>();
    private final long[] now = new long[COUNTERS];

    /** Takes a generic interface counters record at {@code p} (the caller checked its 88 bytes). */
    void generic(ByteBuffer b, int p, FlowExporter ex) {
        long ifIndex = u32(b, p);
        now[IN_OCTETS] = i64(b, p + 24);
        now[IN_PACKETS] = (u32(b, p + 32) + u32(b, p + 36) + u32(b, p + 40)) & 0xffff_ffffL;
        now[IN_DISCARDS] = u32(b, p + 44);
        now[IN_ERRORS] = u32(b, p + 48);
        now[OUT_OCTETS] = i64(b, p + 56);
        now[OUT_PACKETS] = (u32(b, p + 64) + u32(b, p + 68) + u32(b, p + 72)) & 0xffff_ffffL;
        now[OUT_DISCARDS] = u32(b, p + 76);
        now[OUT_ERRORS] = u32(b, p + 80);
        long[] before = last.get(ifIndex);
        if (before == null) {
            if (last.size() >= MAX_INTERFACES) {
                return;
            }
            last.put(ifIndex, now.clone()); // the baseline: nothing to add yet
            return;
        }
        for (int i = 0; i < COUNTERS; i++) {
            boolean wide = i == IN_OCTETS || i == OUT_OCTETS;
            long grew = wide ? now[i] - before[i] : (now[i] - before[i]) & 0xffff_ffffL;
            if (wide ? grew > 0 : grew > 0 && grew < 0x8000_0000L) {
                ex.add(FlowExporter.IF_BASE + i, grew);
            }
            before[i] = now[i];
        }
    }
}
