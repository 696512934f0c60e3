package fastnetmon.counters;

import fastnetmon.packet.PacketRecord;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The abuse sensors' hand-off from one source thread: the records a sensor would count ({@link Filter},
 * the sensors' own rule: our hosts opening connections, sending small UDP) copied into a bounded single-producer ring
 * that the sensor thread drains. It never blocks and allocates nothing: when the ring is full the
 * record is dropped and counted ({@link #dropped}), so sensors under overload fall behind, never capture.
 *
 * <p>Threading: {@link #offer} on the one source thread that owns it; {@link #drain} on the one sensor
 * thread; the counters on any thread.
 */
public final class SensorTap {
    /** Bytes of one record in the ring: 7 longs and 8 ints. */
    static final int RECORD = 7 * 8 + 8 * 4;
    private static final int MSG_TYPE = 1;

    private final Filter filter;
    private final Observers observers;
    private final OneToOneRingBuffer ring; // null: direct
    private final AtomicBuffer claimBuffer;
    private final Handler direct; // a replay's sensors, called on the source's own thread: nothing lost, same order
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param filter        which records a sensor would count (called on the source's thread: no allocation, no lock)
     * @param observers     where the names of what saw the records are numbered
     * @param capacityBytes the ring's size, a power of two (each record takes {@value #RECORD} bytes and a header)
     */
    public SensorTap(Filter filter, Observers observers, int capacityBytes) {
        this.filter = filter;
        this.observers = observers;
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.claimBuffer = ring.buffer();
        this.direct = null;
    }

    /**
     * A hand-off with no ring: {@link #offer} calls {@code sensors} at once on the source's thread. For a
     * replay, whose one thread reads, counts and evaluates: every record is seen, in order, deterministically.
     */
    public SensorTap(Filter filter, Observers observers, Handler sensors) {
        this.filter = filter;
        this.observers = observers;
        this.ring = null;
        this.claimBuffer = null;
        this.direct = sensors;
    }

    /** Which records the sensors would count. Threading: any thread; no allocation, no lock. */
    public interface Filter {
        boolean wants(PacketRecord r);
    }

    /** Hands the record (seen by {@code observer}, an {@link Observers} id) to the sensors if they may want it. */
    public void offer(PacketRecord r, int observer) {
        if (!filter.wants(r)) {
            return;
        }
        offered.lazySet(offered.get() + 1);
        if (direct != null) {
            direct.onRecord(r, observer);
            return;
        }
        int at = ring.tryClaim(MSG_TYPE, RECORD);
        if (at <= 0) {
            dropped.lazySet(dropped.get() + 1);
            return;
        }
        AtomicBuffer b = claimBuffer;
        b.putLong(at, r.timestampNanos);
        b.putLong(at + 8, r.srcHi);
        b.putLong(at + 16, r.srcLo);
        b.putLong(at + 24, r.dstHi);
        b.putLong(at + 32, r.dstLo);
        b.putLong(at + 40, r.packets);
        b.putLong(at + 48, r.bytes);
        b.putInt(at + 56, r.srcPort);
        b.putInt(at + 60, r.dstPort);
        b.putInt(at + 64, r.protocol);
        b.putInt(at + 68, r.tcpFlags);
        b.putInt(at + 72, observer);
        b.putInt(at + 76, r.origin); // a flow record is judged by its flags as a flow, not as one packet
        b.putInt(at + 80, r.ipLength);
        b.putInt(at + 84, r.length);
        ring.commit(at);
    }

    /** What the sensor thread is given for each record: a flyweight refilled for every record (read, never keep). */
    public interface Handler {
        void onRecord(PacketRecord r, int observer);
    }

    /**
     * Reads up to {@code max} records into {@code into} (overwritten for each) and hands each to
     * {@code handler}; returns how many.
     */
    public int drain(PacketRecord into, Handler handler, int max) {
        if (ring == null) {
            return 0;
        }
        return ring.read((type, buffer, at, length) -> {
            into.timestampNanos = buffer.getLong(at);
            long srcHi = buffer.getLong(at + 8), srcLo = buffer.getLong(at + 16);
            long dstHi = buffer.getLong(at + 24), dstLo = buffer.getLong(at + 32);
            if (srcHi == 0 && (srcLo >>> 32) == 0xffffL && dstHi == 0 && (dstLo >>> 32) == 0xffffL) {
                into.setIpv4((int) srcLo, (int) dstLo);
            } else {
                into.setIpv6(srcHi, srcLo, dstHi, dstLo);
            }
            into.packets = buffer.getLong(at + 40);
            into.bytes = buffer.getLong(at + 48);
            into.srcPort = buffer.getInt(at + 56);
            into.dstPort = buffer.getInt(at + 60);
            into.protocol = buffer.getInt(at + 64);
            into.tcpFlags = buffer.getInt(at + 68);
            into.origin = buffer.getInt(at + 76);
            into.ipLength = buffer.getInt(at + 80);
            into.length = buffer.getInt(at + 84);
            handler.onRecord(into, buffer.getInt(at + 72));
        }, max);
    }

    /** Where the sources number their observers' names (a capture interface, an exporter's address). */
    public Observers observers() {
        return observers;
    }

    /** Records handed over or dropped so far (those a sensor may want). */
    public long offered() {
        return offered.get();
    }

    /** Records dropped because the ring was full. */
    public long dropped() {
        return dropped.get();
    }
}
