package fastnetmon.config;

/**
 * The traffic classes every host is counted in, in addition to the total (vocabulary shared from the
 * thresholds in the configuration to the counters and the presentation). A packet counts in TOTAL,
 * in at most one of TCP/UDP/ICMP, in TCP_SYN when it is TCP with SYN set, and in FRAGMENTED when it
 * is an IP fragment.
 */
public final class TrafficClass {
    private TrafficClass() {
    }

    public static final int TOTAL = 0;
    public static final int TCP = 1;
    public static final int TCP_SYN = 2;
    public static final int UDP = 3;
    public static final int ICMP = 4;
    public static final int FRAGMENTED = 5;
    public static final int COUNT = 6;

    private static final String[] NAMES = {"total", "tcp", "tcp_syn", "udp", "icmp", "fragmented"};

    public static String name(int cls) {
        return NAMES[cls];
    }
}
