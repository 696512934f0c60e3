package fastnetmon.export;

import fastnetmon.detection.TrafficView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Pushes the traffic figures to InfluxDB 1.x ({@code influxdb}): every period one HTTP {@code POST
 * /write?db=...&precision=s} carrying the newest view's points ({@link InfluxLines}) after those of the
 * pushes not delivered yet (up to {@link #UNSENT_PUSHES} of them, {@link UnsentBatches}). Before the first
 * write it creates the database if missing ({@code CREATE DATABASE} is a no-op when it exists); a server
 * that refuses (a user without the right) is told once in the log and the writes go on.
 *
 * <p>Threading: as {@link Exporter}: {@link #export} on the exporter's thread; {@link #dropped} on any.
 */
public final class InfluxDbExporter implements Exporter {
    /** The exporter's name in logs and metrics; FastNetMon's fastnetmon_influxdb_* metrics are its figures. */
    public static final String NAME = "influxdb";
    /** Pushes kept while the server is away: half a minute at the default period of a second. */
    static final int UNSENT_PUSHES = 30;
    private static final Logger log = LoggerFactory.getLogger(InfluxDbExporter.class);

    private final InfluxDbSettings settings;
    private final HttpClient http;
    private final URI write;
    private final URI query;
    private final String authorization; // null without influxdb_auth
    private final UnsentBatches unsent;
    private boolean databaseCreated;

    public InfluxDbExporter(InfluxDbSettings settings) {
        this(settings, UNSENT_PUSHES);
    }

    InfluxDbExporter(InfluxDbSettings settings, int unsentPushes) {
        this.settings = settings;
        this.unsent = new UnsentBatches(unsentPushes);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String db = URLEncoder.encode(settings.database(), StandardCharsets.UTF_8);
        this.write = URI.create(settings.baseUrl() + "/write?db=" + db + "&precision=s");
        this.query = URI.create(settings.baseUrl() + "/query");
        this.authorization = settings.auth() ? "Basic " + Base64.getEncoder().encodeToString(
                (settings.user() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8)) : null;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration period() {
        return settings.pushPeriod();
    }

    @Override
    public void export(TrafficView view) throws IOException, InterruptedException {
        unsent.addView(view, second -> InfluxLines.of(view, second));
        if (unsent.isEmpty()) {
            return;
        }
        if (!databaseCreated) {
            createDatabase();
        }
        HttpResponse<String> reply = post(write, unsent.joined(), "text/plain; charset=utf-8");
        int status = reply.statusCode();
        if (status / 100 == 2) {
            unsent.clear();
            return;
        }
        if (status == 400 || status == 413) {
            // The points themselves were refused (a field type conflict, too large): sending them again cannot help.
            unsent.dropAll();
        }
        throw new IOException("InfluxDB at " + settings.baseUrl() + " refused the write: HTTP " + status
                + firstLine(reply.body()));
    }

    private void createDatabase() throws IOException, InterruptedException {
        String statement = "CREATE DATABASE \"" + settings.database().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        HttpResponse<String> reply = post(query, "q=" + URLEncoder.encode(statement, StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded");
        databaseCreated = true; // an answer, whatever it is: not asked again
        if (reply.statusCode() != 200) {
            log.warn("InfluxDB at {} did not create database {} (HTTP {}{}); create it, or writes will fail",
                    settings.baseUrl(), settings.database(), reply.statusCode(), firstLine(reply.body()));
        }
    }

    private HttpResponse<String> post(URI uri, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("cannot reach InfluxDB at " + settings.baseUrl() + ": " + reason(e), e);
        }
    }

    /** The first message along the causes, else what the exception's type says (the HttpClient's refused connect has none). */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    /** ": " and the first line of a reply's body (at most 200 characters), or nothing for an empty body. */
    static String firstLine(String body) {
        String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "" : ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
    }

    @Override
    public long dropped() {
        return unsent.droppedPoints();
    }
}
