package fastnetmon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DefaultRouteTest {
    @TempDir
    Path dir;

    @Test
    void interfacesOfTheDefaultRoutesWithoutLoopbackOrRejectRoutes() throws Exception {
        Path v4 = dir.resolve("route"), v6 = dir.resolve("ipv6_route");
        Files.writeString(v4, """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
                eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
                eth9\t000A0A0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
                """);
        Files.writeString(v6, """
                fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
                00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     wan6
                00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
                """);
        assertEquals(List.of("eth0", "wan6"), DefaultRoute.interfaces(v4, v6));
    }

    @Test
    void noDefaultRouteNoInterface() throws Exception {
        Path v4 = dir.resolve("route");
        Files.writeString(v4, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
                + "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n");
        assertEquals(List.of(), DefaultRoute.interfaces(v4, dir.resolve("missing")));
    }
}
