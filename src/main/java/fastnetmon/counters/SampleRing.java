package fastnetmon.counters;

import fastnetmon.packet.PacketRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Single-producer single-consumer ring of packet samples, in primitive arrays: the capture thread
 * copies the fields of a packet of a host under attack into it without allocating; the evaluator
 * drains it. When full, new samples are dropped (and counted).
 */
public final class SampleRing {
    private static final VarHandle HEAD, TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(SampleRing.class, "head", long.class);
            TAIL = l.findVarHandle(SampleRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    final long[] timestamp, srcHi, srcLo, dstHi, dstLo, packets, bytes;
    /** protocol << 24 | tcpFlags << 16 | ttl << 8 | origin << 1 | fragmented; */
    final int[] meta;
    final int[] ports;
    final int[] length;
    /** Which way the packet goes for the sampled host: the {@link Direction}'s ordinal. */
    final byte[] direction;
    @SuppressWarnings("unused") private volatile long head; // next to write (producer)
    @SuppressWarnings("unused") private volatile long tail; // next to read (consumer)
    private long dropped;

    public SampleRing(int capacityLog2) {
        int n = 1 << capacityLog2;
        mask = n - 1;
        timestamp = new long[n];
        srcHi = new long[n];
        srcLo = new long[n];
        dstHi = new long[n];
        dstLo = new long[n];
        packets = new long[n];
        bytes = new long[n];
        meta = new int[n];
        ports = new int[n];
        length = new int[n];
        direction = new byte[n];
    }

    /** Producer side. */
    void offer(PacketRecord r, Direction dir) {
        long h = (long) HEAD.getOpaque(this);
        if (h - (long) TAIL.getAcquire(this) > mask) {
            dropped++;
            return;
        }
        int i = (int) h & mask;
        timestamp[i] = r.timestampNanos;
        srcHi[i] = r.srcHi;
        srcLo[i] = r.srcLo;
        dstHi[i] = r.dstHi;
        dstLo[i] = r.dstLo;
        packets[i] = r.packets;
        bytes[i] = r.bytes;
        meta[i] = r.protocol << 24 | (r.tcpFlags & 0xff) << 16 | (r.ttl & 0xff) << 8 | (r.origin & 7) << 1 | (r.fragmented ? 1 : 0);
        ports[i] = r.srcPort << 16 | (r.dstPort & 0xffff);
        length[i] = r.length;
        direction[i] = (byte) dir.ordinal();
        HEAD.setRelease(this, h + 1);
    }

    /** Consumer side: the samples written since the last drain, handed one at a time to the visitor. */
    public void drain(Visitor v) {
        long t = (long) TAIL.getOpaque(this);
        long h = (long) HEAD.getAcquire(this);
        for (; t < h; t++) {
            int i = (int) t & mask;
            int m = meta[i];
            v.sample(timestamp[i], srcHi[i], srcLo[i], dstHi[i], dstLo[i], ports[i] >>> 16, ports[i] & 0xffff,
                    m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, (m & 1) != 0, packets[i], length[i], Direction.of(direction[i]),
                    bytes[i], (m >>> 1) & 7);
        }
        TAIL.setRelease(this, h);
    }

    public long dropped() {
        return dropped;
    }

    @FunctionalInterface
    public interface Visitor {
        void sample(long timestampNanos, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort,
                    int protocol, int tcpFlags, int ttl, boolean fragmented, long packets, int length, Direction direction);

        /**
         * What the ring calls: the sample with the bytes it stands for and its {@link PacketRecord#origin}
         * (a flow record's protocol, or a captured packet). Visitors that need them override this one.
         */
        default void sample(long timestampNanos, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort,
                            int protocol, int tcpFlags, int ttl, boolean fragmented, long packets, int length,
                            Direction direction, long bytes, int origin) {
            sample(timestampNanos, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol, tcpFlags, ttl, fragmented,
                    packets, length, direction);
        }
    }
}
