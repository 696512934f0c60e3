package fastnetmon.mitigation;

import fastnetmon.config.Configuration;

/**
 * How FlowSpec rules are made from a fingerprint ({@code flowspec_*}). Immutable.
 *
 * @param rateBytesPerSecond 0: discard; else traffic-rate in bytes per second
 * @param minShare           share of the sampled packets (0.5-1) a value must cover to go into the rule
 * @param fallbackBlackhole  announce the blackhole when no narrow rule can be made
 */
public record FlowSpecSettings(long rateBytesPerSecond, double minShare, boolean fallbackBlackhole) {
    public static FlowSpecSettings from(Configuration c) {
        long rate = c.getString("flowspec_action").equals("rate-limit") ? Math.max(1, c.getLong("flowspec_rate_limit")) : 0;
        return new FlowSpecSettings(rate, c.getInt("flowspec_min_share") / 100.0, c.getBoolean("flowspec_fallback_blackhole"));
    }
}
