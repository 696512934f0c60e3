package fastnetmon.source.flow;

/**
 * The Linux constants (x86_64 and aarch64 share them) a flow collector's UDP socket needs; the calls are
 * {@link fastnetmon.source.NativeLibC}'s. Java's DatagramChannel reads one datagram per call and allocates
 * the sender's address each time; recvmmsg(2) reads a batch into memory we own.
 */
final class FlowLibC {
    private FlowLibC() {
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
