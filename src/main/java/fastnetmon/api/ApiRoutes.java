package fastnetmon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.api.DetectorAccess.DetectorUnavailableException;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.Evaluator;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.SubnetKey;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.networks.PrefixMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The API's endpoints, independent of the HTTP server: a request (method, decoded path, raw query) in, a
 * {@link Reply} (status and JSON document) or a {@link Refusal} out. Every call that touches the
 * detector's state goes through {@link DetectorAccess}. Immutable; any thread.
 */
final class ApiRoutes {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    static final int DEFAULT_TOP_LIMIT = 7;
    private static final Set<String> TOP_PARAMETERS = Set.of("direction", "sort", "limit");
    private static final Set<String> BAN_PARAMETERS = Set.of("direction", "force");
    private static final String ENDPOINTS = "GET /api/traffic, /api/top, /api/host/IP, /api/bans, /api/threats, /api/sensors; POST /api/ban/IP, /api/unban/IP";

    private final DetectorAccess access;
    private final ApiInfo info;
    private final PrefixMatcher whitelist;

    ApiRoutes(DetectorAccess access, ApiInfo info, PrefixMatcher whitelist) {
        this.access = access;
        this.info = info;
        this.whitelist = whitelist;
    }

    /** An answer: status and document. */
    record Reply(int status, ObjectNode body, String allow) {
        static Reply ok(ObjectNode body) {
            return new Reply(200, body, null);
        }

        static Reply error(int status, String message) {
            return new Reply(status, ApiJson.error(message), null);
        }
    }

    /** A bad request, thrown by parameter and address checks. */
    static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Answers one request that passed the {@link fastnetmon.http.RequestGuard}: {@code path} decoded,
     * {@code rawQuery} as sent (null when none), {@code remote} the peer (for the log).
     */
    Reply route(String method, String path, String rawQuery, InetAddress remote) throws Refusal, DetectorUnavailableException {
        if (path == null) {
            path = "";
        }
        Map<String, String> query = query(rawQuery);
        switch (path) {
            case "/api/traffic":
                return get(method, () -> traffic(query));
            case "/api/top":
                return get(method, () -> top(query));
            case "/api/bans":
                return get(method, () -> {
                    noParameters(query, Set.of());
                    ObjectNode o = ApiJson.object();
                    o.set("bans", ApiJson.bans(access.bans(), access.geoIp()));
                    return o;
                });
            case "/api/threats":
                return get(method, () -> {
                    noParameters(query, Set.of());
                    ObjectNode o = ApiJson.object();
                    ArrayNode list = o.putArray("threats");
                    access.threats().forEach(t -> list.add(t.toJson()));
                    return o;
                });
            case "/api/sensors":
                return get(method, () -> {
                    noParameters(query, Set.of());
                    ObjectNode o = ApiJson.object();
                    o.set("sensors", ApiJson.sensorStatuses(access.sensors()));
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
                Math.min(limit, Evaluator.TOP_HOSTS), System.currentTimeMillis() / 1000, access.geoIp());
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
        return ApiJson.top(access.view(), d, k, limit, access.geoIp());
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
        return ApiJson.hostCounters(text, t, ban, access.geoIp());
    }

    private ObjectNode ban(String ip, Map<String, String> query, InetAddress remote) throws Refusal, DetectorUnavailableException {
        noParameters(query, BAN_PARAMETERS);
        long[] a = bannableAddress(ip);
        // As FastNetMon reports a ban by hand: direction "other" unless the request names one
        Direction d = query.containsKey("direction") ? banDirection(query.get("direction")) : Direction.OTHER;
        boolean force = query.containsKey("force") && flag("force", query.get("force"));
        String text = IpAddresses.format(a[0], a[1]);
        boolean whitelisted = whitelist.lookup(a[0], a[1]) >= 0;
        if (whitelisted && !force) {
            throw new Refusal(409, text + " is in the whitelist (white_list_path), which is never banned; "
                    + "ask with force=1 (fastnetmon_client ban " + text + " --force) to ban it all the same");
        }
        Attack attack = access.ban(a[0], a[1], d);
        if (attack == null) {
            throw new Refusal(409, text + " is banned already");
        }
        log.info("manual ban of {} ({}{}) through the API from {}", text, d.text(), whitelisted ? ", whitelisted, forced" : "",
                remote == null ? "?" : remote.getHostAddress());
        ObjectNode o = ApiJson.object();
        o.set("ban", ApiJson.ban(attack, access.geoIp()));
        return o;
    }

    private ObjectNode unban(String ip, Map<String, String> query, InetAddress remote) throws Refusal, DetectorUnavailableException {
        noParameters(query, Set.of());
        long[] a;
        String text;
        if (ip.indexOf('/') >= 0) { // a network banned as a whole (carpet bombing)
            Cidr network = bannedNetwork(ip);
            a = SubnetKey.of(network);
            text = network.toString();
        } else {
            a = bannableAddress(ip);
            text = IpAddresses.format(a[0], a[1]);
        }
        Attack attack = access.unban(a[0], a[1]);
        if (attack == null) {
            throw new Refusal(404, text + " is not banned");
        }
        log.info("manual unban of {} through the API from {}", text, remote == null ? "?" : remote.getHostAddress());
        ObjectNode o = ApiJson.object();
        o.set("unbanned", ApiJson.ban(attack, access.geoIp()));
        return o;
    }

    /** The address in the path, parsed and checked against the monitored networks. */
    private long[] monitoredAddress(String ip) throws Refusal {
        long[] a = address(ip);
        if (!access.monitored(a[0], a[1])) {
            throw new Refusal(400, IpAddresses.format(a[0], a[1]) + " is not in the monitored networks");
        }
        return a;
    }

    /** The address to ban or unban by hand: in the monitored networks unless api_ban_outside_networks is on. */
    private long[] bannableAddress(String ip) throws Refusal {
        long[] a = address(ip);
        if (!info.banOutsideNetworks() && !access.monitored(a[0], a[1])) {
            throw new Refusal(400, IpAddresses.format(a[0], a[1]) + " is not in the monitored networks"
                    + " (api_ban_outside_networks = on allows bans of any address)");
        }
        return a;
    }

    /** A network as the ban of a hostgroup's network names it ("10.10.5.0/24"). */
    private Cidr bannedNetwork(String text) throws Refusal {
        Cidr c;
        try {
            c = SubnetKey.network(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, quote(text) + " " + e.getMessage());
        }
        if (!info.banOutsideNetworks() && !access.monitored(c.hi(), c.lo())) {
            throw new Refusal(400, c + " is not in the monitored networks");
        }
        return c;
    }

    private static long[] address(String ip) throws Refusal {
        long[] a = IpAddresses.parse(ip);
        if (a == null) {
            String why = IpAddresses.whyNot(ip);
            throw new Refusal(400, quote(ip) + " is not an IP address" + (why == null ? "" : " (" + why + ")"));
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

    /** A manual ban's direction: incoming, outgoing or other. */
    private static Direction banDirection(String s) throws Refusal {
        if ("other".equals(s.strip().toLowerCase(Locale.ROOT))) {
            return Direction.OTHER;
        }
        try {
            return direction(s);
        } catch (Refusal r) {
            throw new Refusal(400, "direction must be incoming, outgoing or other, not " + quote(s));
        }
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

    /** A yes/no parameter: empty, 1, true, yes or on is yes; 0, false, no or off is no. */
    private static boolean flag(String name, String s) throws Refusal {
        switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "", "1", "true", "yes", "on":
                return true;
            case "0", "false", "no", "off":
                return false;
            default:
                throw new Refusal(400, name + " must be 1 or 0, not " + quote(s));
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

    static String oneLine(String s, int max) {
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
