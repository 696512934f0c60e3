package fastnetmon.source.afpacket;

import fastnetmon.source.CaptureEngine;
import fastnetmon.source.SourceException;
import fastnetmon.source.PacketCounter;
import fastnetmon.packet.PacketParser;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

import static fastnetmon.source.afpacket.LinuxPacket.*;

/**
 * Live capture on one interface (or one member of a fanout group on it) with an AF_PACKET socket and
 * a TPACKET_V3 receive ring. Set-up, {@code poll()} and the once-a-second statistics are libc calls
 * through jnr-ffi; the ring itself is read from Java through direct ByteBuffers over the mapped blocks,
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
    private static final Logger log = LoggerFactory.getLogger(AfPacketEngine.class);
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
    }

    private final Settings settings;
    private final int fanoutGroup;
    private final PacketCounter counter;
    private final int linkType;
    private final boolean skipOutgoing;
    private final int ifindex;
    private final Pointer scratch;           // pollfd at 0, optlen at 8, tpacket_stats_v3 / SO_ERROR at 16, set-up arguments at 32
    private final Pointer optLength, optValue, setupArg;
    private final ByteBuffer[] blocks;       // one BIG_ENDIAN view per ring block (packet bytes are network order)
    private final Pointer ringMemory;
    private final long ringLength;
    private int fd;

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
        String name = s.interfaceName();
        checkRing(s);
        if (name.isEmpty() || name.length() > 15 || name.indexOf('/') >= 0 || name.indexOf(' ') >= 0) {
            throw new SourceException("interface " + name + " does not exist (not a valid interface name)");
        }
        LibC c = libc();
        int index = c.if_nametoindex(name);
        if (index == 0) {
            throw new SourceException("interface " + name + " does not exist");
        }
        this.ifindex = index;
        if (!isUp(name)) {
            throw new SourceException("interface " + name + " is down: bring it up first (ip link set " + name + " up)");
        }
        int hwType = hardwareType(name);
        this.linkType = linkTypeOf(hwType);
        this.skipOutgoing = hwType == ARPHRD_LOOPBACK;
        this.scratch = Memory.allocateDirect(runtime(), 64, true);
        this.optLength = scratch.slice(8);
        this.optValue = scratch.slice(16);
        this.setupArg = scratch.slice(32);

        // Protocol 0: the socket receives nothing until bind() names the interface, so no packet of
        // another interface lands in the ring in between.
        fd = c.socket(AF_PACKET, SOCK_RAW, 0);
        if (fd < 0) {
            int e = errno();
            if (e == EPERM || e == EACCES) {
                throw new SourceException("capturing on " + name + " needs CAP_NET_RAW (and CAP_NET_ADMIN for"
                        + " promiscuous mode): run as root or grant them with setcap cap_net_raw,cap_net_admin+eip "
                        + javaBinary());
            }
            if (e == EAFNOSUPPORT) {
                throw new SourceException("this kernel has no AF_PACKET sockets (CONFIG_PACKET): use pcap or a flow collector instead");
            }
            throw new SourceException("cannot open an AF_PACKET socket for " + name + ": " + strerror(e));
        }
        Pointer mapped = null;
        ByteBuffer[] blocks;
        try {
            setInt(PACKET_VERSION, TPACKET_V3, "TPACKET_V3 is not supported by this kernel (needs Linux 3.2 or later)");
            setRing(s);
            long length = (long) s.blockSize() * s.blockCount();
            mapped = c.mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (mapped == null || mapped.address() == -1L) {
                mapped = null;
                int e = errno();
                throw new SourceException("cannot map the " + ringText(s) + " ring for " + name + " (" + strerror(e)
                        + "): lower af_packet_block_count or af_packet_block_size");
            }
            bind(name);
            if (s.promiscuous()) {
                promiscuous(name);
            }
            if (fanoutGroup >= 0) {
                joinFanout(name, s.fanoutMode(), fanoutGroup);
            }
            long address = mapped.address();
            blocks = new ByteBuffer[s.blockCount()];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = wrap(address + (long) i * s.blockSize(), s.blockSize()).order(ByteOrder.BIG_ENDIAN);
            }
        } catch (SourceException | RuntimeException e) {
            if (mapped != null) {
                c.munmap(mapped, (long) s.blockSize() * s.blockCount());
            }
            c.close(fd);
            fd = -1;
            throw e;
        }
        this.ringMemory = mapped;
        this.ringLength = (long) s.blockSize() * s.blockCount();
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
        if (fd < 0) {
            throw new SourceException("capture on " + settings.interfaceName() + " was already closed");
        }
        ByteBuffer b = blocks[current];
        if (((int) INT.getAcquire(b, BLOCK_STATUS) & TP_STATUS_USER) == 0) {
            // Count a block that arrives during the wait in the next round, after the runner has
            // looked at the clock: a block is counted in the second it was read in.
            waitForBlock();
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

    /** poll() until the next block may be ready, an error needs handling, or POLL_MILLIS pass. */
    private void waitForBlock() throws SourceException {
        Pointer p = scratch;
        p.putInt(0, fd);
        p.putShort(4, (short) (POLLIN | POLLERR));
        p.putShort(6, (short) 0);
        int r = libc().poll(p, 1, POLL_MILLIS);
        if (r < 0) {
            int e = errno();
            if (e != EINTR) {
                throw new SourceException("poll() on the capture socket of " + settings.interfaceName() + " failed: " + strerror(e));
            }
            return;
        }
        short revents = p.getShort(6);
        if ((revents & (POLLERR | POLLNVAL)) != 0) {
            socketError();
        }
    }

    /** The kernel flags ENETDOWN when the interface goes down (and captures again once it is up). */
    private void socketError() throws SourceException {
        optLength.putInt(0, 4);
        int r = libc().getsockopt(fd, SOL_SOCKET, SO_ERROR, optValue, optLength); // reading clears it
        int err = r == 0 ? optValue.getInt(0) : errno();
        String name = settings.interfaceName();
        if (libc().if_nametoindex(name) != ifindex) {
            throw new SourceException("interface " + name + " was removed while capturing on it");
        }
        if (err == ENETDOWN) {
            log.warn("interface {} is down; capture resumes when it comes up", name);
        } else if (err != 0) {
            log.warn("capture socket on {} reported: {}", name, strerror(err));
        }
        try {
            Thread.sleep(10); // an error that keeps coming back must not spin the loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds the kernel's counters since the last read (reading resets them). */
    private void readStatistics() {
        if (fd < 0) {
            return;
        }
        optLength.putInt(0, 12);
        if (libc().getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, optValue, optLength) == 0) {
            kernelPackets += optValue.getInt(0) & 0xffff_ffffL; // includes the drops
            dropped += optValue.getInt(4) & 0xffff_ffffL;
            freezes += optValue.getInt(8) & 0xffff_ffffL;
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
        if (fd < 0) {
            return;
        }
        readStatistics();
        libc().munmap(ringMemory, ringLength);
        libc().close(fd);
        fd = -1;
    }

    // ---- set-up ----

    private static void checkRing(Settings s) throws SourceException {
        int page = 4096;
        if (s.blockSize() < page || s.blockSize() % page != 0) {
            throw new SourceException("af_packet_block_size " + s.blockSize() + " must be a multiple of the page size (" + page + ")");
        }
        if (s.blockCount() < 2) {
            throw new SourceException("af_packet_block_count " + s.blockCount() + " must be at least 2");
        }
        if ((long) s.blockSize() * s.blockCount() >= 1L << 32) {
            throw new SourceException("the AF_PACKET ring (" + ringText(s) + ") must stay under 4 GiB per thread:"
                    + " lower af_packet_block_count or af_packet_block_size");
        }
        if (s.blockTimeoutMillis() < 1) {
            throw new SourceException("af_packet_block_timeout " + s.blockTimeoutMillis() + " must be at least 1 ms");
        }
    }

    private static String ringText(Settings s) {
        return s.blockCount() + " blocks of " + s.blockSize() + " bytes = "
                + ((long) s.blockSize() * s.blockCount() >> 20) + " MiB";
    }

    private void setInt(int option, int value, String unsupported) throws SourceException {
        scratch.putInt(32, value);
        if (libc().setsockopt(fd, SOL_PACKET, option, setupArg, 4) != 0) {
            int e = errno();
            throw new SourceException(e == EINVAL || e == ENOPROTOOPT ? unsupported
                    : "setting up the capture socket on " + settings.interfaceName() + " failed: " + strerror(e));
        }
    }

    private void setRing(Settings s) throws SourceException {
        Pointer p = setupArg;
        p.putInt(0, s.blockSize());                                   // tp_block_size
        p.putInt(4, s.blockCount());                                  // tp_block_nr
        p.putInt(8, FRAME_SIZE);                                      // tp_frame_size
        p.putInt(12, s.blockSize() / FRAME_SIZE * s.blockCount());    // tp_frame_nr
        p.putInt(16, s.blockTimeoutMillis());                         // tp_retire_blk_tov
        p.putInt(20, 0);                                              // tp_sizeof_priv
        p.putInt(24, 0);                                              // tp_feature_req_word
        if (libc().setsockopt(fd, SOL_PACKET, PACKET_RX_RING, p, 28) != 0) {
            int e = errno();
            String name = s.interfaceName();
            if (e == ENOMEM) {
                throw new SourceException("not enough memory for the AF_PACKET ring on " + name + " (" + ringText(s)
                        + " per thread): lower af_packet_block_count, af_packet_block_size or af_packet_threads");
            }
            if (e == EINVAL) {
                throw new SourceException("the kernel refused the AF_PACKET ring on " + name + " (" + ringText(s)
                        + "): make af_packet_block_size a power of two and lower af_packet_block_count");
            }
            throw new SourceException("cannot set up the AF_PACKET ring on " + name + ": " + strerror(e));
        }
    }

    private void bind(String name) throws SourceException {
        Pointer a = setupArg;
        a.putShort(0, (short) AF_PACKET);                                          // sll_family
        a.putByte(2, (byte) (ETH_P_ALL >> 8));                                     // sll_protocol, network order
        a.putByte(3, (byte) ETH_P_ALL);
        a.putInt(4, ifindex);                                                      // sll_ifindex
        a.putLong(8, 0);                                                           // hatype, pkttype, halen, addr
        a.putInt(16, 0);
        if (libc().bind(fd, a, 20) != 0) {
            int e = errno();
            if (e == ENODEV || e == ENXIO) {
                throw new SourceException("interface " + name + " does not exist");
            }
            throw new SourceException("cannot bind the capture socket to " + name + ": " + strerror(e));
        }
    }

    private void promiscuous(String name) throws SourceException {
        Pointer m = setupArg;
        m.putInt(0, ifindex);                      // mr_ifindex
        m.putShort(4, (short) PACKET_MR_PROMISC);  // mr_type
        m.putShort(6, (short) 0);                  // mr_alen
        m.putLong(8, 0);                           // mr_address
        if (libc().setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, m, 16) != 0) {
            int e = errno();
            if (e == EPERM || e == EACCES) {
                throw new SourceException("promiscuous mode on " + name + " needs CAP_NET_ADMIN: run as root or grant it"
                        + " with setcap cap_net_raw,cap_net_admin+eip " + javaBinary());
            }
            throw new SourceException("cannot put " + name + " in promiscuous mode: " + strerror(e));
        }
    }

    private void joinFanout(String name, FanoutMode mode, int group) throws SourceException {
        scratch.putInt(32, group | mode.kernelType() << 16);
        if (libc().setsockopt(fd, SOL_PACKET, PACKET_FANOUT, setupArg, 4) != 0) {
            int e = errno();
            if (e == EINVAL || e == ENOPROTOOPT) {
                throw new SourceException("cannot join AF_PACKET fanout group " + group + " on " + name + " in mode "
                        + mode.configName() + ": the kernel does not support this mirror_af_packet_fanout_mode,"
                        + " or another capture uses group " + group + " with other settings");
            }
            if (e == ENOSPC) {
                throw new SourceException("AF_PACKET fanout group " + group + " on " + name + " is full: lower af_packet_threads");
            }
            throw new SourceException("cannot join AF_PACKET fanout group " + group + " on " + name + ": " + strerror(e));
        }
    }

    /** IFF_UP in /sys/class/net/IF/flags; true when that cannot be read. */
    private static boolean isUp(String name) {
        try {
            String flags = Files.readString(Path.of("/sys/class/net", name, "flags")).trim();
            return (Integer.decode(flags) & 1) != 0;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static int hardwareType(String name) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "type")).trim());
        } catch (IOException | RuntimeException e) {
            return ARPHRD_ETHER;
        }
    }

    /** Frames arrive with an Ethernet header, except on interfaces without a link layer (tun, PPP, raw IP). */
    static int linkTypeOf(int hwType) {
        return switch (hwType) {
            case ARPHRD_NONE, ARPHRD_RAWIP, ARPHRD_PPP -> PacketParser.LINKTYPE_RAW;
            default -> PacketParser.LINKTYPE_ETHERNET;
        };
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    @Override
    public String toString() {
        return "AF_PACKET " + name + (fanoutGroup >= 0 ? " fanout " + fanoutGroup + " " + settings.fanoutMode().configName() : "");
    }
}
