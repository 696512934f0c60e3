package fastnetmon.source.pfring;

import fastnetmon.source.CaptureEngine;
import fastnetmon.source.SourceException;
import fastnetmon.source.PacketCounter;
import fastnetmon.packet.PacketParser;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * PF_RING capture on one interface ({@code mirror = on} / {@code pfring = on}), through the JNI binding
 * in native/. Each native call returns a batch of packets copied into one direct buffer, allocated
 * once; {@link #doWork()} walks it and hands every frame to the {@link PacketCounter} without allocating.
 * Threading: as {@link fastnetmon.source.Source}, driven by a {@link fastnetmon.source.SourceRunner}.
 */
public final class PfRingEngine implements CaptureEngine {
    /** Bytes captured per packet by default: a full Ethernet frame. Counting uses the wire length. */
    public static final int DEFAULT_CAPLEN = 1518;
    public static final int MAX_CAPLEN = 65535;
    /** Packets per native call at most. */
    static final int BATCH = 1024;
    /** Longest wait inside one native call. */
    static final int WAIT_MS = 100;
    private static final int MAX_BUFFER = 4 << 20;

    private final String device;
    private final PacketCounter counter;
    private final ByteBuffer buf;
    private final int maxPackets;
    private final long[] stats = new long[2];

    private long ring; // 0 once closed; the runner thread only
    // Written by the runner thread, read from any.
    private volatile long received, dropped;

    private PfRingEngine(String device, long ring, int caplen, PacketCounter counter) {
        this.device = device;
        this.ring = ring;
        this.counter = counter;
        int record = 16 + ((caplen + 7) & ~7);
        // room for a whole batch of full-length packets (the native side only takes a packet off the
        // ring when a full-length one still fits); with long capture lengths, batches get shorter
        int size = (int) Math.min(MAX_BUFFER, (long) record * BATCH);
        this.buf = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        this.maxPackets = BATCH;
    }

    /**
     * Opens {@code device} with the system's libpfring ({@link PfRingLibrary#system()}).
     *
     * @throws SourceException with {@value PfRingLibrary#NOT_INSTALLED} when there is no libpfring, or a
     *                          one-line reason when the binding is missing or the ring cannot be opened
     */
    public static PfRingEngine open(String device, int caplen, boolean promisc, PacketCounter counter)
            throws SourceException {
        return open(PfRingLibrary.system(), device, caplen, promisc, counter);
    }

    public static PfRingEngine open(PfRingLibrary library, String device, int caplen, boolean promisc,
                                    PacketCounter counter) throws SourceException {
        if (device == null || device.isEmpty()) {
            throw new SourceException("PF_RING: no interface given");
        }
        if (caplen < 64 || caplen > MAX_CAPLEN) {
            throw new SourceException("PF_RING: capture length " + caplen + " is outside 64.." + MAX_CAPLEN);
        }
        String[] error = new String[1];
        long ring = PfRingNative.open(library.handle, device, caplen, promisc, error);
        if (ring == 0) {
            throw new SourceException("PF_RING cannot capture on " + device + ": "
                    + PfRingNative.oneLine(error[0]));
        }
        return new PfRingEngine(device, ring, caplen, counter);
    }

    /** One native call: the packets PF_RING has (up to {@value #BATCH}), waiting up to {@value #WAIT_MS} ms. */
    @Override
    public int doWork() throws SourceException {
        if (ring == 0) {
            throw new SourceException("PF_RING capture on " + device + " is closed");
        }
        final ByteBuffer b = buf;
        final PacketCounter c = counter;
        int n = PfRingNative.recvBatch(ring, b, maxPackets, WAIT_MS);
        if (n < 0) {
            throw new SourceException("PF_RING receive on " + device + " failed (error " + n + ")");
        }
        int off = 0;
        for (int i = 0; i < n; i++) {
            long ts = b.getLong(off);
            int caplen = b.getInt(off + 8);
            int len = b.getInt(off + 12);
            c.frame(PacketParser.LINKTYPE_ETHERNET, b, off + 16, caplen, len, ts);
            off += 16 + ((caplen + 7) & ~7);
        }
        c.endBatch();
        received += n; // single writer: this thread
        return n;
    }

    /** Rolls the counters to the runner's second and reads pfring_stats. */
    @Override
    public void onSecond(long epochSecond) {
        counter.onSecond(epochSecond);
        updateStats();
    }

    private void updateStats() {
        if (ring != 0 && PfRingNative.stats(ring, stats) == 0) {
            dropped = stats[1];
        }
    }

    @Override
    public String name() {
        return device;
    }

    @Override
    public String interfaceName() {
        return device;
    }

    /** Packets PF_RING delivered to this engine, counted as they are read. */
    @Override
    public long received() {
        return received;
    }

    /** Packets PF_RING dropped for lack of room in the ring (pfring_stats drop), read once a second. */
    @Override
    public long dropped() {
        return dropped;
    }

    /** Reads the last statistics and closes the ring; once, later calls do nothing. */
    @Override
    public void close() {
        updateStats();
        release();
    }

    private void release() {
        if (ring != 0) {
            long r = ring;
            ring = 0;
            PfRingNative.close(r);
        }
    }
}
