package fastnetmon.metrics;

import fastnetmon.config.HttpLimits;
import fastnetmon.http.BoundedHttpServer;
import fastnetmon.http.RequestGuard;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The Prometheus endpoint ({@code prometheus}, {@code prometheus_host}, {@code prometheus_port}, as in
 * FastNetMon CE): serves {@code GET /metrics}, computing every value from a {@link MetricsSource} at
 * scrape time. The exposition (formats, content negotiation, {@code name[]} filters, gzip) is the
 * Prometheus library's scrape handler; the server is a {@link BoundedHttpServer} with the same bounds
 * and caller checks as the API ({@link RequestGuard}: loopback only while bound to loopback, Host checked
 * against DNS rebinding, no web pages).
 */
public final class MetricsServer implements AutoCloseable {
    private final BoundedHttpServer server;

    private MetricsServer(BoundedHttpServer server) {
        this.server = server;
    }

    /** Starts serving with the default HTTP limits. */
    public static MetricsServer start(String host, int port, MetricsSource source) throws IOException {
        return start(host, port, source, HttpLimits.defaults());
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free port, see {@link #port()}).
     *
     * @throws IOException with a one-line message such as
     *                     "cannot serve Prometheus metrics on 127.0.0.1:9209: address already in use"
     */
    public static MetricsServer start(String host, int port, MetricsSource source, HttpLimits limits) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new FastNetMonCollector(source));
        registry.register(new FlowMetrics(fastnetmon.source.flow.FlowPipeline::active));
        PrometheusScrapeHandler scrape = new PrometheusScrapeHandler(registry);
        return new MetricsServer(BoundedHttpServer.start("Prometheus metrics", host, port, limits,
                loopback -> new RequestGuard(loopback, "metrics endpoint", "prometheus_host"),
                BoundedHttpServer.ErrorFormat.TEXT, new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) throws IOException {
                        String path = request.getHttpURI().getPath();
                        if (!"/metrics".equals(path)) {
                            BoundedHttpServer.write(response, callback, 404, BoundedHttpServer.ErrorFormat.TEXT,
                                    "no such page: the metrics are at /metrics");
                            return true;
                        }
                        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                            BoundedHttpServer.write(response, callback, 405, BoundedHttpServer.ErrorFormat.TEXT,
                                    request.getMethod() + " is not allowed here; use GET");
                            return true;
                        }
                        scrape.handleRequest(new Exchange(request, response, callback));
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

    /** One scrape, as the Prometheus library's handler sees it, over a Jetty request and response. */
    private static final class Exchange implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private OutputStream body;
        private boolean done;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        @Override
        public PrometheusHttpRequest getRequest() {
            return this;
        }

        @Override
        public PrometheusHttpResponse getResponse() {
            return this;
        }

        @Override
        public String getQueryString() {
            return request.getHttpURI().getQuery();
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return Collections.enumeration(request.getHeaders().getValuesList(name));
        }

        @Override
        public String getMethod() {
            return request.getMethod();
        }

        @Override
        public String getRequestPath() {
            return request.getHttpURI().getPath();
        }

        @Override
        public void setHeader(String name, String value) {
            response.getHeaders().put(name, value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
            response.setStatus(statusCode);
            if (contentLength > 0) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, contentLength);
            }
            body = Content.Sink.asOutputStream(response);
            return body;
        }

        @Override
        public void handleException(IOException e) throws IOException {
            fail(e);
            throw e;
        }

        @Override
        public void handleException(RuntimeException e) {
            fail(e);
            throw e;
        }

        private void fail(Throwable t) {
            if (!done) {
                done = true;
                callback.failed(t);
            }
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            try {
                if (body != null) {
                    body.close(); // writes the last chunk
                } else {
                    response.write(true, null, Callback.NOOP);
                }
                callback.succeeded();
            } catch (IOException e) {
                callback.failed(e);
            }
        }
    }
}
