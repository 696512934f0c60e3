package fastnetmon.redis;

import fastnetmon.config.Configuration;

import java.time.Duration;

/**
 * Where a Redis is and how keys are named there, typed and read in one place ({@link #from} for the
 * {@code redis_*} keys). Immutable.
 *
 * @param enabled        {@code redis_enabled}
 * @param host           {@code redis_host}
 * @param port           {@code redis_port}
 * @param prefix         {@code redis_prefix}: joined to every key with an underscore (empty: none)
 * @param password       {@code redis_password} (empty: no AUTH)
 * @param tls            {@code redis_tls}
 * @param database       {@code redis_database}
 * @param banTimeSeconds {@code ban_time}, written beside each ban in the ban list (0: no unban)
 * @param uri            instead of host, port, password, TLS and database when not empty: one {@code redis://}
 *                       or {@code rediss://} URI for one server, or several (comma-separated) or a
 *                       {@code redis-cluster://host:port,host:port} form for the seeds of a Redis Cluster
 *                       (see {@link RedisUris})
 */
public record RedisSettings(boolean enabled, String host, int port, String prefix, String password, boolean tls,
                            int database, long banTimeSeconds, String uri) {
    /** How long one command (or one connection attempt) may take before it is given up. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A server by host and port. */
    public RedisSettings(boolean enabled, String host, int port, String prefix, String password, boolean tls,
                         int database, long banTimeSeconds) {
        this(enabled, host, port, prefix, password, tls, database, banTimeSeconds, "");
    }

    public static RedisSettings from(Configuration c) {
        return new RedisSettings(c.getBoolean("redis_enabled"), c.getString("redis_host").trim(), c.getInt("redis_port"),
                c.getString("redis_prefix").trim(), c.getString("redis_password"), c.getBoolean("redis_tls"),
                c.getInt("redis_database"), c.getLong("ban_time"));
    }

    /** A server, several or a cluster by URI (see {@link RedisUris}), keys under {@code prefix}. */
    public static RedisSettings ofUri(String uri, String prefix, long banTimeSeconds) {
        return new RedisSettings(true, "", 0, prefix, "", false, 0, banTimeSeconds, uri.trim());
    }

    /** FastNetMon's key naming: {@code PREFIX_name}, or {@code name} with no prefix. */
    public String key(String name) {
        return prefix.isEmpty() ? name : prefix + "_" + name;
    }

    /** "redis 127.0.0.1:6379 db 0 (tls)", or the URI without its password, for log lines; never the password. */
    public String describe() {
        if (!uri.isEmpty()) {
            return "redis " + RedisUris.withoutPassword(uri);
        }
        return "redis " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                + (database != 0 ? " db " + database : "") + (tls ? " (tls)" : "");
    }

    @Override
    public String toString() {
        return describe();
    }
}
