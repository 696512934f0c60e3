package fastnetmon.config;

import fastnetmon.config.ConfigKeys.Key;
import fastnetmon.config.ConfigKeys.Type;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.NetworkList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ConfigurationTest {
    @TempDir
    Path dir;

    /** Writes fastnetmon.conf (plus a networks list "nets" it points at, unless the body sets its own). */
    private Path write(String body) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n2001:db8::/32\n");
        if (!body.contains("networks_list_path")) {
            body += "\nnetworks_list_path = nets\n";
        }
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, body);
        return f;
    }

    private Configuration load(String body) throws Exception {
        return Configuration.load(write(body));
    }

    private String error(String body) throws Exception {
        Path f = write(body);
        return assertThrows(ConfigException.class, () -> Configuration.load(f)).getMessage();
    }

    @Test
    void repositoryConfigLoadsWithoutWarningsAndListsEveryKeyWithItsDefault() throws Exception {
        Path f = Path.of("conf/fastnetmon.conf");
        Configuration c = Configuration.load(f);
        assertEquals(List.of(), c.warnings());
        Path root = f.toAbsolutePath().getParent().getParent();
        assertEquals(root.resolve("networks_list"), c.getPath("networks_list_path"));
        assertEquals(root.resolve("networks_whitelist"), c.getPath("white_list_path"));
        assertEquals(root.resolve("notify_about_attack.sh"), c.getPath("notify_script_path"));
        assertEquals(root.resolve("log/attacks"), c.getPath("attack_details_folder"));
        assertEquals(root.resolve("log/fastnetmon.log"), c.getPath("log_file"));
        assertEquals(root.resolve("log/fastnetmon.pid"), c.getPath("pid_path"));
        assertEquals(List.of(Cidr.parse("10.10.0.0/16"), Cidr.parse("2001:db8:10::/48")), c.networks());
        assertEquals(List.of(Cidr.parse("10.10.0.250/32")), c.whitelist());
        String text = Files.readString(f);
        for (Key k : ConfigKeys.all()) {
            if (k.type() == Type.HOSTGROUP) {
                assertTrue(text.contains("# hostgroup = "), "hostgroup documented");
                continue;
            }
            assertTrue(c.isSet(k.name()), k.name() + " is missing from conf/fastnetmon.conf");
            if (k.type() != Type.PATH) {
                assertEquals(ConfigKeys.defaultValue(k.name()), Configuration.defaults().value(k.name()), k.name());
                assertEquals(ConfigKeys.defaultValue(k.name()), c.value(k.name()), k.name() + " differs from its default");
            }
        }
        assertEquals(Configuration.defaults().globalThresholds(), c.globalThresholds());
    }

    @Test
    void defaultsFollowFastNetMon() {
        Configuration c = Configuration.defaults();
        assertNull(c.file());
        assertEquals(List.of(), c.warnings());
        assertEquals(List.of(), c.networks());
        assertEquals(List.of(), c.whitelist());
        assertEquals(List.of(), c.hostGroups());
        assertEquals("info", c.getString("logging_level"));
        assertTrue(c.getBoolean("enable_ban"));
        assertTrue(c.getBoolean("enable_ban_ipv6"));
        assertTrue(c.getBoolean("process_incoming_traffic"));
        assertTrue(c.getBoolean("process_outgoing_traffic"));
        assertEquals(100, c.getInt("ban_details_records_count"));
        assertEquals(1900, c.getLong("ban_time"));
        assertTrue(c.getBoolean("unban_only_if_attack_finished"));
        assertEquals(Path.of("/etc/networks_list"), c.getPath("networks_list_path"));
        assertEquals(Path.of("/etc/networks_whitelist"), c.getPath("white_list_path"));
        assertEquals(20000, c.getLong("threshold_pps"));
        assertEquals(1000, c.getLong("threshold_mbps"));
        assertEquals(3500, c.getLong("threshold_flows"));
        assertTrue(c.getBoolean("ban_for_pps"));
        assertTrue(c.getBoolean("ban_for_bandwidth"));
        assertFalse(c.getBoolean("ban_for_flows"));
        assertEquals(100000, c.getLong("threshold_tcp_syn_pps"));
        assertFalse(c.getBoolean("ban_for_udp_bandwidth"));
        assertEquals(5, c.getInt("average_calculation_time"));
        assertEquals(1, c.getInt("speed_calculation_delay"));
        assertEquals(1, c.getInt("check_period"));
        assertEquals(Path.of("/usr/local/bin/notify_about_attack.sh"), c.getPath("notify_script_path"));
        assertTrue(c.getBoolean("notify_script_enabled"));
        assertEquals(60, c.getInt("notify_script_timeout"));
        assertEquals(Path.of("/var/log/fastnetmon_attacks"), c.getPath("attack_details_folder"));
        assertFalse(c.getBoolean("collect_attack_pcap_dumps"));
        assertEquals(Path.of("/run/fastnetmon-java/fastnetmon.pid"), c.getPath("pid_path")); // never FastNetMon's
        assertEquals(List.of(), c.getList("interfaces")); // none: the command line or the file must name them
        assertEquals("packets", c.getString("sort_parameter"));
        assertEquals(7, c.getInt("max_ips_in_list"));
        assertEquals(Path.of("/var/log/fastnetmon-java/fastnetmon.log"), c.getPath("log_file")); // never FastNetMon's
        assertTrue(c.getBoolean("mirror_afpacket"));
        assertFalse(c.getBoolean("mirror"));
        assertFalse(c.getBoolean("pcap"));
        assertEquals("cpu", c.getString("mirror_af_packet_fanout_mode"));
        assertEquals(1, c.getInt("mirror_af_packet_custom_sampling_rate"));
        assertFalse(c.getBoolean("af_packet_read_packet_length_from_ip_header"));
        assertEquals("", c.getString("pcap_filter"));
        assertTrue(c.getBoolean("prometheus"));
        assertEquals("127.0.0.1", c.getString("prometheus_host"));
        assertEquals(9209, c.getInt("prometheus_port"));
        assertTrue(c.getBoolean("enable_api"));
        assertEquals("127.0.0.1", c.getString("api_host"));
        assertEquals(10007, c.getInt("api_port"));
        assertFalse(c.getBoolean("daemonize"));
        assertFalse(c.isSet("threshold_pps"));
        // relative paths of defaults() resolve against the working directory
        assertTrue(c.describe().startsWith("Configuration: built-in defaults\n"));
    }

    @Test
    void everyKeyParsesANonDefaultValue() throws Exception {
        StringBuilder body = new StringBuilder();
        List<Key> keys = new ArrayList<>();
        for (Key k : ConfigKeys.all()) {
            String v = switch (k.type()) {
                case BOOL -> Boolean.TRUE.equals(ConfigKeys.defaultValue(k.name())) ? "off" : "on";
                case INT, LONG -> Long.toString(Math.min(k.max(), ((Number) ConfigKeys.defaultValue(k.name())).longValue() + 1));
                case DOUBLE -> "2.5";
                case ENUM -> k.choices().get(k.choices().get(0).equals(ConfigKeys.defaultValue(k.name())) ? 1 : 0);
                case STRING -> "some text";
                case LIST -> "eth1, eth2";
                case PATH -> k.name().equals("networks_list_path") ? "nets" : k.name().equals("white_list_path") ? "" : "rel/" + k.name();
                case HOSTGROUP -> "g:192.0.2.0/24";
            };
            body.append(k.name()).append(" = ").append(v).append('\n');
            keys.add(k);
        }
        Path f = write(body.toString());
        Configuration c = Configuration.load(f);
        int line = keys.indexOf(ConfigKeys.get("collect_attack_pcap_dumps")) + 1;
        assertEquals(List.of(f + ":" + line + ": collect_attack_pcap_dumps is not implemented yet (ignored)"), c.warnings());
        for (Key k : keys) {
            Object def = k.type() == Type.HOSTGROUP ? null : ConfigKeys.defaultValue(k.name());
            switch (k.type()) {
                case BOOL -> assertEquals(!(Boolean) def, c.getBoolean(k.name()), k.name());
                case INT -> assertEquals(Math.min(k.max(), (Integer) def + 1), c.getInt(k.name()), k.name());
                case LONG -> assertEquals((Long) def + 1, c.getLong(k.name()), k.name());
                case DOUBLE -> assertEquals(2.5, c.getDouble(k.name()), k.name());
                case ENUM -> assertNotEquals(def, c.getString(k.name()), k.name());
                case STRING -> assertEquals("some text", c.getString(k.name()));
                case LIST -> assertEquals(List.of("eth1", "eth2"), c.getList(k.name()));
                case PATH -> {
                    if (k.name().equals("white_list_path")) {
                        assertNull(c.getPath(k.name()));
                    } else if (!k.name().equals("networks_list_path")) {
                        assertEquals(dir.resolve("rel/" + k.name()), c.getPath(k.name()));
                    }
                }
                case HOSTGROUP -> assertEquals("g", c.hostGroups().get(0).name());
                default -> fail(k.name());
            }
            assertTrue(k.type() == Type.HOSTGROUP || c.isSet(k.name()));
        }
        assertEquals(List.of(), c.whitelist());
        assertEquals(20001, c.globalThresholds().thresholdPps(TrafficClass.TOTAL));
        assertFalse(c.globalThresholds().enableBan());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "threshold_pps = abc|threshold_pps: 'abc' is not a whole number (allowed: 0-1000000000000)",
            "threshold_pps = -5|threshold_pps: '-5' is out of range (allowed: 0-1000000000000)",
            "threshold_tcp_syn_mbps = 1.5|threshold_tcp_syn_mbps: '1.5' is not a whole number (allowed: 0-1000000000)",
            "threshold_mbps =|threshold_mbps: '' is not a whole number (allowed: 0-1000000000)",
            "ban_time = 99999999999999999999|ban_time: '99999999999999999999' is out of range (allowed: 0-315360000)",
            "ban_time = 10000000000|ban_time: '10000000000' is out of range (allowed: 0-315360000)",
            "ban_details_records_count = 100001|ban_details_records_count: '100001' is out of range (allowed: 0-100000)",
            "threshold_udp_mbps = 1000000001|threshold_udp_mbps: '1000000001' is out of range (allowed: 0-1000000000)",
            "enable_ban = maybe|enable_ban: 'maybe' is not on or off",
            "sort_parameter = hosts|sort_parameter: 'hosts' must be one of packets, bytes, flows",
            "logging_level = trace|logging_level: 'trace' must be one of debug, info, warn, error",
            "prometheus_port = 70000|prometheus_port: '70000' is out of range (allowed: 1-65535)",
            "average_calculation_time = 0|average_calculation_time: '0' is out of range (allowed: 1-3600)",
            "threshold_pps 20000|expected 'key = value', got 'threshold_pps 20000'",
            "= 5|expected 'key = value', got '= 5'",
            "hostgroup = nocolon|hostgroup: 'nocolon' is not 'name:cidr,cidr'",
            "hostgroup = g:10.0.0.300/8|hostgroup g: '10.0.0.300/8' is not a valid CIDR",
            "hostgroup = g:|hostgroup g: no networks given",
            "hostgroup = g:10.0.0.0/8\\ng_threshold_pps = lots|g_threshold_pps: 'lots' is not a whole number (allowed: 0-1000000000000)",
            "hostgroup = g:10.0.0.0/8\\ng_threshold_flows = 1000000000001|g_threshold_flows: '1000000000001' is out of range (allowed: 0-1000000000000)",
    })
    void badValuesNameFileAndLine(String line, String problem) throws Exception {
        String body = "# comment\n\nenable_ban = on\n" + line.replace("\\n", "\n") + "\n";
        int lineNo = 4 + (int) line.replace("\\n", "\n").chars().filter(ch -> ch == '\n').count();
        assertEquals(dir.resolve("fastnetmon.conf") + ":" + lineNo + ": " + problem, error(body));
    }

    @Test
    void exactMessageForBadNumber() throws Exception {
        Path f = write("\n".repeat(11) + "threshold_pps = abc\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Configuration.load(f));
        assertTrue(e.getMessage().endsWith("fastnetmon.conf:12: threshold_pps: 'abc' is not a whole number (allowed: 0-1000000000000)"), e.getMessage());
    }

    @Test
    void unknownAndUnimplementedKeysAreWarnings() throws Exception {
        Path f = write("ban_time = 10\nfoo = bar\nmongodb_enabled = on\nmongodb_host = 127.0.0.1\nmongodb_port = 27017\nmirror_netmap = off\n"
                + "logging_remote_syslog_logging = off\nclickhouse_metrics = off\n");
        Configuration c = Configuration.load(f);
        assertEquals(List.of(
                f + ":2: unknown key 'foo' (ignored)",
                f + ":3: 'mongodb_enabled' is a FastNetMon option this version does not implement (ignored)",
                // Only those switched on one by one; the others in one line
                f + ": 5 FastNetMon options this version does not implement, off or not switches (ignored): "
                        + "mongodb_host, mongodb_port, mirror_netmap, logging_remote_syslog_logging, clickhouse_metrics"), c.warnings());
        assertEquals(10, c.getLong("ban_time"));
    }

    @Test
    void duplicateKeyLastWinsWithAWarning() throws Exception {
        Path f = write("threshold_pps = 100\nthreshold_pps = 200\n");
        Configuration c = Configuration.load(f);
        assertEquals(200, c.getLong("threshold_pps"));
        assertEquals(List.of(f + ":2: 'threshold_pps' is set again (first on line 1); the last value is used"), c.warnings());
    }

    @Test
    void commentsWhitespaceAndBooleanSpellings() throws Exception {
        Configuration c = load("""
                # whole-line comment
                   # indented comment
                \tban_for_flows\t=\tyes\t
                ban_for_pps = OFF   # trailing comment
                enable_ban = false
                enable_ban_ipv6 = 0
                pcap = 1
                mirror = TRUE
                daemonize = no
                threshold_flows = +12
                pcap_filter = tcp port 80 # web only
                prometheus_host = a#b
                sort_parameter = Bytes
                interfaces = eth0,,eth1 ,
                """);
        assertTrue(c.getBoolean("ban_for_flows"));
        assertFalse(c.getBoolean("ban_for_pps"));
        assertFalse(c.getBoolean("enable_ban"));
        assertFalse(c.getBoolean("enable_ban_ipv6"));
        assertTrue(c.getBoolean("pcap"));
        assertTrue(c.getBoolean("mirror"));
        assertFalse(c.getBoolean("daemonize"));
        assertEquals(12, c.getLong("threshold_flows"));
        assertEquals("tcp port 80", c.getString("pcap_filter"));
        assertEquals("a#b", c.getString("prometheus_host"));
        assertEquals("bytes", c.getString("sort_parameter"));
        assertEquals(List.of("eth0", "eth1"), c.getList("interfaces"));
        assertEquals("eth0,eth1", c.getString("interfaces"));
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void hostgroupsOverridesAndInheritance() throws Exception {
        Path f = write("""
                my_hosts_threshold_pps = 1000
                threshold_mbps = 500
                hostgroup = my_hosts:10.10.10.221/32, 10.10.10.222/32
                my_hosts_ban_for_tcp_syn_pps = on
                my_hosts_enable_ban = off
                hostgroup = web:2001:db8:1::/48,192.0.2.0/24
                hostgroup = my_hosts:10.10.20.0/24
                web_threshold_tcp_syn_pps = 777
                nosuch_threshold_pps = 5
                my_hosts_threshold_unknown = 5
                hostgroup = other:10.10.20.0/24,198.51.100.7/24
                """);
        Configuration c = Configuration.load(f);
        assertEquals(List.of(
                f + ":9: 'nosuch_threshold_pps' overrides threshold_pps for hostgroup 'nosuch', which no hostgroup line defines (ignored)",
                f + ":10: unknown key 'my_hosts_threshold_unknown' (ignored)",
                f + ":11: hostgroup other: 10.10.20.0/24 is already in hostgroup my_hosts (ignored here)",
                f + ":11: hostgroup other: 198.51.100.7/24 has host bits set, using 198.51.100.0/24"), c.warnings());
        assertEquals(3, c.hostGroups().size());
        HostGroup my = c.hostGroups().get(0);
        assertEquals("my_hosts", my.name());
        assertEquals(List.of(Cidr.parse("10.10.10.221"), Cidr.parse("10.10.10.222"), Cidr.parse("10.10.20.0/24")), my.cidrs());
        Thresholds t = my.thresholds();
        assertFalse(t.enableBan());
        assertTrue(t.enableBanIpv6());                       // inherited
        assertEquals(1000, t.thresholdPps(TrafficClass.TOTAL)); // set before its hostgroup line
        assertEquals(500, t.thresholdMbps(TrafficClass.TOTAL)); // inherited from the global value
        assertTrue(t.banForPps(TrafficClass.TCP_SYN));
        assertEquals(100000, t.thresholdPps(TrafficClass.TCP_SYN));
        HostGroup web = c.hostGroups().get(1);
        assertEquals(List.of(Cidr.parse("2001:db8:1::/48"), Cidr.parse("192.0.2.0/24")), web.cidrs());
        assertEquals(777, web.thresholds().thresholdPps(TrafficClass.TCP_SYN));
        assertTrue(web.thresholds().enableBan());
        assertEquals(List.of(Cidr.parse("198.51.100.0/24")), c.hostGroups().get(2).cidrs());
        // the global thresholds are unaffected by group overrides
        assertEquals(20000, c.globalThresholds().thresholdPps(TrafficClass.TOTAL));
        assertTrue(c.globalThresholds().enableBan());
        assertTrue(c.describe().contains("  my_hosts: 3 CIDRs, ban disabled, pps > 1000, mbps > 500, tcp_syn pps > 100000\n"), c.describe());
    }

    @Test
    void thresholdsAreIndexedByTrafficClass() throws Exception {
        Thresholds t = load("""
                ban_for_pps = on
                threshold_pps = 1
                ban_for_bandwidth = off
                threshold_mbps = 2
                ban_for_flows = on
                threshold_flows = 3
                ban_for_tcp_pps = on
                threshold_tcp_pps = 11
                ban_for_tcp_bandwidth = on
                threshold_tcp_mbps = 12
                ban_for_udp_pps = on
                threshold_udp_pps = 21
                threshold_udp_mbps = 22
                ban_for_icmp_bandwidth = on
                threshold_icmp_pps = 31
                threshold_icmp_mbps = 32
                ban_for_tcp_syn_pps = on
                threshold_tcp_syn_pps = 41
                threshold_tcp_syn_mbps = 42
                """).globalThresholds();
        assertTrue(t.banForPps(TrafficClass.TOTAL));
        assertEquals(1, t.thresholdPps(TrafficClass.TOTAL));
        assertFalse(t.banForBandwidth(TrafficClass.TOTAL));
        assertEquals(2, t.thresholdMbps(TrafficClass.TOTAL));
        assertTrue(t.banForFlows());
        assertEquals(3, t.thresholdFlows());
        assertTrue(t.banForPps(TrafficClass.TCP) && t.banForBandwidth(TrafficClass.TCP));
        assertEquals(11, t.thresholdPps(TrafficClass.TCP));
        assertEquals(12, t.thresholdMbps(TrafficClass.TCP));
        assertTrue(t.banForPps(TrafficClass.UDP) && !t.banForBandwidth(TrafficClass.UDP));
        assertEquals(21, t.thresholdPps(TrafficClass.UDP));
        assertEquals(22, t.thresholdMbps(TrafficClass.UDP));
        assertTrue(!t.banForPps(TrafficClass.ICMP) && t.banForBandwidth(TrafficClass.ICMP));
        assertEquals(31, t.thresholdPps(TrafficClass.ICMP));
        assertEquals(32, t.thresholdMbps(TrafficClass.ICMP));
        assertTrue(t.banForPps(TrafficClass.TCP_SYN) && !t.banForBandwidth(TrafficClass.TCP_SYN));
        assertEquals(41, t.thresholdPps(TrafficClass.TCP_SYN));
        assertEquals(42, t.thresholdMbps(TrafficClass.TCP_SYN));
        assertFalse(t.banForPps(TrafficClass.FRAGMENTED) || t.banForBandwidth(TrafficClass.FRAGMENTED));
        assertEquals(0, t.thresholdPps(TrafficClass.FRAGMENTED));
        assertEquals("pps > 1, flows > 3, tcp pps > 11, tcp mbps > 12, tcp_syn pps > 41, udp pps > 21, icmp mbps > 32", t.summary());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFolder() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc/fnm"));
        Files.writeString(dir.resolve("etc/nets"), "192.0.2.0/24\n");
        Files.writeString(sub.resolve("wl"), "192.0.2.1\n");
        Path f = sub.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = ../nets\nwhite_list_path = wl\nnotify_script_path = /opt/x/notify.sh\nlog_file = ./logs/../fnm.log\n");
        Configuration c = Configuration.load(f);
        assertEquals(dir.resolve("etc/nets"), c.getPath("networks_list_path"));
        assertEquals(sub.resolve("wl"), c.getPath("white_list_path"));
        assertEquals(Path.of("/opt/x/notify.sh"), c.getPath("notify_script_path"));
        assertEquals(sub.resolve("fnm.log"), c.getPath("log_file"));
        assertEquals(sub.resolve("log/../fnm.log").normalize(), c.getPath("log_file"));
        assertEquals("./logs/../fnm.log", c.getString("log_file"));
        assertEquals(List.of(Cidr.parse("192.0.2.0/24")), c.networks());
        assertEquals(List.of(Cidr.parse("192.0.2.1/32")), c.whitelist());
        assertEquals(f, c.file());
    }

    @Test
    void missingNetworksListNamesKeyAndPath() throws Exception {
        Path f = write("ban_time = 5\nnetworks_list_path = missing_list\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Configuration.load(f));
        assertEquals(f + ":2: networks_list_path: '" + dir.resolve("missing_list") + "' does not exist", e.getMessage());
    }

    @Test
    void badNetworksListLineNamesThatFile() throws Exception {
        Files.writeString(dir.resolve("bad"), "10.0.0.0/8\nnot-a-network\n");
        String msg = error("networks_list_path = bad\n");
        assertEquals(dir.resolve("bad") + ":2: 'not-a-network' is not a valid CIDR", msg);
    }

    @Test
    void whitelistMissingIsFineOnlyWhenNotSet() throws Exception {
        Path f = write("white_list_path = nowhere\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Configuration.load(f));
        assertEquals(f + ":1: white_list_path: '" + dir.resolve("nowhere") + "' does not exist", e.getMessage());

        // Not set: FastNetMon's default file is read when this machine has one, and its absence is fine.
        Path systemWhitelist = Path.of("/etc/networks_whitelist");
        Configuration c = load("ban_time = 5\n");
        assertEquals(Files.exists(systemWhitelist) ? NetworkList.load(systemWhitelist).cidrs() : List.of(), c.whitelist());
        assertEquals(List.of(), c.warnings());
        assertEquals(2, c.networks().size());
    }

    @Test
    void emptyNetworksListAndPcapDumpsWarn() throws Exception {
        Files.writeString(dir.resolve("empty"), "# nothing yet\n");
        Path f = write("networks_list_path = empty\ncollect_attack_pcap_dumps = on\n");
        Configuration c = Configuration.load(f);
        assertEquals(List.of(f + ":2: collect_attack_pcap_dumps is not implemented yet (ignored)",
                f + ": networks list " + dir.resolve("empty") + " has no networks: no traffic will be monitored"), c.warnings());
    }

    @Test
    void missingConfigFile() {
        Path f = dir.resolve("none.conf");
        assertEquals(f + ": configuration file not found",
                assertThrows(ConfigException.class, () -> Configuration.load(f)).getMessage());
    }

    @Test
    void gettersRejectUnknownKeysAndWrongTypes() {
        Configuration c = Configuration.defaults();
        assertThrows(IllegalArgumentException.class, () -> c.getBoolean("no_such_key"));
        assertThrows(IllegalArgumentException.class, () -> c.getBoolean("threshold_pps"));
        assertThrows(IllegalArgumentException.class, () -> c.getInt("threshold_pps")); // a LONG key
        assertThrows(IllegalArgumentException.class, () -> c.getPath("api_host"));
        assertEquals(20000.0, c.getDouble("threshold_pps"));
        assertEquals(9209L, c.getLong("prometheus_port"));
    }

    @Test
    void describeSummarises() throws Exception {
        Configuration c = load("hostgroup = g:10.1.0.0/16\ng_ban_for_pps = off\nenable_ban = off\n");
        String d = c.describe();
        assertTrue(d.startsWith("Configuration: " + dir.resolve("fastnetmon.conf") + "\n"), d);
        assertTrue(d.contains("Networks: 2 (1 IPv4, 1 IPv6) from " + dir.resolve("nets") + "\n"), d);
        assertTrue(d.contains("Whitelist: 0 (0 IPv4, 0 IPv6)"), d);
        assertTrue(d.contains("Ban: disabled (detect and log only), IPv6 ban enabled, ban_time 1900 s\n"), d);
        assertTrue(d.contains("Global thresholds: pps > 20000, mbps > 1000\n"), d);
        assertTrue(d.contains("Hostgroups: 1\n  g: 1 CIDR, ban disabled, mbps > 1000\n"), d);
        assertTrue(d.contains("Notify script: /usr/local/bin/notify_about_attack.sh (timeout 60 s)\n"), d);
        assertTrue(d.endsWith("Warnings: 0\n"), d);
    }
}
