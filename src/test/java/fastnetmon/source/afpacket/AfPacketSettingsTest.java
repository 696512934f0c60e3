package fastnetmon.source.afpacket;

import fastnetmon.counters.TestShards;
import fastnetmon.source.NativeLibC;

import fastnetmon.source.SourceException;
import fastnetmon.source.PacketCounter;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        assertEquals(PacketParser.LINKTYPE_RAW, PacketSocket.linkTypeOf(LinuxPacket.ARPHRD_NONE));
        assertEquals(PacketParser.LINKTYPE_ETHERNET, PacketSocket.linkTypeOf(LinuxPacket.ARPHRD_ETHER));
        assertEquals(PacketParser.LINKTYPE_ETHERNET, PacketSocket.linkTypeOf(LinuxPacket.ARPHRD_LOOPBACK));
    }

    @Test
    void fanoutGroupIdsStayInRange() {
        for (int i = 0; i < 10; i++) {
            int g = AfPacketEngine.fanoutGroupFor(i);
            assertTrue(g >= 0 && g <= 0xffff);
        }
        PacketCounter pc = new PacketCounter(TestShards.shard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8));
        assertThrows(IllegalArgumentException.class, () -> AfPacketEngine.open(AfPacketEngine.Settings.of("lo"), 70000, pc));
    }

    /**
     * Without CAP_NET_RAW the message says what to do: checked in this JVM when it lacks the
     * capability, else in a child JVM whose capability bounding set drops it (setpriv, util-linux).
     */
    @Test
    void missingPermissionIsOneActionableLine() throws Exception {
        int fd = NativeLibC.libc().socket(LinuxPacket.AF_PACKET, LinuxPacket.SOCK_RAW, 0);
        String message;
        if (fd < 0) {
            PacketCounter pc = new PacketCounter(TestShards.shard("x", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8));
            message = assertThrows(SourceException.class, () -> AfPacketEngine.open(AfPacketEngine.Settings.of("lo"), -1, pc)).getMessage();
        } else {
            NativeLibC.libc().close(fd);
            Process p = new ProcessBuilder("setpriv", "--bounding-set=-net_raw,-net_admin", "--inh-caps=-all",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), AfPacketProbe.class.getName()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String last = out.substring(out.lastIndexOf('\n') + 1);
            assertTrue(last.startsWith("REFUSED "), out);
            message = last.substring("REFUSED ".length());
        }
        assertTrue(message.startsWith("capturing on lo needs CAP_NET_RAW"), message);
        assertTrue(message.contains("setcap cap_net_raw,cap_net_admin+eip /"), message);
        assertFalse(message.contains("\n"));
    }
}
