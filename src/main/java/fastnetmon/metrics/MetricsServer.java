package fastnetmon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Prometheus endpoint ({@code prometheus}, {@code prometheus_host}, {@code prometheus_port}, as in
 * FastNetMon CE): serves {@code GET /metrics} on its own daemon threads, computing every value from a
 * {@link MetricsSource} at scrape time.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free port, see {@link #port()}).
     *
     * @throws IOException with a one-line message such as
     *                     "cannot serve Prometheus metrics on 127.0.0.1:9209: address already in use"
     */
    public static MetricsServer start(String host, int port, MetricsSource source) throws IOException {
        String where = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("cannot serve Prometheus metrics on " + where + ": unknown host " + host, e);
        }
        FastNetMonCollector collector = new FastNetMonCollector(source);
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 16);
            http.createContext("/metrics", exchange -> serve(exchange, collector));
            ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "prometheus-http");
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(threads);
            http.start();
            return new MetricsServer(http, threads);
        } catch (BindException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? "cannot bind" : e.getMessage();
            if (why.startsWith("Address already in use")) {
                why = "address already in use";
            } else {
                why = why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1);
            }
            throw new IOException("cannot serve Prometheus metrics on " + where + ": " + why, e);
        } catch (IOException e) {
            throw new IOException("cannot serve Prometheus metrics on " + where + ": " + e.getMessage(), e);
        }
    }

    private static void serve(HttpExchange exchange, FastNetMonCollector collector) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = collector.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", TextExposition.CONTENT_TYPE);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    /** The port served, useful when started with port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
