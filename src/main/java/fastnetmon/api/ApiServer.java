package fastnetmon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import fastnetmon.api.ApiRoutes.Refusal;
import fastnetmon.api.ApiRoutes.Reply;
import fastnetmon.api.DetectorAccess.DetectorUnavailableException;
import fastnetmon.config.Configuration;
import fastnetmon.config.HttpLimits;
import fastnetmon.config.PresentationSettings;
import fastnetmon.http.BoundedHttpServer;
import fastnetmon.http.BoundedHttpServer.ErrorFormat;
import fastnetmon.http.RequestGuard;
import fastnetmon.networks.PrefixMatcher;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The local HTTP API (JSON): traffic and top hosts, one host's counters, the ban list, manual ban and
 * unban ({@link ApiRoutes} has the endpoints). Served by a {@link BoundedHttpServer}: bounded request
 * size, request time and connections, so slow or many clients cannot freeze it; every call that touches
 * the detector's state runs on the evaluator's thread and gives up after 5 s (503).
 *
 * <p>Endpoints: {@code GET /api/traffic}, {@code GET /api/top?direction=&sort=&limit=},
 * {@code GET /api/host/IP}, {@code GET /api/bans}, {@code POST /api/ban/IP?direction=&force=},
 * {@code POST /api/unban/IP}. Every error, including a malformed request, is {@code {"error":"one line"}}
 * with a 4xx or 5xx status.
 *
 * <p>Who may call: see {@link RequestGuard} (loopback only while bound to a loopback address, Host
 * checked against DNS rebinding, no web pages). A whitelisted host is banned by hand only with force.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    static final int DEFAULT_TOP_LIMIT = ApiRoutes.DEFAULT_TOP_LIMIT;
    static final ErrorFormat JSON_ERRORS = new ErrorFormat("application/json; charset=utf-8", ApiServer::errorDocument);

    private final BoundedHttpServer server;
    private final boolean loopbackOnly;

    private ApiServer(BoundedHttpServer server, boolean loopbackOnly) {
        this.server = server;
        this.loopbackOnly = loopbackOnly;
    }

    /** Whether the configuration asks for the API: {@code api} and {@code enable_api} both on (the default). */
    public static boolean enabled(Configuration config) {
        return PresentationSettings.from(config).api().enabled();
    }

    /**
     * The one call the daemon makes: serves the API on {@code api_host:api_port} when {@link #enabled};
     * otherwise does nothing. Close the result at shutdown (before the evaluator's thread stops).
     *
     * @throws IOException with one line, e.g. "cannot serve the API on 127.0.0.1:10007: address already in use"
     */
    public static AutoCloseable start(Configuration config, DetectorAccess access, String version) throws IOException {
        PresentationSettings p = PresentationSettings.from(config);
        if (!p.api().enabled()) {
            return () -> { };
        }
        ApiServer s = start(p.api().host(), p.api().port(), access,
                new ApiInfo(version, p.screen().sortParameter(), p.screen().maxIpsInList(), p.apiBanOutsideNetworks()),
                PrefixMatcher.of(config.whitelist()), p.http());
        log.info("serving the HTTP API on http://{}/api/ ({})",
                new PresentationSettings.Endpoint(true, p.api().host(), s.port()).where(),
                s.loopbackOnly ? "this machine only" : "any client: api_host is not a loopback address");
        return s;
    }

    /** Starts serving on {@code host:port} with no whitelist and the default limits (port 0: a free port). */
    public static ApiServer start(String host, int port, DetectorAccess access, ApiInfo info) throws IOException {
        return start(host, port, access, info, PrefixMatcher.of(List.of()), HttpLimits.defaults());
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free port, see {@link #port()}); manual bans of
     * hosts in {@code whitelist} need force.
     *
     * @throws IOException with one line, e.g. "cannot serve the API on 127.0.0.1:10007: address already in use"
     */
    public static ApiServer start(String host, int port, DetectorAccess access, ApiInfo info, PrefixMatcher whitelist,
                                  HttpLimits limits) throws IOException {
        ApiRoutes routes = new ApiRoutes(access, info, whitelist);
        boolean[] loopback = new boolean[1];
        BoundedHttpServer server = BoundedHttpServer.start("the API", host, port, limits, isLoopback -> {
            loopback[0] = isLoopback;
            return new RequestGuard(isLoopback, "API", "api_host");
        }, JSON_ERRORS, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                answer(routes, request, response, callback);
                return true;
            }
        });
        return new ApiServer(server, loopback[0]);
    }

    /** The port served, useful when started with port 0. */
    public int port() {
        return server.port();
    }

    /** The HTTP server underneath (its connection counts). */
    BoundedHttpServer http() {
        return server;
    }

    /** Stops serving at once (a request under way may be cut off); idempotent. */
    @Override
    public void close() {
        server.close();
    }

    /** Whether a request from {@code remote} may be served: always unless the API is bound to loopback. */
    static boolean allowed(InetAddress remote, boolean loopbackOnly) {
        return RequestGuard.allowed(remote, loopbackOnly);
    }

    /** Whether a Host header names this machine's loopback: localhost, 127.x.y.z or [::1], with any port. */
    static boolean loopbackHostHeader(String host) {
        return RequestGuard.loopbackHostHeader(host);
    }

    private static void answer(ApiRoutes routes, Request request, Response response, Callback callback) {
        String method = request.getMethod();
        Reply reply;
        try {
            String path;
            try {
                path = request.getHttpURI().getDecodedPath();
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, "malformed path");
            }
            InetAddress remote = request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress i
                    ? i.getAddress() : null;
            reply = routes.route(method, path, request.getHttpURI().getQuery(), remote);
        } catch (Refusal r) {
            reply = Reply.error(r.status, r.getMessage());
        } catch (DetectorUnavailableException e) {
            reply = Reply.error(503, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("API {} {} failed", method, request.getHttpURI(), e);
            reply = Reply.error(500, "internal error: " + ApiRoutes.oneLine(String.valueOf(e.getMessage()), 200));
        }
        byte[] body;
        try {
            body = (ApiJson.MAPPER.writeValueAsString(reply.body()) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            body = errorDocument("internal error: cannot write the answer").getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (reply.allow() != null) {
            response.getHeaders().put(HttpHeader.ALLOW, reply.allow());
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** {"error":"message"} and a newline, as every API answer. */
    private static String errorDocument(String message) {
        try {
            return ApiJson.MAPPER.writeValueAsString(ApiJson.error(message)) + "\n";
        } catch (JsonProcessingException e) {
            return "{\"error\":\"error\"}\n";
        }
    }
}
