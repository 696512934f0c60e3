package fastnetmon.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One lettuce connection to the configured Redis (one server, or a Redis Cluster when the settings name
 * its seeds, see {@link RedisUris}), for one user (the ban action, the live view, the cluster's counters),
 * with text values, and a second one with binary values for whoever asks ({@link #binaryCommands}). Every
 * command and connection attempt is bounded by {@link RedisSettings#TIMEOUT}; commands issued while the
 * connection is down are rejected at once (never buffered), and at most {@link #REQUEST_QUEUE} may wait for
 * their reply. Once connected, lettuce reconnects by itself; before that, {@link #connect} tries again, no
 * more often than its back-off allows (1 s doubling to 30 s). A failed attempt is said in one line (at
 * most once a minute), with the server's reply or the socket error, never a stack trace.
 *
 * <p>Threading: any thread. {@code onConnected} runs on lettuce's I/O thread after every (re)connection and
 * must not block.
 */
public final class RedisLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    /** Commands that may wait for their reply; more are rejected by lettuce. */
    static final int REQUEST_QUEUE = 10_000;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RedisSettings settings;
    private final RepeatedFailure failures;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    /** Null when the settings make no address (an empty host, a bad URI): every attempt then says so. */
    private final RedisURI uri;
    /** Why there is no address, when {@link #uri} is null. */
    private final String noAddress;
    private volatile StatefulConnection<String, String> connection;
    private volatile StatefulConnection<byte[], byte[]> binary;
    private long nextAttemptNanos; // guarded by this
    private long backoffNanos = FIRST_BACKOFF_NANOS; // guarded by this
    private boolean closed; // guarded by this

    static {
        // Lettuce says every failed reconnection (every few seconds); ours say it at most once a minute.
        if (LoggerFactory.getLogger("io.lettuce.core.protocol.ConnectionWatchdog") instanceof ch.qos.logback.classic.Logger l
                && l.getLevel() == null) {
            l.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    /** Builds the client (nothing is connected yet). */
    public RedisLink(RedisSettings settings, String user, Runnable onConnected) {
        this.settings = settings;
        this.failures = new RepeatedFailure(log, settings.describe() + ", " + user);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        RedisUris uris = null;
        String why = "redis_host '" + settings.host() + "' is not an address";
        if (!settings.uri().isEmpty()) {
            try {
                uris = RedisUris.parse(settings.uri());
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        this.noAddress = why;
        if (uris != null && uris.cluster()) {
            RedisClusterClient c = RedisClusterClient.create(resources, uris.uris());
            c.setOptions(bounded(ClusterClientOptions.builder())
                    // A failover or a resharding is followed as soon as a MOVED or a lost node says so.
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                            .enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                    .build());
            this.client = c;
            this.uri = uris.uris().get(0);
        } else {
            RedisClient c = RedisClient.create(resources);
            c.setOptions(bounded(ClientOptions.builder()).build());
            this.client = c;
            this.uri = uris != null ? uris.uris().get(0) : settings.uri().isEmpty() ? uri(settings) : null;
        }
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
                if (connection != null) { // a reconnection; the first connection is said by connect()
                    failures.recovered("connected again");
                }
                onConnected.run();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                if (connection != null) { // not our own close
                    failures.failed("connection lost; reconnecting in the background");
                }
            }
        });
    }

    /**
     * The options of a server's client and a cluster's alike: reconnecting by itself, commands rejected while
     * disconnected, at most {@link #REQUEST_QUEUE} waiting, each and every connection attempt bounded.
     */
    private static <B extends ClientOptions.Builder> B bounded(B options) {
        options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .timeoutOptions(TimeoutOptions.enabled(RedisSettings.TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(RedisSettings.TIMEOUT).keepAlive(true).build());
        return options;
    }

    private static RedisURI uri(RedisSettings settings) {
        try {
            RedisURI.Builder uri = RedisURI.builder().withHost(settings.host()).withPort(settings.port())
                    .withDatabase(settings.database()).withSsl(settings.tls()).withTimeout(RedisSettings.TIMEOUT);
            if (!settings.password().isEmpty()) {
                uri.withPassword(settings.password().toCharArray());
            }
            return uri.build();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public RedisSettings settings() {
        return settings;
    }

    /**
     * The connection's commands, connecting first when there is none yet (bounded by the timeout and the
     * back-off); null when Redis cannot be reached now (said in the log).
     */
    public RedisClusterAsyncCommands<String, String> commands() {
        StatefulConnection<String, String> c = connection;
        if (c == null && connect()) {
            c = connection;
        }
        return c == null ? null : async(c);
    }

    /**
     * As {@link #commands()} with binary keys and values, on a connection of their own (opened on first
     * use, once the text one is); null when Redis cannot be reached now.
     */
    public RedisClusterAsyncCommands<byte[], byte[]> binaryCommands() {
        StatefulConnection<byte[], byte[]> b = binary;
        if (b == null) {
            if (!connect()) {
                return null;
            }
            synchronized (this) {
                if (binary == null && !closed) {
                    try {
                        binary = open(ByteArrayCodec.INSTANCE);
                    } catch (RuntimeException e) {
                        failures.failed("cannot connect: " + reason(e));
                        return null;
                    }
                }
                b = binary;
            }
        }
        return b == null ? null : async(b);
    }

    /** Whether the link talks to a Redis Cluster (commands on keys of several slots are refused there). */
    public boolean isCluster() {
        return client instanceof RedisClusterClient;
    }

    private <V> StatefulConnection<V, V> open(RedisCodec<V, V> codec) {
        if (client instanceof RedisClusterClient c) {
            StatefulRedisClusterConnection<V, V> cluster = c.connect(codec);
            // Lettuce opens a master's connection on the first command for its slots, and with commands
            // rejected while disconnected it rejects that command (the connection is still opening): they are
            // opened here. A master that does not answer within the timeout fails its commands until it does.
            CompletableFuture<?>[] masters = cluster.getPartitions().stream()
                    .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.hasNoSlots())
                    .map(n -> cluster.getConnectionAsync(n.getUri().getHost(), n.getUri().getPort()))
                    .toArray(CompletableFuture<?>[]::new);
            try {
                CompletableFuture.allOf(masters).get(RedisSettings.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                failures.failed("a cluster node cannot be reached: " + reason(e) + "; its slots' commands fail until it answers");
            }
            return cluster;
        }
        return ((RedisClient) client).connect(codec, uri);
    }

    private static <V> RedisClusterAsyncCommands<V, V> async(StatefulConnection<V, V> c) {
        if (c instanceof StatefulRedisClusterConnection<V, V> cluster) {
            return cluster.async();
        }
        return ((StatefulRedisConnection<V, V>) c).async();
    }

    /** True when a connection is open now (lettuce may be reconnecting it). */
    public boolean isConnected() {
        StatefulConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    /** Connects when not connected yet and the back-off allows an attempt; true when a connection exists. */
    public synchronized boolean connect() {
        if (connection != null) {
            return true;
        }
        long now = System.nanoTime();
        if (closed || now - nextAttemptNanos < 0) {
            return false;
        }
        try {
            if (uri == null) {
                throw new IllegalArgumentException(noAddress);
            }
            connection = open(StringCodec.UTF8);
            backoffNanos = FIRST_BACKOFF_NANOS;
            if (!failures.recovered("connected")) {
                log.info("{}: connected", settings.describe());
            }
            return true;
        } catch (RuntimeException e) {
            nextAttemptNanos = System.nanoTime() + backoffNanos;
            failures.failed("cannot connect: " + reason(e) + "; going on without Redis, trying again in "
                    + TimeUnit.NANOSECONDS.toSeconds(backoffNanos) + " s");
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            return false;
        }
    }

    /** The innermost message of a lettuce failure: the server's reply or the socket error. */
    public static String reason(Throwable e) {
        Throwable t = e;
        String text = e.toString();
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                text = t.getMessage();
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return text.lines().findFirst().orElse(text);
    }

    /** Closes the connection and the client's threads (bounded: a few seconds). */
    @Override
    public void close() {
        StatefulConnection<String, String> c;
        StatefulConnection<byte[], byte[]> b;
        synchronized (this) {
            closed = true;
            c = connection;
            b = binary;
            connection = null;
            binary = null;
        }
        try {
            if (c != null) {
                c.close();
            }
            if (b != null) {
                b.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            log.warn("{}: close: {}", settings.describe(), reason(e));
        }
    }
}
