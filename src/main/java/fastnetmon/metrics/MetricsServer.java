package fastnetmon.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Prometheus endpoint ({@code prometheus}, {@code prometheus_host}, {@code prometheus_port}, as in
 * FastNetMon CE): serves {@code GET /metrics} on its own daemon threads, computing every value from a
 * {@link MetricsSource} at scrape time.
 */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsServer(HTTPServer server) {
        this.server = server;
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
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new FastNetMonCollector(source));
        registry.register(new FlowMetrics(fastnetmon.source.flow.FlowPipeline::active));
        try {
            return new MetricsServer(HTTPServer.builder().inetAddress(address).port(port).registry(registry).buildAndStart());
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

    /** The port served, useful when started with port 0. */
    public int port() {
        return server.getPort();
    }

    /** Stops serving; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.close();
        }
    }
}
