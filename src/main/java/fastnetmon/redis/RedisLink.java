package fastnetmon.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One lettuce connection to the configured Redis, for one user (the ban action, the live view). Every
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
    private final ClientResources resources;
    private final RedisClient client;
    /** Null when the settings make no address (an empty host): every attempt then says so. */
    private final RedisURI uri;
    private final RepeatedFailure failures;
    private volatile StatefulRedisConnection<String, String> connection;
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
        this.client = RedisClient.create(resources);
        this.uri = uri(settings);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .timeoutOptions(TimeoutOptions.enabled(RedisSettings.TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(RedisSettings.TIMEOUT).keepAlive(true).build())
                .build());
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
    public RedisAsyncCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null && connect()) {
            c = connection;
        }
        return c == null ? null : c.async();
    }

    /** True when a connection is open now (lettuce may be reconnecting it). */
    public boolean isConnected() {
        StatefulRedisConnection<String, String> c = connection;
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
                throw new IllegalArgumentException("redis_host '" + settings.host() + "' is not an address");
            }
            connection = client.connect(uri);
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
        StatefulRedisConnection<String, String> c;
        synchronized (this) {
            closed = true;
            c = connection;
            connection = null;
        }
        try {
            if (c != null) {
                c.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            log.warn("{}: close: {}", settings.describe(), reason(e));
        }
    }
}
