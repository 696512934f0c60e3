package fastnetmon.cluster;

import fastnetmon.networks.IpAddresses;

import java.util.Arrays;

/**
 * Bounds-checked reads of a {@link CounterBatch}'s encoding from a byte array: every read past the end, bad
 * varint or address is a {@link CounterBatch.Malformed} saying at which byte. Threading: none; one thread.
 */
final class BatchReader {
    private final byte[] data;
    int pos;
    long hi, lo;

    BatchReader(byte[] data) {
        this.data = data;
    }

    int left() {
        return data.length - pos;
    }

    int u8() throws CounterBatch.Malformed {
        if (pos >= data.length) {
            throw new CounterBatch.Malformed("truncated at byte " + pos + " of " + data.length);
        }
        return data[pos++] & 0xff;
    }

    byte[] bytes(int n) throws CounterBatch.Malformed {
        if (n > left()) {
            throw new CounterBatch.Malformed("truncated at byte " + pos + " of " + data.length);
        }
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    long varint() throws CounterBatch.Malformed {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new CounterBatch.Malformed("varint longer than 10 bytes at byte " + pos);
    }

    long delta() throws CounterBatch.Malformed {
        long v = varint();
        if (v < 0) {
            throw new CounterBatch.Malformed("negative count at byte " + pos);
        }
        return v;
    }

    int count(int max, String what) throws CounterBatch.Malformed {
        long v = varint();
        if (v < 0 || v > max) {
            throw new CounterBatch.Malformed(what + ": " + v + " is more than the batch can hold (byte " + pos + ")");
        }
        return (int) v;
    }

    void address() throws CounterBatch.Malformed {
        int kind = u8();
        if (kind == 4) {
            if (left() < 4) {
                throw new CounterBatch.Malformed("truncated at byte " + pos + " of " + data.length);
            }
            int v4 = (data[pos] & 0xff) << 24 | (data[pos + 1] & 0xff) << 16 | (data[pos + 2] & 0xff) << 8 | (data[pos + 3] & 0xff);
            pos += 4;
            hi = 0;
            lo = IpAddresses.v4ToLo(v4);
        } else if (kind == 6) {
            if (left() < 16) {
                throw new CounterBatch.Malformed("truncated at byte " + pos + " of " + data.length);
            }
            hi = readLong();
            lo = readLong();
        } else {
            throw new CounterBatch.Malformed("address kind " + kind + " at byte " + (pos - 1) + " (4 or 6)");
        }
    }

    private long readLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (data[pos++] & 0xff);
        }
        return v;
    }
}
