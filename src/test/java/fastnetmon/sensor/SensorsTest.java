package fastnetmon.sensor;

import fastnetmon.config.ConfigException;
import fastnetmon.config.Configuration;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static fastnetmon.sensor.Traffic.SECOND;
import static fastnetmon.sensor.Traffic.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry point: sensors built from the configuration, one record fed to all, their stats. */
class SensorsTest {
    @TempDir
    Path dir;

    private Configuration config(String body) throws ConfigException, java.io.IOException {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n2001:db8:10::/48\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\n" + body);
        return Configuration.load(f);
    }

    @Test
    void defaultsRunNoSensor() throws Exception {
        SensorSettings s = SensorSettings.from(Configuration.defaults());
        assertFalse(s.anyEnabled());
        assertEquals(Optional.empty(), s.problem());
        assertEquals(100, s.portscan().threshold());
        assertEquals(60, s.portscan().windowSeconds());
        assertTrue(s.portscan().ports().isEmpty());
        assertTrue(s.spam().ports().contains(25) && s.spam().ports().contains(465) && s.spam().ports().contains(587));
        assertTrue(s.winscan().ports().contains(137) && s.winscan().ports().contains(139) && s.winscan().ports().contains(3389));
        assertFalse(s.winscan().ports().contains(140));
        assertEquals(600, s.cooldownSeconds());
        assertTrue(Sensors.fromConfig(Configuration.defaults(), i -> "x", e -> { }).isEmpty());
    }

    @Test
    void builtFromTheConfigurationEachSensorReportsItsOwnTraffic() throws Exception {
        Configuration c = config("""
                sensor_portscan = on
                sensor_spam = on
                sensor_spam_threshold = 10
                sensor_spam_whitelist = 10.4.4.0/24, 2001:db8:10::25
                sensor_winscan = on
                sensor_winscan_ports = 445
                sensor_cooldown = 30
                sensor_max_tracked_sources = 5000
                """);
        List<ThreatEvent> events = new ArrayList<>();
        Sensors sensors = Sensors.fromConfig(c, i -> "exporter" + i, events::add);
        assertEquals(List.of("portscan", "spam", "winscan"), sensors.types());

        for (int i = 1; i <= 11; i++) { // spam from a relay (whitelisted), then from a client
            sensors.onRecord(Traffic.syn("10.4.4.4", "203.0.113." + i, 25, T0 + i * SECOND), 1);
            sensors.onRecord(Traffic.syn("10.5.5.5", "203.0.113." + i, 25, T0 + i * SECOND), 1);
        }
        for (int h = 1; h <= 51; h++) { // an SMB sweep; 3389 is not watched here
            sensors.onRecord(Traffic.syn("10.6.6.6", "198.18.0." + h, 445, T0 + 20 * SECOND), 0);
            sensors.onRecord(Traffic.syn("10.6.6.7", "198.18.0." + h, 3389, T0 + 20 * SECOND), 0);
        }
        assertEquals(List.of("spam 10.5.5.5 exporter1", "winscan 10.6.6.6 exporter0"),
                events.stream().map(e -> e.type() + " " + e.offender() + " " + e.observer()).toList());
        // the 22 SYNs to port 25 and 102 to 445/3389 were probes too, but 124 from four sources is no port scan

        SensorStats total = sensors.stats();
        assertEquals(22 + 102, total.records());
        assertEquals(2, total.events());
        assertEquals(0, total.untracked());
        assertEquals(124 + 11 + 51, total.matched(), "portscan: every SYN; spam: the client's; winscan: the 445 sweep");
        assertEquals(4 + 1 + 1, total.tracked());
        assertEquals(new SensorStats(124, 124, 0, 0, 4), sensors.statsByType().get("portscan"));
        assertEquals(new SensorStats(124, 11, 1, 0, 1), sensors.statsByType().get("spam"));
    }

    @Test
    void aBadKeyIsOneLineNamingItAndLeavesOnlyThatSensorOff() throws Exception {
        Configuration c = config("""
                sensor_portscan = on
                sensor_winscan = on
                sensor_winscan_ports = 445, smb
                """);
        SensorSettings s = SensorSettings.from(c);
        assertEquals(Optional.of("sensor_winscan_ports: 'smb' is not a port (0-65535) or a range of ports (6000-6010)"), s.problem());
        assertEquals(List.of("portscan"), Sensors.create(s, c.networks(), i -> "", e -> { }).types());

        assertEquals(Optional.of("sensor_spam_whitelist: '10.4.4.0/33' is not a valid CIDR (prefix length must be 0-32)"),
                SensorSettings.from(config("sensor_spam = on\nsensor_spam_whitelist = 10.4.4.0/33\n")).problem());
        assertEquals(Optional.of("sensor_portscan_exception_ports: '70000' is not a port (0-65535) or a range of ports (6000-6010)"),
                SensorSettings.from(config("sensor_portscan = on\nsensor_portscan_exception_ports = 70000\n")).problem());
        assertEquals(Optional.of("sensor_spam_ports: '600-500' is a range that ends before it starts"),
                SensorSettings.from(config("sensor_spam = on\nsensor_spam_ports = 600-500\n")).problem());
        assertEquals(Optional.empty(), SensorSettings.from(config("sensor_spam_ports = 600-500\n")).problem(), "off: no problem");
    }

    @Test
    void outOfRangeNumbersAreRefusedWhenTheFileIsRead() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("sensor_portscan_window = 0\n"));
        assertTrue(e.getMessage().contains("sensor_portscan_window: '0' is out of range"), e.getMessage());
    }

    @Test
    void portSetParsesPortsAndRanges() {
        PortSet p = PortSet.parse("k", List.of("0", "6000-6002", " 65535 "));
        assertTrue(p.contains(0) && p.contains(6000) && p.contains(6001) && p.contains(6002) && p.contains(65535));
        assertFalse(p.contains(5999) || p.contains(6003) || p.contains(-1) || p.contains(65536));
        assertEquals("k: '-5' is not a port (0-65535) or a range of ports (6000-6010)",
                assertThrows(IllegalArgumentException.class, () -> PortSet.parse("k", List.of("-5"))).getMessage());
    }

    @Test
    void wantsOnlyWhatASensorWouldCount() throws Exception {
        Sensors sensors = Sensors.fromConfig(config("sensor_portscan = on\nsensor_portscan_whitelist = 10.9.9.9\nsensor_spam = on\n"),
                i -> "", e -> { });
        assertTrue(sensors.wants(Traffic.syn("10.1.1.1", "192.0.2.1", 22, T0)));
        assertTrue(sensors.wants(Traffic.flow("10.1.1.1", "192.0.2.1", PacketRecord.TCP, 25,
                PacketRecord.TCP_SYN | PacketRecord.TCP_ACK, 10, 800, T0)), "an SMTP session: spam counts it");
        assertFalse(sensors.wants(Traffic.flow("10.1.1.1", "192.0.2.1", PacketRecord.TCP, 443,
                PacketRecord.TCP_SYN | PacketRecord.TCP_ACK, 10, 800, T0)), "a web session");
        assertFalse(sensors.wants(Traffic.syn("198.51.100.1", "10.1.1.1", 22, T0)), "a source outside our networks");
        assertFalse(sensors.wants(Traffic.syn("10.9.9.9", "192.0.2.1", 22, T0)), "whitelisted for portscan");
        assertFalse(Sensors.fromConfig(config(""), i -> "", e -> { }).wants(Traffic.syn("10.1.1.1", "192.0.2.1", 22, T0)));
    }

    @Test
    void aRecordMatchingNoSensorIsOnlyCounted() throws Exception {
        Sensors sensors = Sensors.fromConfig(config("sensor_portscan = on\n"), i -> "", e -> { });
        PacketRecord r = Traffic.flow("10.1.1.1", "192.0.2.1", PacketRecord.TCP, 443,
                PacketRecord.TCP_SYN | PacketRecord.TCP_ACK, 10, 800, T0);
        sensors.onRecord(r, 0);
        assertEquals(new SensorStats(1, 0, 0, 0, 0), sensors.stats());
    }
}
