package fastnetmon.capture.afpacket;

import fastnetmon.capture.CaptureException;
import fastnetmon.capture.PacketCounter;
import fastnetmon.counters.CounterShard;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What needs no capture permission. */
class AfPacketSettingsTest {
    @Test
    void fanoutModesParseFromConfig() {
        assertEquals(FanoutMode.QUEUE_MAPPING, FanoutMode.parse("queue_mapping"));
        assertEquals(FanoutMode.CPU, FanoutMode.parse(" CPU "));
        assertThrows(IllegalArgumentException.class, () -> FanoutMode.parse("roundrobin"));
        for (FanoutMode m : FanoutMode.values()) {
            assertEquals(m, FanoutMode.parse(m.configName()));
        }
    }

    @Test
    void linkTypeFollowsTheInterfaceType() {
        assertEquals(PacketParser.LINKTYPE_RAW, AfPacketEngine.linkTypeOf(LinuxPacket.ARPHRD_NONE));
        assertEquals(PacketParser.LINKTYPE_ETHERNET, AfPacketEngine.linkTypeOf(LinuxPacket.ARPHRD_ETHER));
        assertEquals(PacketParser.LINKTYPE_ETHERNET, AfPacketEngine.linkTypeOf(LinuxPacket.ARPHRD_LOOPBACK));
    }

    @Test
    void fanoutGroupIdsStayInRange() {
        for (int i = 0; i < 10; i++) {
            int g = AfPacketEngine.fanoutGroupFor(i);
            assertTrue(g >= 0 && g <= 0xffff);
        }
        PacketCounter pc = new PacketCounter(new CounterShard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8));
        assertThrows(IllegalArgumentException.class, () -> AfPacketEngine.open(AfPacketEngine.Settings.of("lo"), 70000, pc));
    }

    /** Only where capture is not permitted (an ordinary user): the message says what to do. */
    @Test
    void missingPermissionIsOneActionableLine() {
        int fd = LinuxPacket.libc().socket(LinuxPacket.AF_PACKET, LinuxPacket.SOCK_RAW, 0);
        if (fd >= 0) {
            LinuxPacket.libc().close(fd);
        }
        Assumptions.assumeTrue(fd < 0, "capture is permitted here: nothing to check");
        PacketCounter pc = new PacketCounter(new CounterShard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8));
        CaptureException e = assertThrows(CaptureException.class, () -> AfPacketEngine.open(AfPacketEngine.Settings.of("lo"), -1, pc));
        assertTrue(e.getMessage().startsWith("capturing on lo needs CAP_NET_RAW"), e.getMessage());
        assertTrue(e.getMessage().contains("setcap cap_net_raw,cap_net_admin+eip /"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
