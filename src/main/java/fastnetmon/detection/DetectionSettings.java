package fastnetmon.detection;

import fastnetmon.config.Configuration;
import fastnetmon.config.HostGroup;
import fastnetmon.config.Thresholds;
import fastnetmon.networks.Cidr;

import java.util.List;

/** What the evaluator needs from the configuration: the detection stage's typed settings. */
public record DetectionSettings(
        boolean enableBanIpv6,
        boolean processIncoming,
        boolean processOutgoing,
        int banDetailsRecordsCount,
        long banTimeSeconds,
        boolean unbanOnlyIfAttackFinished,
        double averageCalculationTimeSeconds,
        Thresholds global,
        List<HostGroup> hostGroups,
        List<Cidr> whitelist,
        boolean connectionTracking,
        int detectionIntervalMs) {

    /** How often the evaluator ticks unless configured (detection_interval_ms). */
    public static final int DEFAULT_INTERVAL_MS = 100;

    /** With the default detection interval. */
    public DetectionSettings(boolean enableBanIpv6, boolean processIncoming, boolean processOutgoing, int banDetailsRecordsCount,
                             long banTimeSeconds, boolean unbanOnlyIfAttackFinished, double averageCalculationTimeSeconds,
                             Thresholds global, List<HostGroup> hostGroups, List<Cidr> whitelist, boolean connectionTracking) {
        this(enableBanIpv6, processIncoming, processOutgoing, banDetailsRecordsCount, banTimeSeconds, unbanOnlyIfAttackFinished,
                averageCalculationTimeSeconds, global, hostGroups, whitelist, connectionTracking, DEFAULT_INTERVAL_MS);
    }

    /** How often the evaluator ticks, in nanoseconds. */
    public long tickNanos() {
        return detectionIntervalMs * 1_000_000L;
    }

    /** Without connection tracking. */
    public DetectionSettings(boolean enableBanIpv6, boolean processIncoming, boolean processOutgoing, int banDetailsRecordsCount,
                             long banTimeSeconds, boolean unbanOnlyIfAttackFinished, double averageCalculationTimeSeconds,
                             Thresholds global, List<HostGroup> hostGroups, List<Cidr> whitelist) {
        this(enableBanIpv6, processIncoming, processOutgoing, banDetailsRecordsCount, banTimeSeconds, unbanOnlyIfAttackFinished,
                averageCalculationTimeSeconds, global, hostGroups, whitelist, false);
    }

    /** The settings of a configuration (checked when it was read). */
    public static DetectionSettings from(Configuration c) {
        return new DetectionSettings(
                c.getBoolean("enable_ban_ipv6"),
                c.getBoolean("process_incoming_traffic"),
                c.getBoolean("process_outgoing_traffic"),
                c.getInt("ban_details_records_count"),
                c.getLong("ban_time"),
                c.getBoolean("unban_only_if_attack_finished"),
                c.getDouble("average_calculation_time"),
                c.globalThresholds(),
                c.hostGroups(),
                c.whitelist(),
                c.getBoolean("enable_connection_tracking"),
                c.getInt("detection_interval_ms"));
    }
}
