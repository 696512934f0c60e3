package fastnetmon;

import fastnetmon.config.Configuration;

import java.nio.file.Path;

/**
 * Default paths that never collide with FastNetMon's or with another instance's: log and pid under
 * fastnetmon-java (config/ConfigKeys), and the ban state tied to the configuration file, so two instances
 * with different configurations never take up (and unban through their own script) each other's bans.
 */
final class InstancePaths {
    static final Path STATE_DIR = Path.of("/var/lib/fastnetmon-java");

    private InstancePaths() {
    }

    /**
     * ban_state_path when set (null when set empty: not kept); otherwise
     * /var/lib/fastnetmon-java/CONF.bans.json, CONF being the configuration file's absolute path with
     * the slashes as dashes (e.g. etc-fastnetmon.conf.bans.json).
     */
    static Path banState(Configuration config) {
        if (config.isSet("ban_state_path")) {
            return config.getPath("ban_state_path");
        }
        Path f = config.file();
        String name = f == null ? "defaults" : f.toAbsolutePath().normalize().toString().replaceFirst("^/+", "").replace('/', '-');
        return STATE_DIR.resolve(name + ".bans.json");
    }
}
