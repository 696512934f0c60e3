package fastnetmon.action;

import fastnetmon.config.Configuration;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the actions take from the configuration, typed and read in one place ({@link #from}). Immutable.
 *
 * @param scriptEnabled     {@code notify_script_enabled}
 * @param scriptPath        {@code notify_script_path} (null when set empty), whether or not the script is enabled
 * @param scriptTimeout     {@code notify_script_timeout}: a call running longer is killed with its process tree
 * @param maxRunningScripts {@code notify_script_max_running}: script calls (of different hosts) running at once
 * @param detailsFolder     {@code attack_details_folder} (null: no details files)
 * @param resyncSeconds     {@code mitigation_resync_interval}: how often the mitigations announce again what is in force
 * @param threatScript      {@code sensor_notify_script}: the notify script is called for the abuse sensors' threats too
 */
public record ActionSettings(boolean scriptEnabled, Path scriptPath, Duration scriptTimeout, int maxRunningScripts,
                             Path detailsFolder, long resyncSeconds, boolean threatScript) {

    public static ActionSettings from(Configuration c) {
        return new ActionSettings(c.getBoolean("notify_script_enabled"), c.getPath("notify_script_path"),
                Duration.ofSeconds(c.getLong("notify_script_timeout")), c.getInt("notify_script_max_running"),
                c.getPath("attack_details_folder"), c.getInt("mitigation_resync_interval"), c.getBoolean("sensor_notify_script"));
    }

    /** The script to call on bans, or null when none is to be called (disabled or no path). */
    public Path script() {
        return scriptEnabled ? scriptPath : null;
    }
}
