package fastnetmon.api.grpc;

import fastnetmon.api.DetectorAccess;
import fastnetmon.config.Configuration;
import fastnetmon.config.PresentationSettings;
import fastnetmon.config.PresentationSettings.Endpoint;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * FastNetMon's gRPC API ({@code src/main/proto/fastnetmon.proto}) on {@code grpc_api_host:grpc_api_port}
 * (127.0.0.1:50052, FastNetMon 1.2.4's fixed address), so that FastNetMon's {@code fastnetmon_api_client}
 * bans, unbans and lists against us. Served while {@code enable_api} (FastNetMon's key) and {@code grpc_api}
 * are on. Bounded: two handler threads, small messages, a few calls per connection, idle connections closed.
 */
public final class GrpcApiServer implements AutoCloseable {
    private static final int MAX_MESSAGE_BYTES = 4096;
    private final Server server;
    private final ExecutorService threads;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GrpcApiServer(Server server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    public static boolean enabled(Configuration config) {
        return PresentationSettings.from(config).grpc().enabled();
    }

    /**
     * Serves the API when {@link #enabled}; otherwise does nothing. Close the result at shutdown.
     *
     * @throws IOException with one line, e.g. "cannot serve the gRPC API on 127.0.0.1:50052: address already in use"
     */
    public static AutoCloseable start(Configuration config, DetectorAccess access) throws IOException {
        Endpoint at = PresentationSettings.from(config).grpc();
        if (!at.enabled()) {
            return () -> { };
        }
        GrpcApiServer s = start(at.host(), at.port(), access);
        LoggerFactory.getLogger(GrpcApiServer.class).info("serving FastNetMon's gRPC API on {} (fastnetmon_api_client)",
                new Endpoint(true, at.host(), s.port()).where());
        return s;
    }

    /** Starts serving on {@code host:port} (port 0 picks a free port, see {@link #port()}). */
    public static GrpcApiServer start(String host, int port, DetectorAccess access) throws IOException {
        String where = new Endpoint(true, host, port).where();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("cannot serve the gRPC API on " + where + ": unknown host " + host, e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "grpc-api");
            t.setDaemon(true);
            return t;
        });
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
                .executor(threads)
                .addService(new FastNetMonGrpcService(access))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxInboundMetadataSize(MAX_MESSAGE_BYTES)
                .maxConcurrentCallsPerConnection(4)
                .maxConnectionIdle(60, TimeUnit.SECONDS)
                .handshakeTimeout(5, TimeUnit.SECONDS)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            threads.shutdownNow();
            String why = e.getMessage();
            // Netty's own exception (not java.net.BindException) says why, somewhere down the causes
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c.getMessage() != null && c.getMessage().contains("Address already in use")) {
                    why = "address already in use";
                    break;
                }
            }
            throw new IOException("cannot serve the gRPC API on " + where + ": " + why, e);
        }
        return new GrpcApiServer(server, threads);
    }

    public int port() {
        return server.getPort();
    }

    /** Stops serving, letting calls in progress finish for up to 2 s; idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
            threads.shutdownNow();
        }
    }
}
