package fastnetmon.source.flow;

import java.nio.ByteBuffer;

/**
 * Absolute big-endian reads for the decoders. The buffer must be in big-endian order (the decoder makes
 * sure of it) and the caller has checked the bounds: these methods check nothing beyond what ByteBuffer does.
 */
final class Wire {
    private Wire() {
    }

    static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    static int u16(ByteBuffer b, int i) {
        return b.getShort(i) & 0xffff;
    }

    static long u32(ByteBuffer b, int i) {
        return b.getInt(i) & 0xffff_ffffL;
    }

    static int i32(ByteBuffer b, int i) {
        return b.getInt(i);
    }

    static long i64(ByteBuffer b, int i) {
        return b.getLong(i);
    }

    /**
     * An unsigned integer of 1 to 8 bytes (IPFIX reduced-size encoding); longer fields give their last 8
     * bytes, a 0-length field 0.
     */
    static long unsigned(ByteBuffer b, int i, int len) {
        switch (len) {
            case 1:
                return u8(b, i);
            case 2:
                return u16(b, i);
            case 4:
                return u32(b, i);
            case 8:
                return i64(b, i);
            default:
                if (len > 8) {
                    return i64(b, i + len - 8);
                }
                long v = 0;
                for (int k = 0; k < len; k++) {
                    v = (v << 8) | u8(b, i + k);
                }
                return v;
        }
    }
}
