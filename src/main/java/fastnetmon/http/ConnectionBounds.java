package fastnetmon.http;

import fastnetmon.config.HttpLimits;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the connections of one HTTP server: at most {@link HttpLimits#maxConnections()} open, at most
 * {@link HttpLimits#maxConnectionsPerClient()} from one address (a connection over either bound is closed as
 * soon as it is accepted, so a flood of connections is answered at once instead of waiting in the listen
 * queue), and a connection that has not sent a whole request within {@link HttpLimits#requestTimeoutSeconds()}
 * of opening (or of its previous answer) is closed, however slowly it keeps sending: a client trickling one
 * byte every second cannot hold a connection longer than that.
 *
 * <p>Threading: {@link #onOpened}/{@link #onClosed} run on Jetty's selector threads, {@link #sweep} on its
 * scheduler, the handler on worker threads; the state is in concurrent maps and atomics.
 */
final class ConnectionBounds implements Connection.Listener {
    private final HttpLimits limits;
    private final Map<Connection, State> open = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    /** One open connection: its client, and since when it has been waiting for a request (MAX while one runs). */
    private static final class State {
        final InetAddress client;
        volatile long waitingSinceNanos;
        /** Over a bound: closed at open; a request that was read all the same is not answered. */
        volatile boolean refused;

        State(InetAddress client, long now) {
            this.client = client;
            this.waitingSinceNanos = now;
        }
    }

    ConnectionBounds(HttpLimits limits) {
        this.limits = limits;
    }

    @Override
    public void onOpened(Connection connection) {
        SocketAddress a = connection.getEndPoint().getRemoteSocketAddress();
        InetAddress client = a instanceof InetSocketAddress i ? i.getAddress() : null;
        State s = new State(client, System.nanoTime());
        open.put(connection, s);
        int all = total.incrementAndGet();
        int mine = client == null ? 0 : perClient.merge(client, 1, Integer::sum);
        if (all > limits.maxConnections() || mine > limits.maxConnectionsPerClient()) {
            s.refused = true;
            refused.incrementAndGet();
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        State s = open.remove(connection);
        if (s != null) {
            total.decrementAndGet();
            if (s.client != null) {
                perClient.computeIfPresent(s.client, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** Closes the connections that have waited too long for a whole request. Called every second. */
    void sweep() {
        long now = System.nanoTime();
        long limit = limits.requestTimeoutSeconds() * 1_000_000_000L;
        for (Map.Entry<Connection, State> e : open.entrySet()) {
            long since = e.getValue().waitingSinceNanos;
            if (since != Long.MAX_VALUE && now - since > limit) {
                timedOut.incrementAndGet();
                e.getKey().getEndPoint().close();
            }
        }
    }

    /** Open connections now. */
    int open() {
        return total.get();
    }

    /** Connections closed at once for being over a bound, since the start. */
    long refused() {
        return refused.get();
    }

    /** Connections closed for not sending a whole request in time, since the start. */
    long timedOut() {
        return timedOut.get();
    }

    /** Wraps the server's handler so that a connection is not swept while its request is being answered. */
    Handler tracking(Handler inner) {
        return new Handler.Wrapper(inner) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Connection connection = request.getConnectionMetaData().getConnection();
                State s = open.get(connection);
                if (s == null || s.refused) {
                    // The request raced the close of a connection over a bound (or of one already closed).
                    connection.getEndPoint().close();
                    callback.failed(new java.io.IOException("connection over the bound"));
                    return true;
                }
                s.waitingSinceNanos = Long.MAX_VALUE;
                Callback done = new Callback() {
                    @Override
                    public void succeeded() {
                        s.waitingSinceNanos = System.nanoTime();
                        callback.succeeded();
                    }

                    @Override
                    public void failed(Throwable x) {
                        s.waitingSinceNanos = System.nanoTime();
                        callback.failed(x);
                    }

                    @Override
                    public InvocationType getInvocationType() {
                        return callback.getInvocationType();
                    }
                };
                boolean handled = super.handle(request, response, done);
                if (!handled) {
                    s.waitingSinceNanos = System.nanoTime();
                }
                return handled;
            }
        };
    }
}
