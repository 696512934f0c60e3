package fastnetmon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import fastnetmon.api.DetectorAccess.DetectorUnavailableException;
import fastnetmon.config.Configuration;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.Evaluator;
import fastnetmon.detection.SortKey;
import fastnetmon.networks.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local HTTP API (JSON): traffic and top hosts, one host's counters, the ban list, manual ban and
 * unban. Served by the JDK's HTTP server on two daemon threads; every call that touches the detector's
 * state goes through {@link DetectorAccess}, which runs it on the evaluator's thread (never on capture
 * threads) and gives up after 5 s (503).
 *
 * <p>Endpoints: {@code GET /api/traffic}, {@code GET /api/top?direction=&sort=&limit=},
 * {@code GET /api/host/IP}, {@code GET /api/bans}, {@code POST /api/ban/IP?direction=},
 * {@code POST /api/unban/IP}. Errors are {@code {"error":"one line"}} with a 4xx or 5xx status.
 *
 * <p>Who may call: bound to a loopback address (the default, 127.0.0.1) the server is reachable from
 * this machine only, and it also refuses (403) any request whose peer is not loopback or whose Host
 * header is not a loopback name (DNS rebinding). Bound to any other address (api_host set by the
 * operator), any client may call. In both cases requests sent by web pages (with an Origin header)
 * are refused, so a browser cannot be made to ban hosts.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Handler threads: enough for a console and a script at once; the detector work is on its own thread. */
    static final int THREADS = 2;
    static final int DEFAULT_TOP_LIMIT = 7;
    private static final Set<String> TOP_PARAMETERS = Set.of("direction", "sort", "limit");
    private static final String ENDPOINTS = "GET /api/traffic, /api/top, /api/host/IP, /api/bans; POST /api/ban/IP, /api/unban/IP";

    private final HttpServer server;
    private final ExecutorService pool;
    private final DetectorAccess access;
    private final ApiInfo info;
    private final boolean loopbackOnly;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ApiServer(HttpServer server, ExecutorService pool, DetectorAccess access, ApiInfo info, boolean loopbackOnly) {
        this.server = server;
        this.pool = pool;
        this.access = access;
        this.info = info;
        this.loopbackOnly = loopbackOnly;
    }

    /** Whether the configuration asks for the API: {@code api} and {@code enable_api} both on (the default). */
    public static boolean enabled(Configuration config) {
        return config.getBoolean("api") && config.getBoolean("enable_api");
    }

    /**
     * The one call the daemon makes: serves the API on {@code api_host:api_port} when {@link #enabled};
     * otherwise does nothing. Close the result at shutdown (before the evaluator's thread stops).
     *
     * @throws IOException with one line, e.g. "cannot serve the API on 127.0.0.1:10007: address already in use"
     */
    public static AutoCloseable start(Configuration config, DetectorAccess access, String version) throws IOException {
        if (!enabled(config)) {
            return () -> { };
        }
        ApiServer s = start(config.getString("api_host"), config.getInt("api_port"), access,
                new ApiInfo(version, config.getString("sort_parameter"), config.getInt("max_ips_in_list")));
        log.info("serving the HTTP API on http://{}/api/ ({})", where(config.getString("api_host"), s.port()),
                s.loopbackOnly ? "this machine only" : "any client: api_host is not a loopback address");
        return s;
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free port, see {@link #port()}).
     *
     * @throws IOException with one line, e.g. "cannot serve the API on 127.0.0.1:10007: address already in use"
     */
    public static ApiServer start(String host, int port, DetectorAccess access, ApiInfo info) throws IOException {
        String where = where(host, port);
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("cannot serve the API on " + where + ": unknown host " + host, e);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (BindException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? "cannot bind" : e.getMessage();
            why = why.startsWith("Address already in use") ? "address already in use"
                    : why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1);
            throw new IOException("cannot serve the API on " + where + ": " + why, e);
        } catch (IOException e) {
            throw new IOException("cannot serve the API on " + where + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ApiServer api = new ApiServer(server, pool, access, info, address.isLoopbackAddress());
        server.setExecutor(pool);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    /** The port served, useful when started with port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving at once (a request under way may be cut off); idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0); // stop(n) waits the whole n seconds on JDK 17 even when idle
            pool.shutdownNow();
            try {
                pool.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether a request from {@code remote} may be served: always unless the API is bound to loopback. */
    static boolean allowed(InetAddress remote, boolean loopbackOnly) {
        return !loopbackOnly || (remote != null && remote.isLoopbackAddress());
    }

    /** Whether a Host header names this machine's loopback: localhost, 127.x.y.z or [::1], with any port. */
    static boolean loopbackHostHeader(String host) {
        if (host == null) {
            return true; // HTTP/1.0 clients may leave it out; the peer address was checked already
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(1, end);
        } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') >= 0) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        long[] a = IpAddresses.parse(h);
        if (a == null) {
            return false;
        }
        return IpAddresses.isV4Mapped(a[0], a[1]) ? ((a[1] >>> 24) & 0xff) == 127 : a[0] == 0 && a[1] == 1;
    }

    private static String where(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** An answer: status and document. */
    private record Reply(int status, ObjectNode body, String allow) {
        static Reply ok(ObjectNode body) {
            return new Reply(200, body, null);
        }

        static Reply error(int status, String message) {
            return new Reply(status, ApiJson.error(message), null);
        }
    }

    /** A bad request, thrown by parameter and address checks. */
    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        Reply reply;
        try {
            reply = route(ex);
        } catch (Refusal r) {
            reply = Reply.error(r.status, r.getMessage());
        } catch (DetectorUnavailableException e) {
            reply = Reply.error(503, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("API {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            reply = Reply.error(500, "internal error: " + oneLine(String.valueOf(e.getMessage()), 200));
        }
        try (ex) {
            byte[] body = (ApiJson.MAPPER.writeValueAsString(reply.body()) + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (reply.allow() != null) {
                ex.getResponseHeaders().set("Allow", reply.allow());
            }
            ex.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Reply route(HttpExchange ex) throws Refusal, DetectorUnavailableException {
        InetAddress remote = ex.getRemoteAddress() == null ? null : ex.getRemoteAddress().getAddress();
        if (!allowed(remote, loopbackOnly)) {
            throw new Refusal(403, "the API answers this machine only (api_host is a loopback address)");
        }
        if (loopbackOnly && !loopbackHostHeader(ex.getRequestHeaders().getFirst("Host"))) {
            throw new Refusal(403, "the API answers requests for localhost only");
        }
        if (ex.getRequestHeaders().containsKey("Origin")) {
            throw new Refusal(403, "requests from web pages are refused");
        }
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        if (path == null) {
            path = "";
        }
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        switch (path) {
            case "/api/traffic":
                return get(method, () -> traffic(query));
            case "/api/top":
                return get(method, () -> top(query));
            case "/api/bans":
                return get(method, () -> {
                    noParameters(query, Set.of());
                    ObjectNode o = ApiJson.object();
                    o.set("bans", ApiJson.bans(access.bans()));
                    return o;
                });
            default:
                break;
        }
        if (path.startsWith("/api/host/") || path.equals("/api/host")) {
            String p = path;
            return get(method, () -> host(rest(p, "/api/host", "GET /api/host/IP"), query));
        }
        if (path.startsWith("/api/ban/") || path.equals("/api/ban")) {
            String p = path;
            return post(method, () -> ban(rest(p, "/api/ban", "POST /api/ban/IP"), query, remote));
        }
        if (path.startsWith("/api/unban/") || path.equals("/api/unban")) {
            String p = path;
            return post(method, () -> unban(rest(p, "/api/unban", "POST /api/unban/IP"), query, remote));
        }
        throw new Refusal(404, "no such endpoint: " + oneLine(path, 100) + " (the API has " + ENDPOINTS + ")");
    }

    private interface Call {
        ObjectNode run() throws Refusal, DetectorUnavailableException;
    }

    private static Reply get(String method, Call call) throws Refusal, DetectorUnavailableException {
        if (!method.equals("GET")) {
            return new Reply(405, ApiJson.error(oneLine(method, 20) + " is not allowed here; use GET"), "GET");
        }
        return Reply.ok(call.run());
    }

    private static Reply post(String method, Call call) throws Refusal, DetectorUnavailableException {
        if (!method.equals("POST")) {
            return new Reply(405, ApiJson.error(oneLine(method, 20) + " is not allowed here; use POST"), "POST");
        }
        return Reply.ok(call.run());
    }

    private ObjectNode traffic(Map<String, String> query) throws Refusal {
        noParameters(query, Set.of("limit"));
        int limit = query.containsKey("limit") ? limit(query.get("limit")) : info.maxIpsInList();
        return ApiJson.traffic(access.view(), info, access.packetsReceived(), access.packetsDropped(),
                Math.min(limit, Evaluator.TOP_HOSTS), System.currentTimeMillis() / 1000);
    }

    private ObjectNode top(Map<String, String> query) throws Refusal {
        noParameters(query, TOP_PARAMETERS);
        Direction d = query.containsKey("direction") ? direction(query.get("direction")) : Direction.INCOMING;
        SortKey k = SortKey.PACKETS;
        if (query.containsKey("sort")) {
            k = SortKey.parse(query.get("sort"));
            if (k == null) {
                throw new Refusal(400, "sort must be packets, bytes or flows, not " + quote(query.get("sort")));
            }
        } else {
            SortKey def = SortKey.parse(info.sortDefault());
            k = def != null ? def : k;
        }
        int limit = query.containsKey("limit") ? limit(query.get("limit")) : DEFAULT_TOP_LIMIT;
        return ApiJson.top(access.view(), d, k, limit);
    }

    private ObjectNode host(String ip, Map<String, String> query) throws Refusal, DetectorUnavailableException {
        noParameters(query, Set.of());
        long[] a = monitoredAddress(ip);
        String text = IpAddresses.format(a[0], a[1]);
        HostTraffic t = access.average(a[0], a[1]);
        Attack ban = access.banOf(a[0], a[1]);
        if (t == null && ban == null) {
            throw new Refusal(404, "no traffic seen for " + text);
        }
        return ApiJson.hostCounters(text, t, ban);
    }

    private ObjectNode ban(String ip, Map<String, String> query, InetAddress remote) throws Refusal, DetectorUnavailableException {
        noParameters(query, Set.of("direction"));
        long[] a = monitoredAddress(ip);
        Direction d = query.containsKey("direction") ? direction(query.get("direction")) : Direction.INCOMING;
        String text = IpAddresses.format(a[0], a[1]);
        Attack attack = access.ban(a[0], a[1], d);
        if (attack == null) {
            throw new Refusal(409, text + " is banned already");
        }
        log.info("manual ban of {} ({}) through the API from {}", text, d.text(), remote == null ? "?" : remote.getHostAddress());
        ObjectNode o = ApiJson.object();
        o.set("ban", ApiJson.ban(attack));
        return o;
    }

    private ObjectNode unban(String ip, Map<String, String> query, InetAddress remote) throws Refusal, DetectorUnavailableException {
        noParameters(query, Set.of());
        long[] a = monitoredAddress(ip);
        String text = IpAddresses.format(a[0], a[1]);
        Attack attack = access.unban(a[0], a[1]);
        if (attack == null) {
            throw new Refusal(404, text + " is not banned");
        }
        log.info("manual unban of {} through the API from {}", text, remote == null ? "?" : remote.getHostAddress());
        ObjectNode o = ApiJson.object();
        o.set("unbanned", ApiJson.ban(attack));
        return o;
    }

    /** The address in the path, parsed and checked against the monitored networks. */
    private long[] monitoredAddress(String ip) throws Refusal {
        long[] a = IpAddresses.parse(ip);
        if (a == null) {
            throw new Refusal(400, quote(ip) + " is not an IP address");
        }
        if (!access.monitored(a[0], a[1])) {
            throw new Refusal(400, IpAddresses.format(a[0], a[1]) + " is not in the monitored networks");
        }
        return a;
    }

    private static String rest(String path, String prefix, String usage) throws Refusal {
        String ip = path.length() > prefix.length() + 1 ? path.substring(prefix.length() + 1) : "";
        if (ip.isEmpty()) {
            throw new Refusal(400, "no IP address given: " + usage);
        }
        return ip;
    }

    private static Direction direction(String s) throws Refusal {
        switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "incoming":
                return Direction.INCOMING;
            case "outgoing":
                return Direction.OUTGOING;
            default:
                throw new Refusal(400, "direction must be incoming or outgoing, not " + quote(s));
        }
    }

    private static int limit(String s) throws Refusal {
        String v = s.strip();
        int n = -1;
        if (v.matches("[0-9]{1,6}")) {
            n = Integer.parseInt(v);
        }
        if (n < 1 || n > Evaluator.TOP_HOSTS) {
            throw new Refusal(400, "limit must be a number from 1 to " + Evaluator.TOP_HOSTS + ", not " + quote(s));
        }
        return n;
    }

    private static void noParameters(Map<String, String> query, Set<String> allowed) throws Refusal {
        for (String k : query.keySet()) {
            if (!allowed.contains(k)) {
                throw new Refusal(400, "unknown parameter " + quote(k)
                        + (allowed.isEmpty() ? " (this endpoint takes none)" : " (this endpoint takes " + String.join(", ", allowed.stream().sorted().toList()) + ")"));
            }
        }
    }

    private static Map<String, String> query(String raw) throws Refusal {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                m.put(k, v);
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, "malformed query string");
            }
        }
        return m;
    }

    /** Text from the request, quoted, on one line and not too long. */
    static String quote(String s) {
        return "'" + oneLine(s, 64) + "'";
    }

    private static String oneLine(String s, int max) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 1);
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > max) {
            sb.append('…');
        }
        return sb.toString();
    }
}
