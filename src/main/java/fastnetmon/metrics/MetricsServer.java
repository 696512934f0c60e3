package fastnetmon.metrics;

import fastnetmon.action.ActionStats;
import fastnetmon.cluster.ClusterFigures;
import fastnetmon.export.ExportStats;
import fastnetmon.config.HttpLimits;
import fastnetmon.http.BoundedHttpServer;
import fastnetmon.http.RequestGuard;
import fastnetmon.source.flow.FlowPipeline;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Prometheus endpoint ({@code prometheus}, {@code prometheus_host}, {@code prometheus_port}, as in
 * FastNetMon CE): serves {@code GET /metrics} in the text format, computing every value from a
 * {@link MetricsSource}, the running flow collectors and the actions ({@link ActionMetrics}) at scrape time. The server is a
 * {@link BoundedHttpServer} with the same bounds and caller checks as the API ({@link RequestGuard}:
 * loopback only while bound to loopback, Host checked against DNS rebinding, no web pages).
 */
public final class MetricsServer implements AutoCloseable {
    private final BoundedHttpServer server;

    private MetricsServer(BoundedHttpServer server) {
        this.server = server;
    }

    /** Starts serving with the default HTTP limits and no actions. */
    public static MetricsServer start(String host, int port, MetricsSource source) throws IOException {
        return start(host, port, source, HttpLimits.defaults());
    }

    /** Starts serving with no actions. */
    public static MetricsServer start(String host, int port, MetricsSource source, HttpLimits limits) throws IOException {
        return start(host, port, source, limits, List::of);
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free port, see {@link #port()}).
     *
     * @throws IOException with a one-line message such as
     *                     "cannot serve Prometheus metrics on 127.0.0.1:9209: address already in use"
     * @param actions the actions' figures, read at every scrape ({@code ActionRegistry::stats})
     */
    public static MetricsServer start(String host, int port, MetricsSource source, HttpLimits limits,
                                      Supplier<List<ActionStats>> actions) throws IOException {
        return start(host, port, source, limits, actions, List::of);
    }

    /** The same, with the exporters' figures ({@code Exporters::stats}) read at every scrape. */
    public static MetricsServer start(String host, int port, MetricsSource source, HttpLimits limits,
                                      Supplier<List<ActionStats>> actions, Supplier<List<ExportStats>> exports)
            throws IOException {
        return start(host, port, source, limits, actions, exports, () -> ThreatFigures.NONE);
    }

    /** The same, with the abuse sensors' and AMQP's figures read at every scrape. */
    public static MetricsServer start(String host, int port, MetricsSource source, HttpLimits limits,
                                      Supplier<List<ActionStats>> actions, Supplier<List<ExportStats>> exports,
                                      Supplier<ThreatFigures> threats) throws IOException {
        return start(host, port, source, limits, actions, exports, threats, () -> ClusterFigures.NONE);
    }

    /** The same, with the cluster's figures (an aggregator's sensors, a sensor's publisher) read at every scrape. */
    public static MetricsServer start(String host, int port, MetricsSource source, HttpLimits limits,
                                      Supplier<List<ActionStats>> actions, Supplier<List<ExportStats>> exports,
                                      Supplier<ThreatFigures> threats, Supplier<ClusterFigures> cluster) throws IOException {
        ThreatMetrics threatFamilies = new ThreatMetrics(threats);
        ClusterMetrics clusterFamilies = new ClusterMetrics(cluster);
        FastNetMonCollector detector = new FastNetMonCollector(source);
        FlowMetrics flows = new FlowMetrics(FlowPipeline::active);
        ActionMetrics actionFamilies = new ActionMetrics(actions);
        ExportMetrics exportFamilies = new ExportMetrics(exports);
        return new MetricsServer(BoundedHttpServer.start("Prometheus metrics", host, port, limits,
                loopback -> new RequestGuard(loopback, "metrics endpoint", "prometheus_host"),
                BoundedHttpServer.ErrorFormat.TEXT, new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        String path = request.getHttpURI().getPath();
                        if (!"/metrics".equals(path)) {
                            BoundedHttpServer.write(response, callback, 404, BoundedHttpServer.ErrorFormat.TEXT,
                                    "no such page: the metrics are at /metrics");
                            return true;
                        }
                        boolean head = "HEAD".equals(request.getMethod());
                        if (!"GET".equals(request.getMethod()) && !head) {
                            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                            BoundedHttpServer.write(response, callback, 405, BoundedHttpServer.ErrorFormat.TEXT,
                                    request.getMethod() + " is not allowed here; use GET");
                            return true;
                        }
                        List<MetricFamily> families = new ArrayList<>(detector.collect());
                        families.addAll(flows.collect());
                        families.addAll(actionFamilies.collect());
                        families.addAll(exportFamilies.collect());
                        families.addAll(threatFamilies.collect());
                        families.addAll(clusterFamilies.collect());
                        byte[] body = TextExposition.write(families).getBytes(StandardCharsets.UTF_8);
                        response.setStatus(200);
                        response.getHeaders().put(HttpHeader.CONTENT_TYPE, TextExposition.CONTENT_TYPE);
                        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                        response.write(true, head ? null : ByteBuffer.wrap(body), callback);
                        return true;
                    }
                }));
    }

    /** The port served, useful when started with port 0. */
    public int port() {
        return server.port();
    }

    /** Stops serving; idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
