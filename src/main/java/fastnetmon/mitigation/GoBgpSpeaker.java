package fastnetmon.mitigation;

import fastnetmon.mitigation.gobgp.AddPathRequest;
import fastnetmon.mitigation.gobgp.DeletePathRequest;
import fastnetmon.mitigation.gobgp.GetBgpRequest;
import fastnetmon.mitigation.gobgp.GobgpApiGrpc;
import fastnetmon.mitigation.gobgp.Path;
import fastnetmon.mitigation.gobgp.TableType;
import fastnetmon.networks.Cidr;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Announces blackhole routes and FlowSpec rules through gobgpd's gRPC API (GoBGP 3: AddPath and
 * DeletePath on the global table; see src/main/proto/gobgp). gobgpd sends them on to the neighbors that
 * carry their family: a successful call means gobgpd took the path, not that a router has it. A withdrawal
 * names the same path (family and NLRI; the attributes do not matter); gobgpd answers the withdrawal of a
 * path it does not have with success, so it is harmless. gobgpd keeps no paths across its own restart.
 *
 * <p>Every call has a deadline ({@link #DEFAULT_DEADLINE} unless given), counted from the call's start
 * (building the path and connecting included); a gobgpd that is down, refuses
 * the path or does not answer in time gives an IOException whose message is one line naming gobgpd at
 * host:port and the cause. After such a failure the next call starts on a new connection, so a gobgpd
 * that is back is reached at once (gRPC's own reconnection backs off for up to two minutes).
 *
 * <p>Threading: as {@link Speaker}: its owner calls it from one thread at a time; {@link #close} may come
 * from another thread, and ends a call in progress.
 */
public final class GoBgpSpeaker implements Speaker {
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(3);

    private final String host;
    private final int port;
    private final Duration deadline;
    /** The connection, made on first use and dropped after a transport failure; null then. Guarded by this. */
    private ManagedChannel channel;
    private boolean closed;

    public GoBgpSpeaker(String host, int port) {
        this(host, port, DEFAULT_DEADLINE);
    }

    public GoBgpSpeaker(String host, int port, Duration deadline) {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("gobgpd's API address '" + host + ":" + port + "' is not a host and port");
        }
        this.host = host.trim();
        this.port = port;
        this.deadline = deadline;
    }

    @Override
    public String name() {
        return "gobgp";
    }

    @Override
    public boolean carries(Announcement a) {
        return a instanceof Route || a instanceof FlowSpecRule;
    }

    @Override
    public void announce(Announcement a) throws IOException {
        Deadline end = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
        Path path = path(a, "announce");
        call(end, "announce " + a.text(), stub -> stub.addPath(
                AddPathRequest.newBuilder().setTableType(TableType.GLOBAL).setPath(path).build()));
    }

    @Override
    public void withdraw(Announcement a) throws IOException {
        Deadline end = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
        Path path = path(a, "withdraw");
        // Always with a path: a DeletePath without one (and without a uuid) deletes every path gobgpd
        // was given, other programs' too.
        call(end, "withdraw " + a.text(), stub -> stub.deletePath(
                DeletePathRequest.newBuilder().setTableType(TableType.GLOBAL).setFamily(path.getFamily()).setPath(path).build()));
    }

    /**
     * Builds a path of each kind and asks gobgpd for its settings once (the generated protobuf classes load,
     * gRPC and Netty start, the connection is made: a cold JVM's first call took over a second).
     */
    @Override
    public void prepare() {
        try {
            GoBgpPaths.of(new Route(Cidr.parse("192.0.2.1/32"), "192.0.2.2", List.of("65535:1")));
            GoBgpPaths.of(new Route(Cidr.parse("2001:db8::1/128"), "2001:db8::2", List.of("65535:1")));
            GoBgpPaths.of(new FlowSpecRule(Cidr.parse("192.0.2.1/32"), 6, 1, 2, 2, true, 0));
            Deadline end = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
            call(end, "prepare", stub -> stub.getBgp(GetBgpRequest.getDefaultInstance()));
        } catch (IOException | RuntimeException e) {
            // gobgpd not there yet: the first announce says so, and its retry finds it
        }
    }

    /** Closes the connection; what gobgpd announces stays announced. */
    @Override
    public void close() {
        ManagedChannel c;
        synchronized (this) {
            closed = true;
            c = channel;
            channel = null;
        }
        if (c != null) {
            c.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "gobgpd at " + host + ":" + port;
    }

    private Path path(Announcement a, String what) throws IOException {
        try {
            return GoBgpPaths.of(a);
        } catch (IllegalArgumentException e) {
            throw new IOException(this + ": cannot " + what + " " + a.text() + ": " + e.getMessage());
        }
    }

    private interface Rpc {
        void call(GobgpApiGrpc.GobgpApiBlockingStub stub);
    }

    private void call(Deadline end, String what, Rpc rpc) throws IOException {
        ManagedChannel c = channel(what);
        try {
            rpc.call(GobgpApiGrpc.newBlockingStub(c).withDeadline(end));
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException(this + ": " + what + ": interrupted");
            }
            if (s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                drop(c);
            }
            throw new IOException(this + ": " + what + ": " + cause(s));
        }
    }

    private synchronized ManagedChannel channel(String what) throws IOException {
        if (closed) {
            throw new IOException(this + ": " + what + ": the speaker is closed");
        }
        if (channel == null) {
            // Resolved here, not by gRPC's name resolver: that one logs a stack trace for an unknown host.
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IOException(this + ": " + what + ": unknown host " + host);
            }
            channel = NettyChannelBuilder.forAddress(new InetSocketAddress(address, port)).usePlaintext().build();
        }
        return channel;
    }

    /** Forgets a connection that failed (unless another call already has), so the next call makes a new one. */
    private void drop(ManagedChannel failed) {
        synchronized (this) {
            if (channel != failed) {
                return;
            }
            channel = null;
        }
        failed.shutdownNow();
    }

    /** What went wrong, in one line: "unreachable (Connection refused: /127.0.0.1:50051)", "refused it (UNKNOWN: ...)". */
    private String cause(Status s) {
        String detail = s.getCause() != null ? transportCause(s.getCause()) : s.getDescription();
        detail = detail == null ? "" : detail.replaceAll("\\s+", " ").trim();
        return switch (s.getCode()) {
            case UNAVAILABLE -> "unreachable" + (detail.isEmpty() ? "" : " (" + detail + ")");
            case DEADLINE_EXCEEDED -> "no answer within " + deadline.toMillis() + " ms";
            case CANCELLED -> "cancelled" + (detail.isEmpty() ? "" : " (" + detail + ")");
            default -> "refused it (" + s.getCode() + (detail.isEmpty() ? "" : ": " + detail) + ")";
        };
    }

    /**
     * Netty's connect errors read "finishConnect(..) failed: Connection refused: /host:port", or
     * "null: /host:port" with the reason in the class name only (AnnotatedNoRouteToHostException).
     */
    private static String transportCause(Throwable t) {
        String m = t.getMessage() == null ? "" : t.getMessage().replace("finishConnect(..) failed: ", "");
        if (!m.isEmpty() && !m.startsWith("null")) {
            return m;
        }
        String reason = t.getClass().getSimpleName().replaceFirst("^Annotated", "").replaceFirst("Exception$", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        return reason + m.replaceFirst("^null", "");
    }
}
