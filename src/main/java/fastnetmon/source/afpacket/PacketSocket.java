package fastnetmon.source.afpacket;

import fastnetmon.packet.PacketParser;
import fastnetmon.source.CaptureRights;
import fastnetmon.source.SourceException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static fastnetmon.source.NativeLibC.*;
import static fastnetmon.source.afpacket.LinuxPacket.*;

/**
 * One AF_PACKET socket on an interface and the libc calls made on it: set-up (TPACKET_V3, the receive
 * ring and its mapping, bind, promiscuous mode, fanout), {@code poll()}, the kernel's statistics and
 * close. Every failure is one {@link SourceException} line naming the interface and what to change.
 *
 * <p>Threading: set up on the opening thread, then used by one thread at a time (the capture engine's
 * runner); not thread-safe.
 */
final class PacketSocket {
    private static final Logger log = LoggerFactory.getLogger(PacketSocket.class);

    private final String name;
    private final int ifindex;
    private final int hardwareType;
    private final Pointer scratch;           // pollfd at 0, optlen at 8, tpacket_stats_v3 / SO_ERROR at 16, set-up arguments at 32
    private final Pointer optLength, optValue, setupArg;
    private int fd;

    /** Opens a socket for {@code name}; it receives nothing until {@link #bind()}. */
    PacketSocket(String name) throws SourceException {
        if (name.isEmpty() || name.length() > 15 || name.indexOf('/') >= 0 || name.indexOf(' ') >= 0) {
            throw new SourceException("interface " + name + " does not exist (not a valid interface name)");
        }
        this.name = name;
        Calls c = libc();
        int index = c.if_nametoindex(name);
        if (index == 0) {
            throw new SourceException("interface " + name + " does not exist");
        }
        this.ifindex = index;
        if (!isUp(name)) {
            throw new SourceException("interface " + name + " is down: bring it up first (ip link set " + name + " up)");
        }
        this.hardwareType = hardwareType(name);
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
                        + " promiscuous mode): run as root or grant them with " + CaptureRights.setcapCommand());
            }
            if (e == EAFNOSUPPORT) {
                throw new SourceException("this kernel has no AF_PACKET sockets (CONFIG_PACKET): use pcap or a flow collector instead");
            }
            throw new SourceException("cannot open an AF_PACKET socket for " + name + ": " + strerror(e));
        }
    }

    /** The pcap link type of the frames: Ethernet, except on interfaces without a link layer. */
    int linkType() {
        return linkTypeOf(hardwareType);
    }

    boolean loopback() {
        return hardwareType == ARPHRD_LOOPBACK;
    }

    boolean closed() {
        return fd < 0;
    }

    /** TPACKET_V3 and its receive ring; returns the ring's address, mapped shared. */
    long mapRing(AfPacketEngine.Settings s) throws SourceException {
        setInt(PACKET_VERSION, TPACKET_V3, "TPACKET_V3 is not supported by this kernel (needs Linux 3.2 or later)");
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
            if (e == ENOMEM) {
                throw new SourceException("not enough memory for the AF_PACKET ring on " + name + " (" + s.ringText()
                        + " per thread): lower af_packet_block_count, af_packet_block_size or af_packet_threads");
            }
            if (e == EINVAL) {
                throw new SourceException("the kernel refused the AF_PACKET ring on " + name + " (" + s.ringText()
                        + "): make af_packet_block_size a power of two and lower af_packet_block_count");
            }
            throw new SourceException("cannot set up the AF_PACKET ring on " + name + ": " + strerror(e));
        }
        Pointer mapped = libc().mmap(null, s.ringLength(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (mapped == null || mapped.address() == -1L) {
            throw new SourceException("cannot map the " + s.ringText() + " ring for " + name + " (" + strerror(errno())
                    + "): lower af_packet_block_count or af_packet_block_size");
        }
        return mapped.address();
    }

    void unmap(long address, long length) {
        libc().munmap(Pointer.wrap(runtime(), address), length);
    }

    void bind() throws SourceException {
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

    void promiscuous() throws SourceException {
        Pointer m = setupArg;
        m.putInt(0, ifindex);                      // mr_ifindex
        m.putShort(4, (short) PACKET_MR_PROMISC);  // mr_type
        m.putShort(6, (short) 0);                  // mr_alen
        m.putLong(8, 0);                           // mr_address
        if (libc().setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, m, 16) != 0) {
            int e = errno();
            if (e == EPERM || e == EACCES) {
                throw new SourceException("promiscuous mode on " + name + " needs CAP_NET_ADMIN: run as root or grant it"
                        + " with " + CaptureRights.setcapCommand());
            }
            throw new SourceException("cannot put " + name + " in promiscuous mode: " + strerror(e));
        }
    }

    void joinFanout(FanoutMode mode, int group) throws SourceException {
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

    /** poll() until a block may be ready, an error needs handling, or {@code millis} pass. */
    void waitForData(int millis) throws SourceException {
        Pointer p = scratch;
        p.putInt(0, fd);
        p.putShort(4, (short) (POLLIN | POLLERR));
        p.putShort(6, (short) 0);
        int r = libc().poll(p, 1, millis);
        if (r < 0) {
            int e = errno();
            if (e != EINTR) {
                throw new SourceException("poll() on the capture socket of " + name + " failed: " + strerror(e));
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

    /**
     * The kernel's counters since the last read (reading resets them) into {@code into}: packets (drops
     * included), drops, queue freezes. False when they cannot be read.
     */
    boolean readStatistics(long[] into) {
        if (fd < 0) {
            return false;
        }
        optLength.putInt(0, 12);
        if (libc().getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, optValue, optLength) != 0) {
            return false;
        }
        into[0] = optValue.getInt(0) & 0xffff_ffffL;
        into[1] = optValue.getInt(4) & 0xffff_ffffL;
        into[2] = optValue.getInt(8) & 0xffff_ffffL;
        return true;
    }

    /** Closes the socket (leaving promiscuous mode and the fanout group); later calls do nothing. */
    void close() {
        if (fd >= 0) {
            libc().close(fd);
            fd = -1;
        }
    }

    private void setInt(int option, int value, String unsupported) throws SourceException {
        scratch.putInt(32, value);
        if (libc().setsockopt(fd, SOL_PACKET, option, setupArg, 4) != 0) {
            int e = errno();
            throw new SourceException(e == EINVAL || e == ENOPROTOOPT ? unsupported
                    : "setting up the capture socket on " + name + " failed: " + strerror(e));
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
}
