package fastnetmon;

import fastnetmon.config.Configuration;

import java.nio.file.Path;

/**
 * What the program itself (not a pipeline stage) takes from the configuration, typed and read in one
 * place ({@link #from}): logging, daemon, pid file and the ban-state file. Immutable.
 *
 * @param logFile      {@code log_file} (the command line's --log_file overrides it)
 * @param loggingLevel {@code logging_level}
 * @param daemonize    {@code daemonize}
 * @param pidPath      {@code pid_path} (null when set empty)
 * @param banState     {@code ban_state_path} when set (null when set empty: not kept), else the
 *                     instance's own file ({@link InstancePaths#defaultBanState})
 */
record ProcessSettings(Path logFile, String loggingLevel, boolean daemonize, Path pidPath, Path banState) {

    static ProcessSettings from(Configuration c) {
        return new ProcessSettings(c.getPath("log_file"), c.getString("logging_level"), c.getBoolean("daemonize"),
                c.getPath("pid_path"),
                c.isSet("ban_state_path") ? c.getPath("ban_state_path") : InstancePaths.defaultBanState(c.file()));
    }
}
