package fastnetmon.source.flow;

import fastnetmon.packet.PacketRecord;
import fastnetmon.source.SourceException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

import static fastnetmon.source.NativeLibC.*;
import static fastnetmon.source.flow.FlowLibC.*;

/**
 * One UDP socket of a flow collector, read in batches with recvmmsg(2) into native memory allocated once:
 * up to {@value #BATCH} datagrams per system call, no allocation and no native call per datagram. With
 * SO_REUSEPORT several receivers (one per thread) bind the same address and the kernel spreads the
 * exporters over them by their address and port, so one exporter's datagrams always reach the same one.
 * The kernel's count of datagrams it dropped on this socket for lack of room arrives with every datagram
 * (SO_RXQ_OVFL) and is {@link #dropped()}.
 *
 * <p>Threading: {@link #receive}, the per-datagram accessors and {@link #close()} on the owning thread;
 * {@link #received()}, {@link #dropped()} and {@link #truncated()} from any thread.
 */
final class UdpReceiver implements AutoCloseable {
    /** Datagrams read per system call at most. */
    static final int BATCH = 64;
    /** Room per datagram: jumbo frames fit; longer datagrams are cut by the kernel and counted as truncated. */
    static final int SLOT = 9216;
    /** Longest pause before reading a socket that the last read emptied (see {@link #gather()}). */
    static final long GATHER_MAX_NANOS = 1_000_000;

    private static final int IOV_BASE = BATCH * MMSG_SIZE;
    private static final int NAME_BASE = IOV_BASE + BATCH * IOVEC_SIZE;
    private static final int CONTROL_BASE = NAME_BASE + BATCH * NAME_SIZE;
    private static final int DATA_BASE = CONTROL_BASE + BATCH * CONTROL_SIZE;
    private static final int TOTAL = DATA_BASE + BATCH * SLOT;

    private final String where;
    private final int fd;
    private final Pointer memory;
    private final Pointer pollFd;
    /** Headers in native byte order. */
    private final ByteBuffer headers;
    /** The same memory in network byte order: the datagrams and addresses. */
    private final ByteBuffer data;
    private final int localPort;
    private int count;
    private volatile boolean closed;
    // single writer (the owning thread), read by metrics
    private volatile long received, dropped, truncated;
    private long lastKernelDrops;
    // when the last read returned and how many it read (for gather)
    private long lastReadNanos, lastInterval;
    private int lastCount;

    private UdpReceiver(String where, int fd, int localPort) {
        this.where = where;
        this.fd = fd;
        this.localPort = localPort;
        this.memory = Memory.allocateDirect(runtime(), TOTAL, true);
        this.pollFd = Memory.allocateDirect(runtime(), 8, true);
        long address = memory.address();
        this.headers = wrap(address, TOTAL).order(ByteOrder.nativeOrder());
        this.data = wrap(address, TOTAL).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < BATCH; i++) {
            int m = i * MMSG_SIZE;
            headers.putLong(m + MSG_NAME, address + NAME_BASE + (long) i * NAME_SIZE);
            headers.putLong(m + MSG_IOV, address + IOV_BASE + (long) i * IOVEC_SIZE);
            headers.putLong(m + MSG_IOVLEN, 1);
            headers.putLong(m + MSG_CONTROL, address + CONTROL_BASE + (long) i * CONTROL_SIZE);
            headers.putLong(IOV_BASE + i * IOVEC_SIZE, address + DATA_BASE + (long) i * SLOT);
            headers.putLong(IOV_BASE + i * IOVEC_SIZE + 8, SLOT);
            resetLengths(i);
        }
        pollFd.putInt(0, fd);
        pollFd.putShort(4, POLLIN);
    }

    /**
     * Binds {@code host:port} (an IPv4 or IPv6 literal; "::" takes IPv4 too). {@code reusePort}: several
     * receivers share the address. {@code receiveBuffer}: SO_RCVBUF in bytes (SO_RCVBUFFORCE when allowed,
     * else capped by net.core.rmem_max).
     *
     * @throws SourceException one line naming the address and the reason
     */
    static UdpReceiver open(String host, int port, boolean reusePort, int receiveBuffer) throws SourceException {
        String where = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new SourceException("cannot listen for flows on " + where + ": unknown host " + host);
        }
        boolean v4 = address instanceof Inet4Address;
        Calls c = libc();
        int fd = c.socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
        if (fd < 0) {
            throw new SourceException("cannot listen for flows on " + where + ": socket: " + reason(errno()));
        }
        try {
            Pointer one = Memory.allocateDirect(runtime(), 16, true);
            one.putInt(0, 1);
            if (reusePort && c.setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, one, 4) != 0) {
                throw new SourceException("cannot listen for flows on " + where + ": SO_REUSEPORT: " + reason(errno()));
            }
            c.setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, one, 4);
            if (!v4) {
                one.putInt(0, 0);
                c.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, one, 4);
            }
            one.putInt(0, receiveBuffer);
            if (c.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, one, 4) != 0) {
                c.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, one, 4);
            }
            Pointer sa = Memory.allocateDirect(runtime(), NAME_SIZE, true);
            byte[] raw = address.getAddress();
            ByteBuffer b = ByteBuffer.allocate(NAME_SIZE);
            b.order(ByteOrder.nativeOrder()).putShort(0, (short) (v4 ? AF_INET : AF_INET6));
            b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
            b.position(v4 ? 4 : 8);
            b.put(raw);
            sa.put(0, b.array(), 0, NAME_SIZE);
            if (c.bind(fd, sa, v4 ? 16 : 28) != 0) {
                throw new SourceException("cannot listen for flows on " + where + ": " + reason(errno()));
            }
            Pointer len = Memory.allocateDirect(runtime(), 4, true);
            len.putInt(0, NAME_SIZE);
            int bound = port;
            if (port == 0 && c.getsockname(fd, sa, len) == 0) {
                bound = (sa.getByte(2) & 0xff) << 8 | (sa.getByte(3) & 0xff);
            }
            return new UdpReceiver(where, fd, bound);
        } catch (SourceException | RuntimeException e) {
            c.close(fd);
            throw e;
        }
    }

    private void resetLengths(int i) {
        int m = i * MMSG_SIZE;
        headers.putInt(m + MSG_NAMELEN, NAME_SIZE);
        headers.putLong(m + MSG_CONTROLLEN, CONTROL_SIZE);
        headers.putInt(m + MSG_FLAGS, 0);
    }

    /**
     * Reads what is queued, up to {@value #BATCH} datagrams; when nothing is, waits up to
     * {@code waitMillis} for the first. Returns how many were read (0 on timeout).
     */
    int receive(int waitMillis) throws SourceException {
        for (int i = 0; i < count; i++) {
            resetLengths(i);
        }
        count = 0;
        if (waitMillis > 0) {
            gather();
        }
        lastCount = 0;
        int n = libc().recvmmsg(fd, memory, BATCH, MSG_DONTWAIT, null);
        if (n < 0) {
            int e = errno();
            if (e != EAGAIN && e != EINTR) {
                throw failure("recvmmsg", e);
            }
            if (waitMillis <= 0) {
                return 0;
            }
            int p = libc().poll(pollFd, 1, waitMillis);
            if (p < 0 && errno() != EINTR) {
                throw failure("poll", errno());
            }
            if (p <= 0) {
                return 0;
            }
            n = libc().recvmmsg(fd, memory, BATCH, MSG_DONTWAIT, null);
            if (n < 0) {
                e = errno();
                if (e != EAGAIN && e != EINTR) {
                    throw failure("recvmmsg", e);
                }
                return 0;
            }
        }
        count = n;
        long now = System.nanoTime();
        lastInterval = now - lastReadNanos;
        lastReadNanos = now;
        lastCount = n;
        long cut = 0;
        for (int i = 0; i < n; i++) {
            if ((headers.getInt(i * MMSG_SIZE + MSG_FLAGS) & MSG_TRUNC) != 0) {
                cut++;
            }
        }
        if (n > 0) {
            kernelDrops(n - 1);
        }
        received += n;
        if (cut != 0) {
            truncated += cut;
        }
        return n;
    }

    /**
     * Interrupt moderation, as a NIC does it: when the last read emptied the socket, pause until about half a
     * batch should have arrived at the rate the last read saw, so a collector that keeps up reads tens of
     * datagrams per recvmmsg instead of one or two per poll and recvmmsg (those system calls cost more CPU
     * than decoding a datagram). At most {@value #GATHER_MAX_NANOS} ns of latency on records whose export lag
     * is counted in seconds; the socket buffer holds far more than a millisecond of datagrams.
     */
    private void gather() {
        long pause = pauseNanos(lastCount, lastInterval, System.nanoTime() - lastReadNanos);
        if (pause > 0) {
            LockSupport.parkNanos(pause);
        }
    }

    /**
     * The pause before the next read: none after a full batch (the socket may hold more) or an empty read
     * (nothing is coming: poll waits); else until half a batch should be there at {@code last} datagrams per
     * {@code interval} ns (the last read's datagrams over the time since the read before it), {@code since} ns
     * after the last read, at most {@value #GATHER_MAX_NANOS} ns; pauses under 20 us are not worth a sleep.
     */
    static long pauseNanos(int last, long interval, long since) {
        if (last >= BATCH || last <= 0) {
            return 0;
        }
        long pause = Math.min(GATHER_MAX_NANOS, interval * (BATCH / 2) / last - since);
        return pause > 20_000 ? pause : 0;
    }

    /** The socket's drop counter, sent with each datagram once SO_RXQ_OVFL is on: a 32-bit counter that wraps. */
    private void kernelDrops(int i) {
        if (headers.getLong(i * MMSG_SIZE + MSG_CONTROLLEN) < CMSG_DATA + 4) {
            return;
        }
        int c = CONTROL_BASE + i * CONTROL_SIZE;
        if (headers.getInt(c + CMSG_LEVEL) != SOL_SOCKET || headers.getInt(c + CMSG_TYPE) != SO_RXQ_OVFL) {
            return;
        }
        long now = Integer.toUnsignedLong(headers.getInt(c + CMSG_DATA));
        long delta = (now - lastKernelDrops) & 0xffff_ffffL;
        lastKernelDrops = now;
        if (delta != 0) {
            dropped += delta;
        }
    }

    private SourceException failure(String call, int errno) {
        return new SourceException("flow socket " + where + ": " + call + ": " + reason(errno));
    }

    /** Buffer holding the datagrams (network byte order; absolute reads only). */
    ByteBuffer buffer() {
        return data;
    }

    int offset(int i) {
        return DATA_BASE + i * SLOT;
    }

    /** Bytes of datagram i held (the whole datagram unless it was longer than {@value #SLOT}). */
    int length(int i) {
        return Math.min(headers.getInt(i * MMSG_SIZE + MSG_LEN), SLOT);
    }

    /** High 64 bits of datagram i's source address as in {@link PacketRecord} (0 for IPv4). */
    long sourceHi(int i) {
        int a = NAME_BASE + i * NAME_SIZE;
        return headers.getShort(a) == AF_INET6 ? data.getLong(a + 8) : 0;
    }

    /** Low 64 bits of the source address (::ffff:a.b.c.d for IPv4). */
    long sourceLo(int i) {
        int a = NAME_BASE + i * NAME_SIZE;
        return headers.getShort(a) == AF_INET6 ? data.getLong(a + 16)
                : PacketRecord.V4_MAPPED_PREFIX | Integer.toUnsignedLong(data.getInt(a + 4));
    }

    /** The port this socket is bound to. */
    int localPort() {
        return localPort;
    }

    String where() {
        return where;
    }

    long received() {
        return received;
    }

    long dropped() {
        return dropped;
    }

    /** Datagrams longer than {@value #SLOT} bytes (only their start was read). */
    long truncated() {
        return truncated;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc().close(fd);
        }
    }

    /** libc's text for an errno in lower case, as these messages use it mid-sentence. */
    private static String reason(int errno) {
        return strerror(errno).toLowerCase(java.util.Locale.ROOT);
    }
}
