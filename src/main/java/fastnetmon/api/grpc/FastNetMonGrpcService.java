package fastnetmon.api.grpc;

import fastnetmon.api.DetectorAccess;
import fastnetmon.api.DetectorAccess.DetectorUnavailableException;
import fastnetmon.api.grpc.proto.BanListReply;
import fastnetmon.api.grpc.proto.BanListRequest;
import fastnetmon.api.grpc.proto.ExecuteBanReply;
import fastnetmon.api.grpc.proto.ExecuteBanRequest;
import fastnetmon.api.grpc.proto.FastnetmonGrpc;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.networks.IpAddresses;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FastNetMon's {@code fastmitigation.Fastnetmon} service over the detector, answering as FastNetMon 1.2.4
 * does: bans and unbans of one host in the monitored networks, and the ban list as {@code ip/32} or
 * {@code ip/128}. A manual ban has direction {@code other} (FastNetMon's request carries none). Errors are
 * gRPC statuses with one line: INVALID_ARGUMENT for a malformed address or one outside the networks,
 * NOT_FOUND when unbanning a host that is not banned, UNAVAILABLE when the detector does not answer.
 *
 * <p>Threading: called on the gRPC server's executor threads; all detector calls go through
 * {@link DetectorAccess}, which is thread-safe.
 */
final class FastNetMonGrpcService extends FastnetmonGrpc.FastnetmonImplBase {
    private static final Logger log = LoggerFactory.getLogger(FastNetMonGrpcService.class);
    private final DetectorAccess access;

    FastNetMonGrpcService(DetectorAccess access) {
        this.access = access;
    }

    @Override
    public void getBanlist(BanListRequest request, StreamObserver<BanListReply> out) {
        try {
            for (Attack a : access.bans()) {
                String prefix = IpAddresses.isV4Mapped(a.ipHi, a.ipLo) ? "/32" : "/128";
                out.onNext(BanListReply.newBuilder().setIpAddress(a.ip + prefix).build());
            }
            out.onCompleted();
        } catch (DetectorUnavailableException e) {
            out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void executeBan(ExecuteBanRequest request, StreamObserver<ExecuteBanReply> out) {
        long[] a = monitoredAddress(request.getIpAddress(), out);
        if (a == null) {
            return;
        }
        String text = IpAddresses.format(a[0], a[1]);
        try {
            Attack attack = access.ban(a[0], a[1], Direction.OTHER);
            if (attack == null) {
                log.info("gRPC API: ban of {}: banned already", text);
            } else {
                log.info("manual ban of {} through the gRPC API", text);
            }
            out.onNext(ExecuteBanReply.newBuilder().setResult(attack != null).build());
            out.onCompleted();
        } catch (DetectorUnavailableException e) {
            out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void executeUnBan(ExecuteBanRequest request, StreamObserver<ExecuteBanReply> out) {
        long[] a = monitoredAddress(request.getIpAddress(), out);
        if (a == null) {
            return;
        }
        String text = IpAddresses.format(a[0], a[1]);
        try {
            Attack attack = access.unban(a[0], a[1]);
            if (attack == null) {
                out.onError(Status.NOT_FOUND.withDescription(text + " is not banned").asRuntimeException());
                return;
            }
            log.info("manual unban of {} through the gRPC API", text);
            out.onNext(ExecuteBanReply.newBuilder().setResult(true).build());
            out.onCompleted();
        } catch (DetectorUnavailableException e) {
            out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    /** The request's address, or null after answering INVALID_ARGUMENT. */
    private long[] monitoredAddress(String ip, StreamObserver<?> out) {
        String shown = ip.length() > 64 ? ip.substring(0, 64) + "..." : ip;
        long[] a = IpAddresses.parse(ip);
        if (a == null) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("malformed IP address: " + shown).asRuntimeException());
            return null;
        }
        if (!access.monitored(a[0], a[1])) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(IpAddresses.format(a[0], a[1])
                    + " does not belong to our networks").asRuntimeException());
            return null;
        }
        return a;
    }
}
