package fastnetmon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --configuration_check checks what a start would need, and groups the warnings of unimplemented keys. */
class ConfigurationCheckTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    private Result check(String conf, String... args) throws Exception {
        Files.writeString(dir.resolve("networks_list"), "10.10.0.0/16\n");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\ncat >/dev/null\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = networks_list\nwhite_list_path =\nnotify_script_path = notify.sh\n" + conf);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> a = new java.util.ArrayList<>(List.of("--configuration_file", f.toString(), "--configuration_check"));
        a.addAll(List.of(args));
        int exit = FastNetMon.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String ports() throws Exception {
        return "prometheus_port = " + freePort() + "\napi_port = " + freePort() + "\ngrpc_api_port = " + freePort() + "\n";
    }

    @Test
    void aStartableConfigurationIsOk() throws Exception {
        Result r = check(ports(), "lo");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().endsWith("configuration OK\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void whatWouldStopAStartIsAnErrorEach() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Result r = check("mirror_afpacket = off\nnotify_script_path = missing.sh\nprometheus_port = " + busy.getLocalPort()
                    + "\napi_port = " + freePort() + "\ngrpc_api_port = " + freePort() + "\n", "nosuch0");
            assertEquals(1, r.exit(), r.toString());
            assertEquals(List.of(
                    "fastnetmon: no capture engine or flow collector is on (mirror_afpacket, pcap or pfring)",
                    "fastnetmon: notify script " + dir.resolve("missing.sh") + " does not exist",
                    "fastnetmon: prometheus_host:prometheus_port 127.0.0.1:" + busy.getLocalPort()
                            + " is in use (is fastnetmon running already?)"), r.err().lines().toList());
            assertTrue(r.out().endsWith("configuration has 3 problems: a start would fail\n"), r.out());
        }
        Result iface = check(ports(), "nosuch0");
        assertEquals(List.of("fastnetmon: interface nosuch0 does not exist"), iface.err().lines().toList());
    }

    /** A flow collector that could not start (a port that is not one) is a problem, not a collector that is off. */
    @Test
    void aBadFlowPortIsAProblem() throws Exception {
        Result r = check(ports() + "mirror_afpacket = off\nsflow = on\nsflow_port = 6343,70000\n");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(List.of("fastnetmon: " + dir.resolve("fastnetmon.conf") + ": sflow_port: '70000' is not a UDP port (1-65535)"),
                r.err().lines().toList());
    }

    /** An aggregator needs no capture, but a Redis it can name; a sensor the same Redis. */
    @Test
    void anAggregatorNeedsNoCaptureButAUsableRedisUri() throws Exception {
        Result ok = check(ports() + "mirror_afpacket = off\ncluster_role = aggregator\ncluster_redis_uri = redis-cluster://10.0.0.1:7000,10.0.0.2:7000\n");
        assertEquals(0, ok.exit(), ok.toString());
        Result bad = check(ports() + "mirror_afpacket = off\ncluster_role = sensor\ncluster_redis_uri = http://:s3cret@10.0.0.1:6379\nsflow = on\n");
        assertEquals(1, bad.exit(), bad.toString());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().startsWith("fastnetmon: cluster_redis_uri: 'http://:***@10.0.0.1:6379' is not a Redis URI"), bad.err());
        Result standalone = check(ports() + "cluster_redis_uri = http://10.0.0.1\n", "lo");
        assertEquals(0, standalone.exit(), "a standalone detector does not use it: " + standalone);
    }

    @Test
    void unimplementedKeysWarnOneByOneOnlyWhenSwitchedOn() throws Exception {
        Result r = check(ports() + "enable_subnet_counters = on\nmongodb_enabled = off\nmongodb_port = 27017\n"
                + "mirror_netmap = off\nclickhouse_metrics = off\n", "lo");
        assertEquals(0, r.exit(), r.toString());
        List<String> warnings = r.out().lines().filter(l -> l.startsWith("warning: ")).toList();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith(":7: 'enable_subnet_counters' is a FastNetMon option this version does not implement (ignored)"),
                warnings.toString());
        assertTrue(warnings.get(1).endsWith(": 4 FastNetMon options this version does not implement, off or not switches (ignored): "
                + "mongodb_enabled, mongodb_port, mirror_netmap, clickhouse_metrics"), warnings.toString());
        assertFalse(r.out().contains("'clickhouse_metrics'"), r.out());
    }

    @Test
    void mailThatCannotBeSentIsAWarningNotAProblem() throws Exception {
        Result r = check(ports() + "email_notifications = on\nemail_to =\n", "lo");
        assertEquals(0, r.exit(), r.toString());
        List<String> warnings = r.out().lines().filter(l -> l.startsWith("warning: ")).toList();
        assertEquals(1, warnings.size(), r.toString());
        assertTrue(warnings.get(0).startsWith("warning: email_to"), warnings.toString());
        assertTrue(warnings.get(0).endsWith(": the detector would run without mail"), warnings.toString());
        Result fine = check(ports() + "email_notifications = on\nemail_to = noc@example.net\n", "lo");
        assertEquals(0, fine.exit(), fine.toString());
        assertFalse(fine.out().contains("warning: "), fine.toString());
    }
}
