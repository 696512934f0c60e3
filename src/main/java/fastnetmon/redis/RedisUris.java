package fastnetmon.redis;

import io.lettuce.core.RedisURI;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The URI forms a Redis is named by: {@code redis://[:password@]host:port[/database]} (or {@code rediss://}
 * for TLS) for one server; several of them, comma-separated, or
 * {@code redis-cluster://[:password@]host:port,host:port} ({@code rediss-cluster://} for TLS) for the seed
 * nodes of a Redis Cluster, from which lettuce learns the rest of the cluster. Immutable.
 *
 * @param cluster whether the URIs are a cluster's seeds
 * @param uris    one at least
 */
public record RedisUris(boolean cluster, List<RedisURI> uris) {
    private static final String CLUSTER = "redis-cluster://", CLUSTER_TLS = "rediss-cluster://";

    /** Parses the text; an {@link IllegalArgumentException} says in one line what is wrong. */
    public static RedisUris parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no Redis URI");
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith(CLUSTER) || lower.startsWith(CLUSTER_TLS)) {
            boolean tls = lower.startsWith(CLUSTER_TLS);
            String rest = t.substring(tls ? CLUSTER_TLS.length() : CLUSTER.length());
            String userInfo = "";
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                userInfo = rest.substring(0, at + 1);
                rest = rest.substring(at + 1);
            }
            List<RedisURI> seeds = new ArrayList<>();
            for (String node : rest.split(",")) {
                if (node.isBlank()) {
                    continue;
                }
                seeds.add(one((tls ? "rediss://" : "redis://") + userInfo + node.trim()));
            }
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("'" + withoutPassword(t) + "' names no cluster node (host:port)");
            }
            return new RedisUris(true, List.copyOf(seeds));
        }
        List<RedisURI> all = new ArrayList<>();
        for (String part : t.split(",")) {
            if (!part.isBlank()) {
                all.add(one(part.trim()));
            }
        }
        return new RedisUris(all.size() > 1, List.copyOf(all));
    }

    private static RedisURI one(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            throw new IllegalArgumentException("'" + withoutPassword(text)
                    + "' is not a Redis URI (redis://host:port, rediss://host:port or redis-cluster://host:port,host:port)");
        }
        try {
            RedisURI uri = RedisURI.create(text);
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("no host");
            }
            if (uri.getHost().contains(":") && !text.contains("[")) { // lettuce takes "h:x" for a host; IPv6 is [::1]
                throw new IllegalArgumentException("the port is not a number");
            }
            uri.setTimeout(RedisSettings.TIMEOUT);
            return uri;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + withoutPassword(text) + "' is not a Redis URI: " + RedisLink.reason(e));
        }
    }

    /** The text with any password replaced by "***", for messages. */
    public static String withoutPassword(String text) {
        return text.replaceAll("(://[^/@,]*?:)[^@/,]*@", "$1***@");
    }
}
