package fastnetmon.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The presentation stages' settings come typed from one place, and the stages import one way (issue 7). */
class PresentationSettingsTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryPresentationKey() throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        Path f = dir.resolve("f.conf");
        Files.writeString(f, "networks_list_path = nets\nwhite_list_path =\nenable_api = off\napi_host = ::1\napi_port = 1234\n"
                + "prometheus_host = 0.0.0.0\nprometheus_port = 9999\nhttp_max_connections = 20\nhttp_max_connections_per_client = 5\n"
                + "http_request_timeout = 3\ncheck_period = 2\nsort_parameter = BYTES\nmax_ips_in_list = 9\n"
                + "grpc_api_host = ::1\ngrpc_api_port = 5005\ncli_stats_file_path = screen.dat\n");
        PresentationSettings p = PresentationSettings.from(Configuration.load(f));
        assertEquals(new PresentationSettings.Endpoint(false, "::1", 1234), p.api());
        assertEquals("[::1]:1234", p.api().where());
        assertEquals(new PresentationSettings.Endpoint(true, "0.0.0.0", 9999), p.metrics());
        assertEquals(new HttpLimits(20, 5, 3, HttpLimits.HEADER_BYTES, HttpLimits.BODY_BYTES), p.http());
        assertEquals(new PresentationSettings.Screen(2, "bytes", 9), p.screen());
        assertEquals(new PresentationSettings.Endpoint(false, "::1", 5005), p.grpc(), "off with enable_api");
        assertEquals(dir.resolve("screen.dat"), p.screenFile());
        PresentationSettings d = PresentationSettings.from(Configuration.defaults());
        assertEquals(new PresentationSettings.Endpoint(true, "127.0.0.1", 50052), d.grpc());
        assertEquals(Path.of("/tmp/fastnetmon.dat"), d.screenFile());
        assertEquals(new HttpLimits(64, 16, 10, HttpLimits.HEADER_BYTES, HttpLimits.BODY_BYTES), HttpLimits.defaults());
    }

    private static List<Path> sources(String pkg) throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("src/main/java/fastnetmon", pkg))) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void presentationLooksUpNoKeyByNameAndConsoleDoesNotImportClient() throws IOException {
        Pattern lookup = Pattern.compile("\\.get(Int|Long|Double|String|Boolean|Path|List)\\(\"");
        List<String> bad = new ArrayList<>();
        for (String pkg : List.of("api", "console", "client", "metrics", "http")) {
            for (Path p : sources(pkg)) {
                String text = Files.readString(p);
                if (lookup.matcher(text).find()) {
                    bad.add(p + ": looks a configuration key up by name");
                }
                if (pkg.equals("console") && text.contains("import fastnetmon.client.")) {
                    bad.add(p + ": console imports client (client uses console, not the reverse)");
                }
                if (pkg.equals("http") && Pattern.compile("import fastnetmon\\.(api|metrics|console|client)\\.").matcher(text).find()) {
                    bad.add(p + ": http serves the surfaces and imports none of them");
                }
            }
        }
        assertFalse(!bad.isEmpty(), String.join("\n", bad));
    }
}
