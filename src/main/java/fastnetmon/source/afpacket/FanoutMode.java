package fastnetmon.source.afpacket;

import java.util.Locale;

/**
 * How the kernel spreads one interface's packets over the members of a fanout group
 * (mirror_af_packet_fanout_mode). Flows stay on one member only in {@link #HASH} mode; the detector
 * does not need that (host counters are summed over members), so any mode counts correctly.
 */
public enum FanoutMode {
    /** By the CPU that received the packet (FastNetMon's default): follows the NIC's RSS queues. */
    CPU("cpu", LinuxPacket.PACKET_FANOUT_CPU),
    /** Round robin. */
    LB("lb", LinuxPacket.PACKET_FANOUT_LB),
    /** By flow hash. Without PACKET_FANOUT_FLAG_DEFRAG: that flag makes the kernel reassemble IP
     *  fragments before handing them over, so fragment floods would be counted as fewer, larger packets. */
    HASH("hash", LinuxPacket.PACKET_FANOUT_HASH),
    RANDOM("random", LinuxPacket.PACKET_FANOUT_RND),
    /** Fill one member until its ring is full, then the next. */
    ROLLOVER("rollover", LinuxPacket.PACKET_FANOUT_ROLLOVER),
    /** By the NIC's receive queue (skb queue_mapping), Linux 3.14+. */
    QUEUE_MAPPING("queue_mapping", LinuxPacket.PACKET_FANOUT_QM);

    private final String configName;
    private final int kernelType;

    FanoutMode(String configName, int kernelType) {
        this.configName = configName;
        this.kernelType = kernelType;
    }

    /** The value of mirror_af_packet_fanout_mode. */
    public String configName() {
        return configName;
    }

    /** PACKET_FANOUT_* type (with flags) as passed in the upper 16 bits of the PACKET_FANOUT argument. */
    int kernelType() {
        return kernelType;
    }

    /** Parses a mirror_af_packet_fanout_mode value (case-insensitive). */
    public static FanoutMode parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (FanoutMode m : values()) {
            if (m.configName.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown AF_PACKET fanout mode '" + value
                + "': use cpu, lb, hash, random, rollover or queue_mapping");
    }
}
