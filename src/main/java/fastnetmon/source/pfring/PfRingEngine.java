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
 * once; {@link #run()} walks it and hands every frame to the {@link PacketCounter} without allocating.
 */
public final class PfRingEngine implements CaptureEngine {
    /** Bytes captured per packet by default: a full Ethernet frame. Counting uses the wire length. */
    public static final int DEFAULT_CAPLEN = 1518;
    public static final int MAX_CAPLEN = 65535;
    /** Packets per native call at most. */
    static final int BATCH = 1024;
    /** Longest wait inside one native call, so a stop is seen soon even without breakloop. */
    static final int WAIT_MS = 100;
    private static final int MAX_BUFFER = 4 << 20;
    private static final long STATS_EVERY_NANOS = 1_000_000_000L;

    private final String device;
    private final PacketCounter counter;
    private final ByteBuffer buf;
    private final int maxPackets;
    private final long[] stats = new long[2];
    private final Object lock = new Object();

    private long ring; // guarded by lock; 0 once closed
    private boolean running, closeRequested; // guarded by lock
    private volatile boolean stopRequested;
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

    @Override
    public void run() throws SourceException {
        long r;
        synchronized (lock) {
            if (ring == 0 || closeRequested) {
                throw new SourceException("PF_RING capture on " + device + " is closed");
            }
            if (running) {
                throw new IllegalStateException("already running");
            }
            running = true;
            r = ring;
        }
        try {
            capture(r);
        } finally {
            updateStats(r);
            synchronized (lock) {
                running = false;
                if (closeRequested) {
                    release();
                }
            }
        }
    }

    private void capture(long r) throws SourceException {
        final ByteBuffer b = buf;
        final PacketCounter c = counter;
        long nextStats = System.nanoTime() + STATS_EVERY_NANOS;
        while (!stopRequested) {
            int n = PfRingNative.recvBatch(r, b, maxPackets, WAIT_MS);
            if (n < 0) {
                if (stopRequested) {
                    break;
                }
                throw new SourceException("PF_RING receive on " + device + " failed (error " + n + ")");
            }
            c.onSecond(System.currentTimeMillis() / 1000);
            int off = 0;
            for (int i = 0; i < n; i++) {
                long ts = b.getLong(off);
                int caplen = b.getInt(off + 8);
                int len = b.getInt(off + 12);
                c.frame(PacketParser.LINKTYPE_ETHERNET, b, off + 16, caplen, len, ts);
                off += 16 + ((caplen + 7) & ~7);
            }
            c.endBatch();
            long now = System.nanoTime();
            if (now - nextStats >= 0) {
                updateStats(r);
                nextStats = now + STATS_EVERY_NANOS;
            }
        }
    }

    private void updateStats(long r) {
        if (PfRingNative.stats(r, stats) == 0) {
            received = stats[0];
            dropped = stats[1];
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
        synchronized (lock) {
            if (ring != 0) {
                PfRingNative.breakloop(ring);
            }
        }
    }

    @Override
    public String interfaceName() {
        return device;
    }

    /** Packets PF_RING delivered, as of the last statistics (about once a second, and when run() ends). */
    @Override
    public long received() {
        return received;
    }

    /** Packets PF_RING dropped for lack of room in the ring, as of the last statistics. */
    @Override
    public long dropped() {
        return dropped;
    }

    /** Stops the capture and closes the ring (at once, or when a running run() returns). */
    @Override
    public void close() {
        stop();
        synchronized (lock) {
            closeRequested = true;
            if (!running) {
                release();
            }
        }
    }

    private void release() {
        if (ring != 0) {
            long r = ring;
            ring = 0;
            PfRingNative.close(r);
        }
    }
}
