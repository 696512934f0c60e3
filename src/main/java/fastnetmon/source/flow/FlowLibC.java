package fastnetmon.source.flow;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/**
 * The libc calls and Linux constants (x86_64 and aarch64 share them) a flow collector's UDP socket needs,
 * loaded once, lazily, through jnr-ffi. Java's DatagramChannel reads one datagram per call and allocates
 * the sender's address each time; recvmmsg(2) reads a batch into memory we own.
 */
final class FlowLibC {
    private FlowLibC() {
    }

    public interface LibC {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int setsockopt(int fd, int level, int name, Pointer value, int length);

        @SaveError
        int getsockopt(int fd, int level, int name, Pointer value, Pointer length);

        @SaveError
        int bind(int fd, Pointer address, int length);

        @SaveError
        int getsockname(int fd, Pointer address, Pointer length);

        @SaveError
        int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);

        @SaveError
        int poll(Pointer fds, @size_t long count, int timeoutMillis);

        @SaveError
        int close(int fd);

        String strerror(int errno);
    }

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    static LibC libc() {
        return Holder.LIBC;
    }

    static Runtime runtime() {
        return Holder.RUNTIME;
    }

    static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    static String strerror(int errno) {
        try {
            String s = Holder.LIBC.strerror(errno);
            return s == null ? "errno " + errno : s.toLowerCase(java.util.Locale.ROOT);
        } catch (RuntimeException e) {
            return "errno " + errno;
        }
    }

    static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2;
    static final int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_REUSEPORT = 15, SO_RCVBUFFORCE = 33, SO_RXQ_OVFL = 40;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    static final int MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40;
    static final short POLLIN = 1;
    static final int EINTR = 4, EAGAIN = 11;

    // struct mmsghdr (LP64): struct msghdr (56 bytes) then unsigned int msg_len
    static final int MMSG_SIZE = 64, MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24,
            MSG_CONTROL = 32, MSG_CONTROLLEN = 40, MSG_FLAGS = 48, MSG_LEN = 56;
    static final int IOVEC_SIZE = 16;
    /** Room for a sockaddr_in6 (28 bytes). */
    static final int NAME_SIZE = 32;
    /** CMSG_SPACE(sizeof(uint32_t)) = 24, rounded up. */
    static final int CONTROL_SIZE = 32;
    // struct cmsghdr (LP64): size_t cmsg_len, int cmsg_level, int cmsg_type, data
    static final int CMSG_LEVEL = 8, CMSG_TYPE = 12, CMSG_DATA = 16;
}
