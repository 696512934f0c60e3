package fastnetmon.config;

import static fastnetmon.config.ConfigKeys.OURS;
import static fastnetmon.config.ConfigKeys.choice;
import static fastnetmon.config.ConfigKeys.key;

import fastnetmon.config.ConfigKeys.Type;

/**
 * The keys of many sensors feeding one detection through Redis (issue 15). Part of {@link ConfigKeys}'
 * registry, kept apart to keep that class readable; {@link #define} is called once from its static initializer.
 */
final class ClusterKeys {
    private ClusterKeys() {
    }

    static void define() {
        choice("cluster_role", "standalone", OURS,
                "standalone: capture, detect and act here; sensor: capture and count, and publish the counters to cluster_redis_uri; "
                        + "aggregator: sum every sensor's counters from there, detect and act (one at a time: a second one is a standby)",
                "standalone", "sensor", "aggregator");
        key("cluster_redis_uri", Type.STRING, "redis://127.0.0.1:6379", OURS,
                "Redis the sensors and aggregators meet in: redis://[:password@]host:port[/db] (rediss:// for TLS), "
                        + "or a Redis Cluster's seeds as redis-cluster://host:port,host:port (or several redis:// URIs, comma-separated)");
        key("cluster_sensor_name", Type.STRING, "", OURS, "This sensor's name in the aggregator's breakdown (empty: the host name)");
        key("cluster_key_prefix", Type.STRING, "fastnetmon_cluster", OURS, "Prefix of every Redis key of the cluster (streams, sample requests, lease, ban list)");
        key("cluster_partitions", Type.INT, "4", OURS,
                "Streams the counters are spread over by host prefix (/24, /48), so that a Redis Cluster spreads them over its masters; "
                        + "every sensor and aggregator must agree", 1, 1024);
        key("cluster_stream_retention", Type.INT, "10", OURS,
                "Seconds of batches each stream keeps (each XADD trims older ones, MINID ~): what an aggregator that starts or takes over can read back, "
                        + "and the bound on Redis' memory (about this many seconds of every sensor's bytes)", 2, 3600);
        key("cluster_max_lag", Type.INT, "3", OURS,
                "Seconds a sensor's batch may be late (its own clock against the aggregator's) and still be counted; older ones are dropped and counted", 1, 60);
        key("cluster_sensor_timeout", Type.INT, "3", OURS, "Seconds without a batch after which a sensor is shown as down", 1, 3600);
        key("cluster_sensor_backlog", Type.INT, "64", OURS,
                "MiB of batches a sensor keeps while Redis is away, sent when it is back; beyond, the oldest are dropped and counted", 1, 4096);
        key("cluster_lease_time", Type.INT, "3", OURS,
                "Seconds the active aggregator's lease lasts without renewal (renewed every third of it): a standby takes over at most one and a half times this after the active one died, at once after its orderly stop", 2, 300);
    }
}
