package fastnetmon.cluster;

import fastnetmon.networks.IpAddresses;

import java.util.Arrays;

/**
 * A growable byte buffer a {@link CounterBatch} is encoded into (varints, addresses), reused batch after
 * batch. Threading: none; one thread.
 */
public final class BatchBytes {
    private byte[] buf = new byte[4096];
    private int size;

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** A copy of what was written. */
    public byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }

    private void room(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    void put(byte b) {
        room(1);
        buf[size++] = b;
    }

    void put(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    void varint(long v) {
        room(10);
        while ((v & ~0x7fL) != 0) {
            buf[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void putLong(long v) {
        room(8);
        for (int i = 7; i >= 0; i--) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void address(long hi, long lo) {
        if (IpAddresses.isV4Mapped(hi, lo)) {
            room(5);
            buf[size++] = 4;
            int v4 = (int) lo;
            buf[size++] = (byte) (v4 >>> 24);
            buf[size++] = (byte) (v4 >>> 16);
            buf[size++] = (byte) (v4 >>> 8);
            buf[size++] = (byte) v4;
        } else {
            put((byte) 6);
            putLong(hi);
            putLong(lo);
        }
    }
}
