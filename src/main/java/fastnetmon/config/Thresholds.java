package fastnetmon.config;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Ban thresholds for one scope (global or a hostgroup), immutable. Per-class values are indexed by
 * {@link TrafficClass}: TOTAL uses ban_for_pps/threshold_pps and ban_for_bandwidth/threshold_mbps, TCP, UDP,
 * ICMP and TCP_SYN their own keys; FRAGMENTED has no thresholds (ban flags false, thresholds 0).
 * Whether a threshold is exceeded is "greater than", per host and direction, as in FastNetMon.
 */
public final class Thresholds {
    /** Configuration key names per traffic class (null for FRAGMENTED). */
    static final String[] BAN_FOR_PPS = keys("ban_for_%s_pps", "ban_for_pps");
    static final String[] THRESHOLD_PPS = keys("threshold_%s_pps", "threshold_pps");
    static final String[] BAN_FOR_BANDWIDTH = keys("ban_for_%s_bandwidth", "ban_for_bandwidth");
    static final String[] THRESHOLD_MBPS = keys("threshold_%s_mbps", "threshold_mbps");

    private static String[] keys(String pattern, String total) {
        String[] k = new String[TrafficClass.COUNT];
        for (int cls = 0; cls < TrafficClass.COUNT; cls++) {
            if (cls == TrafficClass.TOTAL) {
                k[cls] = total;
            } else if (cls != TrafficClass.FRAGMENTED) {
                k[cls] = String.format(pattern, TrafficClass.name(cls));
            }
        }
        return k;
    }

    private final boolean enableBan;
    private final boolean enableBanIpv6;
    private final boolean[] banForPps;
    private final long[] thresholdPps;
    private final boolean[] banForBandwidth;
    private final long[] thresholdMbps;
    private final boolean banForFlows;
    private final long thresholdFlows;

    /** Arrays are indexed by {@link TrafficClass} (length {@link TrafficClass#COUNT}) and copied. */
    public Thresholds(boolean enableBan, boolean enableBanIpv6, boolean[] banForPps, long[] thresholdPps,
                      boolean[] banForBandwidth, long[] thresholdMbps, boolean banForFlows, long thresholdFlows) {
        this.enableBan = enableBan;
        this.enableBanIpv6 = enableBanIpv6;
        this.banForPps = Arrays.copyOf(banForPps, TrafficClass.COUNT);
        this.thresholdPps = Arrays.copyOf(thresholdPps, TrafficClass.COUNT);
        this.banForBandwidth = Arrays.copyOf(banForBandwidth, TrafficClass.COUNT);
        this.thresholdMbps = Arrays.copyOf(thresholdMbps, TrafficClass.COUNT);
        this.banForFlows = banForFlows;
        this.thresholdFlows = thresholdFlows;
        this.banForPps[TrafficClass.FRAGMENTED] = false;
        this.banForBandwidth[TrafficClass.FRAGMENTED] = false;
        this.thresholdPps[TrafficClass.FRAGMENTED] = 0;
        this.thresholdMbps[TrafficClass.FRAGMENTED] = 0;
    }

    /** Builds thresholds from typed values looked up by configuration key name. */
    static Thresholds from(Function<String, Object> value) {
        boolean[] bp = new boolean[TrafficClass.COUNT], bb = new boolean[TrafficClass.COUNT];
        long[] tp = new long[TrafficClass.COUNT], tm = new long[TrafficClass.COUNT];
        for (int cls = 0; cls < TrafficClass.COUNT; cls++) {
            if (BAN_FOR_PPS[cls] != null) {
                bp[cls] = (Boolean) value.apply(BAN_FOR_PPS[cls]);
                tp[cls] = (Long) value.apply(THRESHOLD_PPS[cls]);
                bb[cls] = (Boolean) value.apply(BAN_FOR_BANDWIDTH[cls]);
                tm[cls] = (Long) value.apply(THRESHOLD_MBPS[cls]);
            }
        }
        return new Thresholds((Boolean) value.apply("enable_ban"), (Boolean) value.apply("enable_ban_ipv6"), bp, tp, bb, tm,
                (Boolean) value.apply("ban_for_flows"), (Long) value.apply("threshold_flows"));
    }

    /** The built-in defaults (FastNetMon's). */
    public static Thresholds defaults() {
        return from(ConfigKeys::defaultValue);
    }

    public boolean enableBan() {
        return enableBan;
    }

    public boolean enableBanIpv6() {
        return enableBanIpv6;
    }

    public boolean banForPps(int cls) {
        return banForPps[cls];
    }

    public long thresholdPps(int cls) {
        return thresholdPps[cls];
    }

    public boolean banForBandwidth(int cls) {
        return banForBandwidth[cls];
    }

    public long thresholdMbps(int cls) {
        return thresholdMbps[cls];
    }

    public boolean banForFlows() {
        return banForFlows;
    }

    public long thresholdFlows() {
        return thresholdFlows;
    }

    /** The enabled checks, e.g. "pps > 20000, mbps > 1000, tcp_syn pps > 5000", or "no thresholds enabled". */
    public String summary() {
        List<String> parts = new ArrayList<>();
        for (int cls = 0; cls < TrafficClass.COUNT; cls++) {
            String prefix = cls == TrafficClass.TOTAL ? "" : TrafficClass.name(cls) + " ";
            if (banForPps[cls]) {
                parts.add(prefix + "pps > " + thresholdPps[cls]);
            }
            if (banForBandwidth[cls]) {
                parts.add(prefix + "mbps > " + thresholdMbps[cls]);
            }
            if (cls == TrafficClass.TOTAL && banForFlows) {
                parts.add("flows > " + thresholdFlows);
            }
        }
        return parts.isEmpty() ? "no thresholds enabled" : String.join(", ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Thresholds t && t.enableBan == enableBan && t.enableBanIpv6 == enableBanIpv6
                && Arrays.equals(t.banForPps, banForPps) && Arrays.equals(t.thresholdPps, thresholdPps)
                && Arrays.equals(t.banForBandwidth, banForBandwidth) && Arrays.equals(t.thresholdMbps, thresholdMbps)
                && t.banForFlows == banForFlows && t.thresholdFlows == thresholdFlows;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(thresholdPps) * 31 + Arrays.hashCode(thresholdMbps) + Long.hashCode(thresholdFlows);
    }

    @Override
    public String toString() {
        return "Thresholds[ban " + (enableBan ? "on" : "off") + ", ipv6 ban " + (enableBanIpv6 ? "on" : "off") + ": " + summary() + "]";
    }
}
