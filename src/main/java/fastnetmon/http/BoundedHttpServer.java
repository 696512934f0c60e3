package fastnetmon.http;

import fastnetmon.config.HttpLimits;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An embedded HTTP/1.1 server (Jetty) for a local surface, with every bound of {@link HttpLimits}: request
 * head and body size, the time to send a request, connections in total and per client; and the
 * {@link RequestGuard} checks before the handler runs. Errors found before the handler (a malformed
 * request, a head or body too large, a refused caller) are answered in the surface's own format, one
 * line. Jetty reads requests without blocking, so slow clients hold no thread.
 *
 * <p>Threading: its own small pool of daemon threads; {@link #close} from any thread, once or more.
 */
public final class BoundedHttpServer implements AutoCloseable {
    /** Worker, acceptor and selector threads at most: the handlers are short, the detector work has its own thread. */
    static final int MAX_THREADS = 8;

    static {
        // Jetty's start and stop lines are not the operator's business; its warnings are.
        if (LoggerFactory.getLogger("org.eclipse.jetty") instanceof ch.qos.logback.classic.Logger l && l.getLevel() == null) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionBounds bounds;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Scheduler.Task sweep;

    private BoundedHttpServer(Server server, ServerConnector connector, ConnectionBounds bounds) {
        this.server = server;
        this.connector = connector;
        this.bounds = bounds;
    }

    /** How a surface writes a one-line error: a content type and the body for a message. */
    public record ErrorFormat(String contentType, Function<String, String> body) {
        public static final ErrorFormat TEXT = new ErrorFormat("text/plain; charset=utf-8", m -> m + "\n");
    }

    /**
     * Serves {@code handler} on {@code host:port} (port 0: a free port, see {@link #port()}).
     *
     * @param what "the API" or "Prometheus metrics", for the start-up error line
     * @throws IOException one line, e.g. "cannot serve the API on 127.0.0.1:10007: address already in use"
     */
    public static BoundedHttpServer start(String what, String host, int port, HttpLimits limits, RequestGuardFactory guard,
                                          ErrorFormat errors, Handler handler) throws IOException {
        String where = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("cannot serve " + what + " on " + where + ": unknown host " + host, e);
        }
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        pool.setName("http-" + what.replaceAll("\\W+", "-").toLowerCase(Locale.ROOT).replaceAll("^-|-$", ""));
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(limits.maxHeaderBytes());
        config.setResponseHeaderSize(16 * 1024);
        // An address in a path may be written with %2F ("10.0.0.0%2F8"): let the surface say why it is refused.
        config.setUriCompliance(UriCompliance.DEFAULT.with("fastnetmon", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setIdleTimeout(limits.requestTimeoutSeconds() * 1000L);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(address.getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(limits.requestTimeoutSeconds() * 1000L);
        connector.setAcceptQueueSize(128);
        ConnectionBounds bounds = new ConnectionBounds(limits);
        connector.addBean(bounds);
        server.addConnector(connector);
        RequestGuard g = guard.forAddress(address.isLoopbackAddress());
        SizeLimitHandler sizeLimit = new SizeLimitHandler(limits.maxBodyBytes(), -1);
        sizeLimit.setHandler(new Handler.Wrapper(handler) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                RequestGuard.Refusal r = g.check(request);
                if (r != null) {
                    write(response, callback, r.status(), errors, r.message());
                    return true;
                }
                return super.handle(request, response, callback);
            }
        });
        server.setHandler(bounds.tracking(sizeLimit));
        server.setErrorHandler(new OneLineErrors(errors));
        server.setStopTimeout(0);
        BoundedHttpServer s = new BoundedHttpServer(server, connector, bounds);
        try {
            server.start();
        } catch (Exception e) {
            s.close();
            Throwable cause = e instanceof IOException && e.getCause() instanceof BindException ? e.getCause() : e;
            String why = cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getSimpleName() : cause.getMessage();
            if (cause instanceof BindException || why.contains("Failed to bind")) {
                why = why.contains("Address already in use") ? "address already in use"
                        : why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1);
            }
            throw new IOException("cannot serve " + what + " on " + where + ": " + why, e);
        }
        s.sweep = server.getScheduler().schedule(s::sweepAndReschedule, 1, TimeUnit.SECONDS);
        return s;
    }

    /** Makes the guard once the address is known (loopback or not). */
    public interface RequestGuardFactory {
        RequestGuard forAddress(boolean loopback);
    }

    private void sweepAndReschedule() {
        if (!closed.get()) {
            bounds.sweep();
            sweep = server.getScheduler().schedule(this::sweepAndReschedule, 1, TimeUnit.SECONDS);
        }
    }

    /** Writes a whole one-line error answer. */
    public static void write(Response response, Callback callback, int status, ErrorFormat format, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, format.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(format.body().apply(message).getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** The port served, useful when started with port 0. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Connections open now (tests and metrics). */
    public int openConnections() {
        return bounds.open();
    }

    /** Connections closed at accept for being over a bound, and for not sending a request in time. */
    public long refusedConnections() {
        return bounds.refused();
    }

    public long timedOutConnections() {
        return bounds.timedOut();
    }

    /** Stops serving at once (a request under way may be cut off); idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Scheduler.Task t = sweep;
            if (t != null) {
                t.cancel();
            }
            try {
                server.stop();
            } catch (Exception e) {
                LoggerFactory.getLogger(BoundedHttpServer.class).warn("stopping the HTTP server: {}", e.toString());
            }
        }
    }

    /** Jetty's own error answers (malformed request, head or body too large) in the surface's format. */
    private static final class OneLineErrors extends ErrorHandler {
        private final ErrorFormat format;

        OneLineErrors(ErrorFormat format) {
            this.format = format;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object status = request.getAttribute(ERROR_STATUS);
            Object message = request.getAttribute(ERROR_MESSAGE);
            int code = status instanceof Integer i ? i : response.getStatus() > 0 ? response.getStatus() : 500;
            BoundedHttpServer.write(response, callback, code, format, text(code, message == null ? null : message.toString()));
            return true;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(new HttpField(HttpHeader.CONTENT_TYPE, format.contentType()));
            return ByteBuffer.wrap(format.body().apply(text(status, reason)).getBytes(StandardCharsets.UTF_8));
        }

        private static String text(int status, String reason) {
            String r = reason == null || reason.isBlank() ? org.eclipse.jetty.http.HttpStatus.getMessage(status) : reason;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length() && i < 200; i++) {
                char c = r.charAt(i);
                sb.append(Character.isISOControl(c) ? '?' : c);
            }
            return "HTTP " + status + ": " + sb;
        }
    }
}
