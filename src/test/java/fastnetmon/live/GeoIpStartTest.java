package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live detector with a missing ASN database and a corrupt country database: one line each at start,
 * naming the key and the file, and the detector runs (collects flows, serves the API) without them.
 */
@Timeout(90)
class GeoIpStartTest {
    @TempDir
    Path dir;

    @Test
    void badDatabasesAreOneLineEachAndTheDetectorRuns() throws Exception {
        Path corrupt = dir.resolve("GeoLite2-Country.mmdb");
        Files.write(corrupt, new byte[]{1, 2, 3});
        int apiPort;
        int sflowPort;
        try (ServerSocket s = new ServerSocket(0); DatagramSocket d = new DatagramSocket(0)) {
            apiPort = s.getLocalPort();
            sflowPort = d.getLocalPort();
        }
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"),
                "mirror_afpacket = off", "sflow = on", "sflow_host = 127.0.0.1", "sflow_port = " + sflowPort,
                "api_port = " + apiPort, "grpc_api = off", "prometheus = off",
                "geoip_asn_database_path = GeoLite2-ASN.mmdb", "geoip_country_database_path = GeoLite2-Country.mmdb");
        Path output = dir.resolve("output.txt");
        Process detector = new ProcessBuilder(DetectorFiles.command(List.of(), "--configuration_file", conf.toString(),
                "--log_to_console", "--disable_pid_logic")).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(output).contains("collecting flows: sflow")) {
                if (!detector.isAlive() || System.currentTimeMillis() > deadline) {
                    fail("the detector did not start: " + Files.readString(output));
                }
                Thread.sleep(100);
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + apiPort + "/api/traffic")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            List<String> geoLines = Files.readString(output).lines().filter(l -> l.contains("geoip_")).toList();
            assertEquals(2, geoLines.size(), String.join("\n", geoLines));
            assertTrue(geoLines.get(0).endsWith("[WARN] geoip_asn_database_path " + dir.resolve("GeoLite2-ASN.mmdb")
                    + ": no such file; running without source ASNs until a good file is there"), geoLines.get(0));
            assertTrue(geoLines.get(1).endsWith("[WARN] geoip_country_database_path " + corrupt
                    + ": not a MaxMind database (.mmdb); running without source countries until a good file is there"), geoLines.get(1));
        } finally {
            detector.destroy(); // SIGTERM: the orderly stop
            if (!detector.waitFor(30, TimeUnit.SECONDS)) {
                detector.destroyForcibly();
            }
        }
        assertTrue(Files.readString(output).contains("stopped"), "an orderly stop: " + Files.readString(output));
    }
}
