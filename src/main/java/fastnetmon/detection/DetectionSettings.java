package fastnetmon.detection;

import fastnetmon.config.HostGroup;
import fastnetmon.config.Thresholds;
import fastnetmon.networks.Cidr;

import java.util.List;

/** What the evaluator needs from the configuration. */
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
        List<Cidr> whitelist) {
}
