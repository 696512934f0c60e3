package fastnetmon.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * influxd (InfluxDB 1.x) for a test class: HTTP and RPC on free loopback ports, authentication on with one
 * admin user ({@link #USER}, {@link #PASSWORD}), data in a temporary folder, reporting off.
 */
final class InfluxDbServer extends LocalServer {
    static final String USER = "fastnetmon";
    static final String PASSWORD = "s3cret pass";
    final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private InfluxDbServer(Path dir, int port, int rpcPort) throws IOException, InterruptedException {
        super(dir, List.of("influxd", "-config", writeConfig(dir, port, rpcPort).toString()), port);
        this.port = port;
    }

    static InfluxDbServer start() throws IOException, InterruptedException {
        InfluxDbServer server = new InfluxDbServer(Files.createTempDirectory("influxd"), freePort(), freePort());
        // With authentication on and no user yet, InfluxDB lets anyone create the first admin.
        server.query(null, "CREATE USER \"" + USER + "\" WITH PASSWORD '" + PASSWORD + "' WITH ALL PRIVILEGES", false);
        return server;
    }

    private static Path writeConfig(Path dir, int port, int rpcPort) throws IOException {
        Path conf = dir.resolve("influxdb.conf");
        Files.writeString(conf, String.join("\n",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + rpcPort + "\"",
                "[meta]", "  dir = \"" + dir.resolve("meta") + "\"",
                "[data]", "  dir = \"" + dir.resolve("data") + "\"", "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[monitor]", "  store-enabled = false",
                "[http]", "  bind-address = \"127.0.0.1:" + port + "\"", "  auth-enabled = true", "  log-enabled = false",
                "[logging]", "  level = \"warn\"", ""));
        return conf;
    }

    /** The settings of an exporter to this server (authenticated, push period 1 s) with the given timeout. */
    InfluxDbSettings settings(String database, Duration timeout) {
        return new InfluxDbSettings(true, "127.0.0.1", port, database, true, USER, PASSWORD, Duration.ofSeconds(1), timeout);
    }

    /** Creates {@code database} if missing and writes {@code lines} (line protocol, seconds) to it. */
    void write(String database, String lines) throws IOException, InterruptedException {
        query(null, "CREATE DATABASE \"" + database + "\"", true);
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/write?precision=s&db="
                        + URLEncoder.encode(database, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).header("Authorization", basic())
                .POST(HttpRequest.BodyPublishers.ofString(lines)).build();
        HttpResponse<String> reply = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 204) {
            throw new IOException("write: HTTP " + reply.statusCode() + " " + reply.body());
        }
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The rows of {@code select} in {@code database} (timestamps in seconds), as [columns..., values...]
     * per series: {@code results[0].series}, or an empty array.
     */
    JsonNode select(String database, String select) throws IOException, InterruptedException {
        JsonNode result = query(database, select, true).path("results").path(0);
        if (result.has("error")) {
            throw new IOException(result.get("error").asText());
        }
        return result.path("series");
    }

    private JsonNode query(String database, String q, boolean auth) throws IOException, InterruptedException {
        String body = (database != null ? "db=" + URLEncoder.encode(database, StandardCharsets.UTF_8) + "&" : "")
                + "epoch=s&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8);
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth) {
            r.header("Authorization", basic());
        }
        HttpResponse<String> reply = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new IOException("query " + q + ": HTTP " + reply.statusCode() + " " + reply.body());
        }
        return new ObjectMapper().readTree(reply.body());
    }
}
