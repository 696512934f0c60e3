package fastnetmon.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.geoip.Asn;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's HTTP API as seen by the client (script commands and screen): one method per endpoint,
 * returning typed records. Throws {@link NoDaemonException} when nothing answers and {@link ApiException}
 * with the server's one-line reason when it refuses.
 */
public final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The server gives the detector 5 s; this leaves room for the answer. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String host;
    private final int port;
    private final String base;
    private final HttpClient http;

    /** {@code host} is a name or an address literal (IPv6 with or without brackets). */
    public ApiClient(String host, int port) {
        this(host, port, Duration.ofSeconds(2));
    }

    public ApiClient(String host, int port, Duration connectTimeout) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.host = h;
        this.port = port;
        this.base = "http://" + (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** host:port as the user would write it ([::1]:10007 for IPv6). */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    // ---- the documents ----

    /** Packets/s, megabits/s and flows/s. */
    public record Rate(long pps, double mbps, long flows) {
    }

    /** @param asn the host's autonomous system ("AS64500 Example Networks"), or null when the server does not say */
    public record HostRate(String ip, long pps, double mbps, long flows, String asn) {
        public HostRate(String ip, long pps, double mbps, long flows) {
            this(ip, pps, mbps, flows, null);
        }
    }

    /**
     * One banned host; {@code bannedAt} in seconds since the epoch; {@code details} is the attack text;
     * {@code attackVector} what the traffic is (empty from a server that does not say).
     */
    public record Ban(String ip, String direction, String attackType, String protocol, long pps, double mbps,
                      long flows, long peakPps, long bannedAt, String hostgroup, String reason, String details,
                      String attackVector) {
    }

    /**
     * GET /api/traffic: {@code totals} by direction (incoming, outgoing, internal, other); {@code top} by
     * direction (incoming, outgoing) then sort key (packets, bytes, flows), busiest first.
     */
    public record Traffic(String version, long time, String sortDefault, int maxIpsInList, Map<String, Rate> totals,
                          Map<String, Map<String, List<HostRate>>> top, long received, long dropped, List<Ban> bans) {
        public List<HostRate> top(String direction, String sort) {
            return top.getOrDefault(direction, Map.of()).getOrDefault(sort, List.of());
        }
    }

    public record Top(String direction, String sort, List<HostRate> hosts) {
    }

    /**
     * GET /api/host/IP: per direction (incoming, outgoing), per traffic class (total, tcp, tcp_syn, udp,
     * icmp, fragmented); {@code ban} is null when the host is not banned.
     */
    public record Host(String ip, Map<String, Map<String, Rate>> counters, Ban ban) {
        public Rate rate(String direction, String trafficClass) {
            return counters.getOrDefault(direction, Map.of()).get(trafficClass);
        }
    }

    /** Nothing answers on the address (not running, API off, another port). */
    public static final class NoDaemonException extends IOException {
        public NoDaemonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server answered with an error: its status and one-line reason. */
    public static final class ApiException extends IOException {
        private final int status;

        public ApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    // ---- the endpoints ----

    public Traffic traffic() throws IOException {
        return traffic(call("GET", "/api/traffic"));
    }

    /** {@code direction} incoming or outgoing, {@code sort} packets, bytes or flows; null for the server's default. */
    public Top top(String direction, String sort, Integer limit) throws IOException {
        StringBuilder q = new StringBuilder();
        param(q, "direction", direction);
        param(q, "sort", sort);
        param(q, "limit", limit == null ? null : limit.toString());
        JsonNode n = call("GET", "/api/top" + q);
        return new Top(text(n, "direction"), text(n, "sort"), hostRates(n.path("hosts")));
    }

    public Host host(String ip) throws IOException {
        JsonNode n = call("GET", "/api/host/" + segment(ip));
        Map<String, Map<String, Rate>> counters = new LinkedHashMap<>();
        for (String d : List.of("incoming", "outgoing")) {
            Map<String, Rate> byClass = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.path(d).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                byClass.put(e.getKey(), rate(e.getValue()));
            }
            counters.put(d, Collections.unmodifiableMap(byClass));
        }
        JsonNode ban = n.path("ban");
        return new Host(text(n, "ip"), Collections.unmodifiableMap(counters), ban.isObject() ? ban(ban) : null);
    }

    public List<Ban> bans() throws IOException {
        return bans(call("GET", "/api/bans").path("bans"));
    }

    /** Bans by hand; {@code direction} incoming or outgoing (null: incoming). */
    public Ban ban(String ip, String direction) throws IOException {
        return ban(ip, direction, false);
    }

    /** Bans by hand; {@code force} bans a whitelisted host too (refused otherwise). */
    public Ban ban(String ip, String direction, boolean force) throws IOException {
        StringBuilder q = new StringBuilder();
        param(q, "direction", direction);
        param(q, "force", force ? "1" : null);
        return ban(call("POST", "/api/ban/" + segment(ip) + q).path("ban"));
    }

    /** Unbans by hand; returns the ban that ended. */
    public Ban unban(String ip) throws IOException {
        return ban(call("POST", "/api/unban/" + segment(ip)).path("unbanned"));
    }

    // ---- HTTP and JSON ----

    private JsonNode call(String method, String pathAndQuery) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw noDaemon(e);
        } catch (HttpTimeoutException e) {
            throw new IOException("fastnetmon on " + address() + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            // Connection reset or closed before an answer: something listens, but not our API.
            throw noDaemon(e);
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(resp.body());
        } catch (JsonProcessingException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            throw new IOException(address() + " answered, but not as fastnetmon's API (HTTP " + resp.statusCode() + ")");
        }
        if (resp.statusCode() != 200) {
            JsonNode err = n.get("error");
            throw new ApiException(resp.statusCode(), err != null && err.isTextual() ? err.asText()
                    : "HTTP " + resp.statusCode());
        }
        return n;
    }

    private NoDaemonException noDaemon(Exception cause) {
        return new NoDaemonException("no fastnetmon answers on " + address() + " (is it running with the API on?)", cause);
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append(q.length() == 0 ? '?' : '&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Rate rate(JsonNode n) {
        return new Rate(n.path("pps").asLong(), n.path("mbps").asDouble(), n.path("flows").asLong());
    }

    private static List<HostRate> hostRates(JsonNode a) {
        List<HostRate> l = new ArrayList<>();
        for (JsonNode h : a) {
            String asn = h.path("asn").canConvertToLong() ? new Asn(h.path("asn").asLong(), h.path("asn_organisation").asText("")).text()
                    : null;
            l.add(new HostRate(text(h, "ip"), h.path("pps").asLong(), h.path("mbps").asDouble(), h.path("flows").asLong(), asn));
        }
        return List.copyOf(l);
    }

    private static Ban ban(JsonNode n) {
        return new Ban(text(n, "ip"), text(n, "direction"), text(n, "attack_type"), text(n, "protocol"),
                n.path("pps").asLong(), n.path("mbps").asDouble(), n.path("flows").asLong(), n.path("peak_pps").asLong(),
                n.path("banned_at").asLong(), text(n, "hostgroup"), text(n, "reason"), text(n, "details"),
                text(n, "attack_vector"));
    }

    private static List<Ban> bans(JsonNode a) {
        List<Ban> l = new ArrayList<>();
        for (JsonNode b : a) {
            l.add(ban(b));
        }
        return List.copyOf(l);
    }

    static Traffic traffic(JsonNode n) {
        Map<String, Rate> totals = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("totals").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            totals.put(e.getKey(), rate(e.getValue()));
        }
        Map<String, Map<String, List<HostRate>>> top = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("top").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> d = it.next();
            Map<String, List<HostRate>> byKey = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> k = d.getValue().fields(); k.hasNext(); ) {
                Map.Entry<String, JsonNode> e = k.next();
                byKey.put(e.getKey(), hostRates(e.getValue()));
            }
            top.put(d.getKey(), Collections.unmodifiableMap(byKey));
        }
        JsonNode capture = n.path("capture");
        return new Traffic(text(n, "version"), n.path("time").asLong(), text(n, "sort_default"),
                n.path("max_ips_in_list").asInt(), Collections.unmodifiableMap(totals), Collections.unmodifiableMap(top),
                capture.path("received").asLong(), capture.path("dropped").asLong(), bans(n.path("bans")));
    }
}
