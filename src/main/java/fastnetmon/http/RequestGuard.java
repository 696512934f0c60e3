package fastnetmon.http;

import fastnetmon.networks.IpAddresses;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Who may call a local HTTP surface (API or metrics), the same rules for both. Bound to a loopback address,
 * only loopback peers are served, and every name the request gives for the server (each Host header, the
 * authority of an absolute request URI) must be a loopback name: a web page that made its own name resolve
 * to 127.0.0.1 (DNS rebinding) is refused. Whatever the address, a request carrying an Origin header (sent
 * by browsers) is refused, and so is one with more than one Host header. Stateless; any thread.
 */
public final class RequestGuard {
    private final boolean loopbackOnly;
    private final String surface;
    private final String hostKey;

    /**
     * @param surface "API" or "metrics endpoint", as messages name it
     * @param hostKey the configuration key of the listen address, as messages name it
     */
    public RequestGuard(boolean loopbackOnly, String surface, String hostKey) {
        this.loopbackOnly = loopbackOnly;
        this.surface = surface;
        this.hostKey = hostKey;
    }

    public boolean loopbackOnly() {
        return loopbackOnly;
    }

    /** Why the request is refused (status and one line), or null when it may be served. */
    public Refusal check(Request request) {
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        InetAddress remote = peer instanceof InetSocketAddress i ? i.getAddress() : null;
        if (!allowed(remote, loopbackOnly)) {
            return new Refusal(403, "the " + surface + " answers this machine only (" + hostKey + " is a loopback address)");
        }
        List<String> hosts = request.getHeaders().getValuesList(HttpHeader.HOST);
        if (hosts.size() > 1) {
            return new Refusal(400, "more than one Host header");
        }
        if (loopbackOnly) {
            HttpURI uri = request.getHttpURI();
            boolean absolute = uri.getScheme() != null && uri.getHost() != null && !uri.getHost().isEmpty();
            if ((!hosts.isEmpty() && !loopbackHostHeader(hosts.get(0))) || (absolute && !loopbackHostHeader(uri.getAuthority()))) {
                return new Refusal(403, "the " + surface + " answers requests for localhost only");
            }
        }
        if (request.getHeaders().contains(HttpHeader.ORIGIN)) {
            return new Refusal(403, "requests from web pages are refused");
        }
        return null;
    }

    /** A refused request: the HTTP status and one line for the client. */
    public record Refusal(int status, String message) {
    }

    /** Whether a request from {@code remote} may be served: always unless the server is bound to loopback. */
    public static boolean allowed(InetAddress remote, boolean loopbackOnly) {
        return !loopbackOnly || (remote != null && remote.isLoopbackAddress());
    }

    /** Whether a Host header names this machine's loopback: localhost, 127.x.y.z or [::1], with any port. */
    public static boolean loopbackHostHeader(String host) {
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
}
