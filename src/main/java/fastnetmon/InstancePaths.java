package fastnetmon;

import java.nio.file.Path;

/**
 * Default paths that never collide with FastNetMon's or with another instance's: log and pid under
 * fastnetmon-java (config/ConfigKeys), and the ban state tied to the configuration file, so two instances
 * with different configurations never take up (and unban through their own script) each other's bans
 * ({@link ProcessSettings#banState()} applies ban_state_path when set).
 */
final class InstancePaths {
    static final Path STATE_DIR = Path.of("/var/lib/fastnetmon-java");

    private InstancePaths() {
    }

    /**
     * The ban-state file when ban_state_path is not set: /var/lib/fastnetmon-java/CONF.bans.json, CONF
     * being the configuration file's absolute path with the slashes as dashes (e.g.
     * etc-fastnetmon.conf.bans.json); {@code configFile} null (built-in defaults): defaults.bans.json.
     */
    static Path defaultBanState(Path configFile) {
        return STATE_DIR.resolve(instanceName(configFile) + ".bans.json");
    }

    /**
     * The baseline state file when baseline_state_path is not set: beside the ban state,
     * /var/lib/fastnetmon-java/CONF.baselines (e.g. etc-fastnetmon.conf.baselines).
     */
    static Path defaultBaselineState(Path configFile) {
        return STATE_DIR.resolve(instanceName(configFile) + ".baselines");
    }

    private static String instanceName(Path configFile) {
        return configFile == null ? "defaults"
                : configFile.toAbsolutePath().normalize().toString().replaceFirst("^/+", "").replace('/', '-');
    }
}
