package fastnetmon.api.grpc;

import fastnetmon.api.ApiRig;
import fastnetmon.api.grpc.proto.BanListReply;
import fastnetmon.api.grpc.proto.BanListRequest;
import fastnetmon.api.grpc.proto.ExecuteBanRequest;
import fastnetmon.api.grpc.proto.FastnetmonGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gRPC service over a real detector (ApiRig), called by a grpc-java client built from the same .proto. */
class GrpcApiServerTest {
    @TempDir
    Path dir;
    private ApiRig rig;
    private GrpcApiServer server;
    private ManagedChannel channel;
    private FastnetmonGrpc.FastnetmonBlockingStub api;

    @BeforeEach
    void start() throws IOException {
        rig = new ApiRig(dir);
        server = GrpcApiServer.start("127.0.0.1", 0, rig.access);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        api = FastnetmonGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
        rig.close();
    }

    private static ExecuteBanRequest ip(String ip) {
        return ExecuteBanRequest.newBuilder().setIpAddress(ip).build();
    }

    private List<String> banlist() {
        List<String> out = new ArrayList<>();
        api.getBanlist(BanListRequest.getDefaultInstance()).forEachRemaining((BanListReply r) -> out.add(r.getIpAddress()));
        return out;
    }

    @Test
    void banListAndUnbanAsFastNetMonDoes() throws Exception {
        assertEquals(List.of(), banlist());
        assertTrue(api.executeBan(ip("10.10.0.9")).getResult());
        assertTrue(api.executeBan(ip("2001:db8:10::7")).getResult());
        assertEquals(List.of("10.10.0.9/32", "2001:db8:10::7/128"), banlist());
        assertFalse(api.executeBan(ip("10.10.0.9")).getResult(), "banned already: nothing done");

        assertTrue(api.executeUnBan(ip("10.10.0.9")).getResult());
        assertEquals(List.of("2001:db8:10::7/128"), banlist());
        List<String> calls = rig.scriptCalls();
        // A manual ban has no direction in FastNetMon's request: ours asks for "other"
        assertEquals(1, calls.stream().filter(c -> c.startsWith("ban 10.10.0.9 other ")).count(), calls.toString());
        assertEquals(1, calls.stream().filter(c -> c.startsWith("unban 10.10.0.9 other ")).count(), calls.toString());
        assertEquals(1, calls.stream().filter(c -> c.startsWith("ban 2001:db8:10::7 other ")).count(), calls.toString());
    }

    @Test
    void refusalsAreOneLineStatuses() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.executeBan(ip("10.10.0.300")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("malformed IP address: 10.10.0.300", e.getStatus().getDescription());

        e = assertThrows(StatusRuntimeException.class, () -> api.executeBan(ip("192.0.2.1")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("192.0.2.1 does not belong to our networks", e.getStatus().getDescription());

        e = assertThrows(StatusRuntimeException.class, () -> api.executeUnBan(ip("10.10.0.8")));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("10.10.0.8 is not banned", e.getStatus().getDescription());

        e = assertThrows(StatusRuntimeException.class, () -> api.executeBan(ip("x".repeat(10_000))));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), "requests are bounded in size");
    }

    @Test
    void portInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> GrpcApiServer.start("127.0.0.1", port, rig.access));
            assertEquals("cannot serve the gRPC API on 127.0.0.1:" + port + ": address already in use", e.getMessage());
        }
    }
}
