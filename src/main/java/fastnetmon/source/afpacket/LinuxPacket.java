package fastnetmon.source.afpacket;

/**
 * The Linux constants the AF_PACKET engine needs (x86_64 and aarch64 share them all); the calls are
 * {@link fastnetmon.source.NativeLibC}'s.
 */
final class LinuxPacket {
    private LinuxPacket() {
    }

    // socket(2), sockets
    static final int AF_PACKET = 17, SOCK_RAW = 3, ETH_P_ALL = 0x0003;
    static final int SOL_SOCKET = 1, SO_ERROR = 4;
    static final int SOL_PACKET = 263;
    // packet(7) socket options
    static final int PACKET_ADD_MEMBERSHIP = 1, PACKET_RX_RING = 5, PACKET_STATISTICS = 6, PACKET_VERSION = 10,
            PACKET_FANOUT = 18;
    static final int PACKET_MR_PROMISC = 1;
    static final int TPACKET_V3 = 2;
    static final int PACKET_FANOUT_HASH = 0, PACKET_FANOUT_LB = 1, PACKET_FANOUT_CPU = 2, PACKET_FANOUT_ROLLOVER = 3,
            PACKET_FANOUT_RND = 4, PACKET_FANOUT_QM = 5;
    static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    /** sll_pkttype of a packet this host sends. */
    static final int PACKET_OUTGOING = 4;
    /** Values of /sys/class/net/IF/type (ARPHRD_*). */
    static final int ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772, ARPHRD_PPP = 512, ARPHRD_RAWIP = 519, ARPHRD_NONE = 0xfffe;
    // mmap(2), poll(2)
    static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    static final short POLLIN = 1, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
    // errno
    static final int EPERM = 1, EINTR = 4, ENOMEM = 12, EACCES = 13, ENODEV = 19, EINVAL = 22, ENOSPC = 28,
            ENOPROTOOPT = 92, EAFNOSUPPORT = 97, ENETDOWN = 100, ENXIO = 6, EALREADY = 114;

    // struct tpacket_block_desc (offsets from the block start); the v1 header starts at 8
    static final int BLOCK_STATUS = 8, BLOCK_NUM_PKTS = 12, BLOCK_OFFSET_TO_FIRST_PKT = 16;
    // struct tpacket3_hdr (offsets from the packet header)
    static final int TP_NEXT_OFFSET = 0, TP_SEC = 4, TP_NSEC = 8, TP_SNAPLEN = 12, TP_LEN = 16, TP_MAC = 24;
    /** sockaddr_ll follows the header at TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) = 48; sll_pkttype is byte 10 of it. */
    static final int TP_SLL_PKTTYPE = 48 + 10;
    static final int TP_STATUS_KERNEL = 0, TP_STATUS_USER = 1;
    /** Smallest frame size V3 accepts is TPACKET3_HDRLEN (68), a multiple of 16; frames only matter for the kernel's checks. */
    static final int FRAME_SIZE = 2048;
}
