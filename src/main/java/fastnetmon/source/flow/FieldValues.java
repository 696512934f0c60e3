package fastnetmon.source.flow;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Where the fields of the current data record are: points at a record through its {@link Template}'s plan
 * (fixed templates: no work at all; variable ones: one walk over the record) and reads slots. Reused for
 * every record; decoding thread only.
 */
final class FieldValues {
    private final int[] walkOffset = new int[Fields.SLOTS], walkLength = new int[Fields.SLOTS];
    private ByteBuffer b;
    private int base;
    private int[] offset, length;

    /**
     * Points at the record starting at {@code p} (the caller checked {@code end - p >= t.minLength});
     * returns where the record ends, or -1 when a variable-length field runs past {@code end}.
     */
    int at(ByteBuffer buf, int p, int end, Template t) {
        b = buf;
        base = p;
        if (!t.variable) {
            offset = t.slotOffset;
            length = t.slotLength;
            return p + t.minLength;
        }
        Arrays.fill(walkOffset, -1);
        offset = walkOffset;
        length = walkLength;
        for (int i = 0, n = t.fieldCount(); i < n; i++) {
            int len = t.length(i);
            if (len == Template.VARIABLE) { // RFC 7011 7: one length byte, or 255 and two more
                if (p >= end) {
                    return -1;
                }
                len = Wire.u8(b, p++);
                if (len == 255) {
                    if (end - p < 2) {
                        return -1;
                    }
                    len = Wire.u16(b, p);
                    p += 2;
                }
            }
            if (len > end - p) {
                return -1;
            }
            int slot = t.fieldSlot[i];
            if (slot != Fields.NONE && walkOffset[slot] < 0 && Fields.validLength(slot, len)) {
                walkOffset[slot] = p - base;
                walkLength[slot] = len;
            }
            p += len;
        }
        return p;
    }

    boolean has(int slot) {
        return offset[slot] >= 0;
    }

    /** The slot's unsigned value (1 to 8 bytes), or {@code absent} when the record has no such field. */
    long get(int slot, long absent) {
        int o = offset[slot];
        return o < 0 ? absent : Wire.unsigned(b, base + o, length[slot]);
    }

    /** The slot's field length (the slot must be present). */
    int length(int slot) {
        return length[slot];
    }

    /** A 4-byte field (IPv4 address). */
    int int32(int slot) {
        return Wire.i32(b, base + offset[slot]);
    }

    /** Bytes {@code 8*k .. 8*k+7} of a 16-byte field (IPv6 address). */
    long long64(int slot, int k) {
        return Wire.i64(b, base + offset[slot] + 8 * k);
    }
}
