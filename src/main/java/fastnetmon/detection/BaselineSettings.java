package fastnetmon.detection;

import fastnetmon.config.Configuration;

import java.nio.file.Path;

/**
 * The learned baselines' typed settings (global only; hostgroups do not override them). Immutable.
 *
 * @param enabled             {@code baseline_detection}
 * @param multiplier          {@code baseline_multiplier}: k in max(floor, k x baseline)
 * @param floorPps            {@code baseline_floor_pps}
 * @param floorMbps           {@code baseline_floor_mbps}
 * @param floorFlows          {@code baseline_floor_flows}
 * @param learningSeconds     {@code baseline_learning_time}: the smoothing's time constant
 * @param warmupSeconds       {@code baseline_warmup_time}: learning before a baseline may ban
 * @param saveIntervalSeconds {@code baseline_save_interval}
 * @param statePath           the state file, or null for none (a replay, or baseline_state_path set empty)
 */
public record BaselineSettings(boolean enabled, double multiplier, long floorPps, long floorMbps, long floorFlows,
                               long learningSeconds, long warmupSeconds, long saveIntervalSeconds, Path statePath) {

    /** No baselines: the evaluator as it was. */
    public static final BaselineSettings OFF = new BaselineSettings(false, 4, 1000, 10, 500, 3600, 3600, 600, null);

    /**
     * The settings of a configuration (checked when it was read).
     *
     * @param defaultState the state file when baseline_state_path is not set (null: none, as in a replay)
     * @param keep         false: no state file at all, whatever is set (a replay's traffic is not the network's)
     */
    public static BaselineSettings from(Configuration c, Path defaultState, boolean keep) {
        Path state = !keep ? null : c.isSet("baseline_state_path") ? c.getPath("baseline_state_path") : defaultState;
        return new BaselineSettings(c.getBoolean("baseline_detection"), c.getDouble("baseline_multiplier"),
                c.getLong("baseline_floor_pps"), c.getLong("baseline_floor_mbps"), c.getLong("baseline_floor_flows"),
                c.getInt("baseline_learning_time"), c.getInt("baseline_warmup_time"), c.getInt("baseline_save_interval"),
                state);
    }
}
