package fastnetmon.redis;

import fastnetmon.config.Configuration;

import java.time.Duration;

/**
 * What Redis takes from the configuration, typed and read in one place ({@link #from}). Immutable.
 *
 * @param enabled        {@code redis_enabled}
 * @param host           {@code redis_host}
 * @param port           {@code redis_port}
 * @param prefix         {@code redis_prefix}: joined to every key with an underscore (empty: none)
 * @param password       {@code redis_password} (empty: no AUTH)
 * @param tls            {@code redis_tls}
 * @param database       {@code redis_database}
 * @param banTimeSeconds {@code ban_time}, written beside each ban in the ban list (0: no unban)
 */
public record RedisSettings(boolean enabled, String host, int port, String prefix, String password, boolean tls,
                            int database, long banTimeSeconds) {
    /** How long one command (or one connection attempt) may take before it is given up. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    public static RedisSettings from(Configuration c) {
        return new RedisSettings(c.getBoolean("redis_enabled"), c.getString("redis_host").trim(), c.getInt("redis_port"),
                c.getString("redis_prefix").trim(), c.getString("redis_password"), c.getBoolean("redis_tls"),
                c.getInt("redis_database"), c.getLong("ban_time"));
    }

    /** FastNetMon's key naming: {@code PREFIX_name}, or {@code name} with no prefix. */
    public String key(String name) {
        return prefix.isEmpty() ? name : prefix + "_" + name;
    }

    /** "redis 127.0.0.1:6379 db 0 (tls)", for log lines; never the password. */
    public String describe() {
        return "redis " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                + (database != 0 ? " db " + database : "") + (tls ? " (tls)" : "");
    }

    @Override
    public String toString() {
        return describe();
    }
}
