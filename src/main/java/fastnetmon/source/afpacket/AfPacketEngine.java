package fastnetmon.source.afpacket;

import fastnetmon.source.CaptureEngine;
import fastnetmon.source.SourceException;
import fastnetmon.source.PacketCounter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

import static fastnetmon.source.NativeLibC.wrap;
import static fastnetmon.source.afpacket.LinuxPacket.*;

/**
 * Live capture on one interface (or one member of a fanout group on it) with an AF_PACKET socket and
 * a TPACKET_V3 receive ring. Set-up, {@code poll()} and the once-a-second statistics are libc calls
 * through jnr-ffi ({@link PacketSocket}); the ring itself is read from Java through direct ByteBuffers over the mapped blocks,
 * with no native call and no allocation per packet.
 *
 * <p>The socket is opened, the ring mapped and the fanout group joined by {@link #open}, so set-up
 * errors (permissions, missing interface, ring too large) surface before any capture thread starts.
 * A {@link fastnetmon.source.SourceRunner} then drives it: {@link #doWork()} counts one ring block (or
 * waits for one), {@link #onSecond} rolls the counters and reads the kernel's statistics.
 *
 * <p>Threading: as {@link fastnetmon.source.Source}; the getters may be read from any thread.
 *
 * <p>On a loopback interface the kernel shows every packet twice (once sent, once received); there
 * the engine skips the sent copies (sll_pkttype PACKET_OUTGOING), so each packet counts once. On
 * other interfaces everything the socket sees is counted: a mirror port only receives, and a host
 * watching its own uplink sees its sent packets once.
 */
public final class AfPacketEngine implements CaptureEngine {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());
    /** How long doWork() waits in poll() for a block. */
    static final int POLL_MILLIS = 100;

    /** Ring and interface settings shared by all members of one interface. */
    public record Settings(String interfaceName, FanoutMode fanoutMode, int blockSize, int blockCount,
                           int blockTimeoutMillis, boolean promiscuous) {
        public Settings {
            Objects.requireNonNull(interfaceName, "interfaceName");
            Objects.requireNonNull(fanoutMode, "fanoutMode");
        }

        /** The configuration defaults: cpu fanout, 64 blocks of 1 MiB, 10 ms block timeout, promiscuous. */
        public static Settings of(String interfaceName) {
            return new Settings(interfaceName, FanoutMode.CPU, 1 << 20, 64, 10, true);
        }

        public Settings withFanoutMode(FanoutMode mode) {
            return new Settings(interfaceName, mode, blockSize, blockCount, blockTimeoutMillis, promiscuous);
        }

        public Settings withRing(int blockSize, int blockCount, int blockTimeoutMillis) {
            return new Settings(interfaceName, fanoutMode, blockSize, blockCount, blockTimeoutMillis, promiscuous);
        }

        public Settings withPromiscuous(boolean on) {
            return new Settings(interfaceName, fanoutMode, blockSize, blockCount, blockTimeoutMillis, on);
        }

        long ringLength() {
            return (long) blockSize * blockCount;
        }

        String ringText() {
            return blockCount + " blocks of " + blockSize + " bytes = " + (ringLength() >> 20) + " MiB";
        }

        void check() throws SourceException {
            int page = 4096;
            if (blockSize < page || blockSize % page != 0) {
                throw new SourceException("af_packet_block_size " + blockSize + " must be a multiple of the page size (" + page + ")");
            }
            if (blockCount < 2) {
                throw new SourceException("af_packet_block_count " + blockCount + " must be at least 2");
            }
            if (ringLength() >= 1L << 32) {
                throw new SourceException("the AF_PACKET ring (" + ringText() + ") must stay under 4 GiB per thread:"
                        + " lower af_packet_block_count or af_packet_block_size");
            }
            if (blockTimeoutMillis < 1) {
                throw new SourceException("af_packet_block_timeout " + blockTimeoutMillis + " must be at least 1 ms");
            }
        }
    }

    private final Settings settings;
    private final int fanoutGroup;
    private final PacketCounter counter;
    private final int linkType;
    private final boolean skipOutgoing;
    private final PacketSocket socket;
    private final ByteBuffer[] blocks;       // one BIG_ENDIAN view per ring block (packet bytes are network order)
    private final long ringAddress;
    private final long[] statistics = new long[3];

    private final String name;
    private int current;                     // the ring block to read next (runner thread)

    // Written by the runner thread only, read from any.
    private volatile long received;
    private volatile long dropped;
    private volatile long kernelPackets;
    private volatile long freezes;
    private volatile long outgoingSkipped;

    private AfPacketEngine(Settings s, int fanoutGroup, String sourceName, PacketCounter counter) throws SourceException {
        this.settings = s;
        this.name = sourceName;
        this.fanoutGroup = fanoutGroup;
        this.counter = Objects.requireNonNull(counter, "counter");
        s.check();
        PacketSocket socket = new PacketSocket(s.interfaceName());
        long address = 0;
        ByteBuffer[] blocks;
        try {
            address = socket.mapRing(s);
            socket.bind();
            if (s.promiscuous()) {
                socket.promiscuous();
            }
            if (fanoutGroup >= 0) {
                socket.joinFanout(s.fanoutMode(), fanoutGroup);
            }
            blocks = new ByteBuffer[s.blockCount()];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = wrap(address + (long) i * s.blockSize(), s.blockSize()).order(ByteOrder.BIG_ENDIAN);
            }
        } catch (SourceException | RuntimeException e) {
            if (address != 0) {
                socket.unmap(address, s.ringLength());
            }
            socket.close();
            throw e;
        }
        this.socket = socket;
        this.linkType = socket.linkType();
        this.skipOutgoing = socket.loopback();
        this.ringAddress = address;
        this.blocks = blocks;
    }

    /**
     * Opens one capture socket on an interface.
     *
     * @param fanoutGroup the PACKET_FANOUT group id (0..65535) this socket joins, shared by all members on
     *                    one interface and unique among the groups on the machine; -1 for no fanout
     */
    public static AfPacketEngine open(Settings settings, int fanoutGroup, PacketCounter counter) throws SourceException {
        if (fanoutGroup < -1 || fanoutGroup > 0xffff) {
            throw new IllegalArgumentException("fanout group id must be -1 (none) or 0..65535: " + fanoutGroup);
        }
        return new AfPacketEngine(settings, fanoutGroup, settings.interfaceName(), counter);
    }

    /**
     * Opens {@code count} members of one fanout group on an interface, member {@code i} counting with
     * {@code counters.apply(i)}; with one member there is no fanout group. Each member needs its own
     * {@link fastnetmon.source.SourceRunner}. Member {@code i} is named "IF#i". On failure the members opened so far are closed.
     */
    public static List<AfPacketEngine> members(Settings settings, int count, int fanoutGroup,
                                               IntFunction<PacketCounter> counters) throws SourceException {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one member: " + count);
        }
        List<AfPacketEngine> list = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                if (fanoutGroup < -1 || fanoutGroup > 0xffff) {
                    throw new IllegalArgumentException("fanout group id must be -1 (none) or 0..65535: " + fanoutGroup);
                }
                list.add(new AfPacketEngine(settings, count > 1 ? fanoutGroup : -1,
                        settings.interfaceName() + "#" + i, counters.apply(i)));
            }
        } catch (SourceException | RuntimeException e) {
            list.forEach(AfPacketEngine::close);
            throw e;
        }
        return list;
    }

    /**
     * A fanout group id for the {@code ordinal}-th captured interface of this process, as FastNetMon
     * picks them: from the process id, so two detectors on one machine do not join each other's group.
     */
    public static int fanoutGroupFor(int ordinal) {
        return (int) ((ProcessHandle.current().pid() + ordinal) & 0xffff);
    }

    // ---- capture (the source's runner thread) ----

    /**
     * Counts the next ring block if the kernel has handed it over and returns how many packets it held;
     * else waits for it in {@code poll()} up to {@value #POLL_MILLIS} ms and returns 0.
     */
    @Override
    public int doWork() throws SourceException {
        if (socket.closed()) {
            throw new SourceException("capture on " + settings.interfaceName() + " was already closed");
        }
        ByteBuffer b = blocks[current];
        if (((int) INT.getAcquire(b, BLOCK_STATUS) & TP_STATUS_USER) == 0) {
            // Count a block that arrives during the wait in the next round, after the runner has
            // looked at the clock: a block is counted in the second it was read in.
            socket.waitForData(POLL_MILLIS);
            return 0;
        }
        final PacketCounter pc = counter;
        final int link = linkType;
        final boolean skipOut = skipOutgoing;
        final int blockSize = settings.blockSize();
        int handled = 0, skipped = 0;
        int packets = (int) INT.get(b, BLOCK_NUM_PKTS);
        int off = (int) INT.get(b, BLOCK_OFFSET_TO_FIRST_PKT);
        for (int i = 0; i < packets; i++) {
            if (off <= 0 || off > blockSize - 68) {
                break; // not a valid header position: give the rest of the block up rather than misread
            }
            int snap = (int) INT.get(b, off + TP_SNAPLEN);
            int mac = (short) SHORT.get(b, off + TP_MAC) & 0xffff;
            if (skipOut && (b.get(off + TP_SLL_PKTTYPE) & 0xff) == PACKET_OUTGOING) {
                skipped++;
            } else if (off + mac + snap <= blockSize) {
                long ts = ((int) INT.get(b, off + TP_SEC) & 0xffff_ffffL) * 1_000_000_000L
                        + ((int) INT.get(b, off + TP_NSEC) & 0xffff_ffffL);
                pc.frame(link, b, off + mac, snap, (int) INT.get(b, off + TP_LEN), ts);
                handled++;
            }
            int next = (int) INT.get(b, off + TP_NEXT_OFFSET);
            if (next <= 0) {
                break;
            }
            off += next;
        }
        INT.setRelease(b, BLOCK_STATUS, TP_STATUS_KERNEL);
        pc.endBatch();
        received += handled;       // single writer: this thread
        outgoingSkipped += skipped;
        current = current + 1 == blocks.length ? 0 : current + 1;
        return Math.max(1, handled); // a block given back is work done, even if all its packets were skipped
    }

    /** Rolls the counters to the runner's second and reads the kernel's statistics. */
    @Override
    public void onSecond(long epochSecond) {
        counter.onSecond(epochSecond);
        readStatistics();
    }

    /** Adds the kernel's counters since the last read (reading resets them). */
    private void readStatistics() {
        if (socket.readStatistics(statistics)) {
            kernelPackets += statistics[0]; // includes the drops
            dropped += statistics[1];
            freezes += statistics[2];
        }
    }

    /** "eth3", or "eth3#1" for fanout member 1 ({@link #interfaceName()} for both). */
    @Override
    public String name() {
        return name;
    }

    @Override
    public String interfaceName() {
        return settings.interfaceName();
    }

    /** Packets read from the ring and handed to the counter (parsed or not); on loopback without the sent copies. */
    @Override
    public long received() {
        return received;
    }

    /** Packets the kernel dropped because the ring was full (PACKET_STATISTICS tp_drops, summed); read once a second. */
    @Override
    public long dropped() {
        return dropped;
    }

    /** Packets the kernel saw for this socket, drops and loopback's sent copies included (tp_packets, summed). */
    public long kernelPackets() {
        return kernelPackets;
    }

    /** Times the ring was full and the kernel froze the queue (tp_freeze_q_cnt, summed). */
    public long freezes() {
        return freezes;
    }

    /** Sent copies skipped on a loopback interface. */
    public long outgoingSkipped() {
        return outgoingSkipped;
    }

    public int fanoutGroup() {
        return fanoutGroup;
    }

    public Settings settings() {
        return settings;
    }

    /** The pcap link type the frames are parsed as. */
    public int linkType() {
        return linkType;
    }

    /**
     * Reads the last statistics, unmaps the ring and closes the socket, which also drops the promiscuous
     * membership and leaves the fanout group. On the runner's thread (or before any runner), once; later
     * calls do nothing.
     */
    @Override
    public void close() {
        if (socket.closed()) {
            return;
        }
        readStatistics();
        socket.unmap(ringAddress, settings.ringLength());
        socket.close();
    }

    @Override
    public String toString() {
        return "AF_PACKET " + name + (fanoutGroup >= 0 ? " fanout " + fanoutGroup + " " + settings.fanoutMode().configName() : "");
    }
}
