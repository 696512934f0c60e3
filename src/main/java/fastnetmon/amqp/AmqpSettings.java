package fastnetmon.amqp;

import fastnetmon.config.Configuration;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where threat events are published, read from the {@code amqp_*} keys in one place ({@link #from}).
 * Immutable. Its text ({@link #describe}, {@link #toString}) never holds the password.
 *
 * @param enabled    {@code amqp_enabled}
 * @param uri        {@code amqp_uri}: {@code amqp://user:password@host:port/vhost}, or {@code amqps://} for TLS
 * @param exchange   {@code amqp_exchange} (empty: the default exchange)
 * @param routingKey {@code amqp_routing_key}
 * @param buffer     {@code amqp_buffer}: events kept while they are not confirmed
 */
public record AmqpSettings(boolean enabled, String uri, String exchange, String routingKey, int buffer) {
    /** AMQP's short strings (exchange names, routing keys) hold at most this many bytes. */
    static final int MAX_SHORT_STRING = 255;

    /**
     * The broker an {@code amqp_uri} names, decoded as RabbitMQ's URI rules say (no path: vhost "/"; a
     * path's one segment, percent-decoded, otherwise; no user: guest/guest). Its text has no password.
     */
    public record Endpoint(boolean tls, String host, int port, String user, String password, String vhost) {
        @Override
        public String toString() {
            return (tls ? "amqps " : "amqp ") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                    + " vhost " + vhost + " user " + user;
        }
    }

    public static AmqpSettings from(Configuration c) {
        return new AmqpSettings(c.getBoolean("amqp_enabled"), c.getString("amqp_uri").trim(), c.getString("amqp_exchange").trim(),
                c.getString("amqp_routing_key").trim(), c.getInt("amqp_buffer"));
    }

    /** What keeps these settings from working, one line naming the key (never the password); empty when usable or off. */
    public Optional<String> problem() {
        if (!enabled) {
            return Optional.empty();
        }
        try {
            endpoint();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (exchange.getBytes(StandardCharsets.UTF_8).length > MAX_SHORT_STRING) {
            return Optional.of("amqp_exchange is longer than the " + MAX_SHORT_STRING + " bytes AMQP takes");
        }
        if (routingKey.getBytes(StandardCharsets.UTF_8).length > MAX_SHORT_STRING) {
            return Optional.of("amqp_routing_key is longer than the " + MAX_SHORT_STRING + " bytes AMQP takes");
        }
        if (exchange.isEmpty() && routingKey.isEmpty()) {
            return Optional.of("amqp_routing_key is empty: with the default exchange (amqp_exchange empty) it names the queue");
        }
        return Optional.empty();
    }

    /**
     * The broker {@link #uri} names.
     *
     * @throws IllegalArgumentException with one line naming {@code amqp_uri} and what is wrong (never the
     *                                  password, so never the URI itself)
     */
    public Endpoint endpoint() {
        if (!uri.contains("://")) {
            throw bad("no scheme: write amqp://user:password@host:port/vhost, or amqps://... for TLS");
        }
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            // getReason() and the index, not getMessage(): that one repeats the URI with its password
            throw bad("not a URI (" + e.getReason() + " at character " + (e.getIndex() + 1) + ")");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw bad("the scheme must be amqp:// or amqps:// (TLS)" + (scheme.isEmpty() ? "" : ", not " + scheme + "://"));
        }
        boolean tls = scheme.equals("amqps");
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw bad("no host (or one that is not a host name)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() == -1 ? (tls ? 5671 : 5672) : u.getPort();
        if (port < 1 || port > 65535) {
            throw bad("port " + port + " is not a TCP port (1-65535)");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw bad("has a query or fragment (?... #...), which is not read; give host, port and vhost only");
        }
        String user = "guest", password = "guest";
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String vhost = "/";
        String path = u.getRawPath();
        if (path != null && !path.isEmpty()) {
            if (path.indexOf('/', 1) >= 0) {
                throw bad("the path is the vhost, one segment (write the vhost / as %2f)");
            }
            vhost = decode(path.substring(1));
        }
        return new Endpoint(tls, host, port, user, password, vhost);
    }

    /** "amqp 127.0.0.1:5672 vhost / user guest, exchange (default), routing key fastnetmon_threats", for log lines. */
    public String describe() {
        String where;
        try {
            where = endpoint().toString();
        } catch (IllegalArgumentException e) {
            where = "amqp (amqp_uri not usable)";
        }
        return where + ", exchange " + (exchange.isEmpty() ? "(default)" : exchange) + ", routing key " + routingKey;
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String decode(String s) {
        // percent-decoding only: '+' is a plus in a URI's user, password and path
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("amqp_uri: " + why);
    }
}
