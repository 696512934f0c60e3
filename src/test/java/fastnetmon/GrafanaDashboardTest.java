package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.config.Configuration;
import fastnetmon.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's structure, so that Grafana imports it: a dashboard with a uid and title, panels with unique
 * ids on the 24-column grid without overlaps, every panel and query on the {@code datasource} variable, every
 * variable a query uses defined, a unit on every panel; and every metric name a query uses is a family the
 * detector serves (a cheap guard against typos; {@link GrafanaDashboardQueriesTest} runs the queries).
 */
class GrafanaDashboardTest {
    private static final Pattern METRIC = Pattern.compile("\\bfastnetmon_[a-z0-9_]+");

    private final GrafanaDashboard dashboard = GrafanaDashboard.load();

    GrafanaDashboardTest() throws Exception {
    }

    @Test
    void isAnImportableDashboard() {
        JsonNode d = dashboard.root;
        assertTrue(d.path("uid").asText().matches("[A-Za-z0-9_-]{1,40}"), "uid: " + d.path("uid"));
        assertFalse(d.path("title").asText().isBlank());
        assertTrue(d.path("id").isNull() || d.path("id").isMissingNode(), "an import must not carry a database id");
        assertTrue(d.path("schemaVersion").asInt() >= 36, "schemaVersion");
        assertFalse(d.path("refresh").asText().isBlank(), "refresh");
        assertFalse(d.path("time").path("from").asText().isBlank(), "time range");
        assertTrue(dashboard.panels().size() >= 20, "panels: " + dashboard.panels().size());

        JsonNode ds = variable("datasource");
        assertEquals("datasource", ds.path("type").asText());
        assertEquals("prometheus", ds.path("query").asText());
    }

    @Test
    void panelsHaveUniqueIdsAndFitTheGridWithoutOverlapping() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode p : dashboard.root.path("panels")) {
            String title = p.path("title").asText();
            assertFalse(title.isBlank(), "a panel without title: " + p);
            assertTrue(p.path("id").isInt() && p.path("id").asInt() > 0, title + ": id " + p.path("id"));
            assertTrue(ids.add(p.path("id").asInt()), title + ": id " + p.path("id") + " is taken");
            JsonNode g = p.path("gridPos");
            for (String k : List.of("x", "y", "w", "h")) {
                assertTrue(g.path(k).isInt(), title + ": gridPos." + k);
            }
            int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[2] >= 1 && box[3] >= 1 && box[0] + box[2] <= 24,
                    title + ": gridPos " + g);
            for (int i = 0; i < boxes.size(); i++) {
                int[] o = boxes.get(i);
                boolean apart = box[0] + box[2] <= o[0] || o[0] + o[2] <= box[0] || box[1] + box[3] <= o[1] || o[1] + o[3] <= box[1];
                assertTrue(apart, title + " overlaps " + titles.get(i));
            }
            boxes.add(box);
            titles.add(title);
        }
    }

    @Test
    void everyPanelAndQueryUsesTheDatasourceVariable() {
        for (JsonNode p : dashboard.panels()) {
            String title = p.path("title").asText();
            assertDatasource(p.path("datasource"), title);
            assertFalse(p.path("fieldConfig").path("defaults").path("unit").asText().isBlank(), title + ": no unit");
            assertFalse(p.path("description").asText().isBlank(), title + ": no description");
            assertTrue(p.path("targets").size() > 0, title + ": no query");
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : p.path("targets")) {
                assertTrue(refIds.add(t.path("refId").asText()), title + ": refId " + t.path("refId") + " twice");
                assertDatasource(t.path("datasource"), title + " " + t.path("refId").asText());
                assertFalse(t.path("expr").asText().isBlank(), title + ": empty query");
            }
        }
        dashboard.root.path("annotations").path("list").forEach(a -> {
            if (a.has("expr")) {
                assertDatasource(a.path("datasource"), "annotation " + a.path("name").asText());
            }
        });
        dashboard.root.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asText())) {
                assertDatasource(v.path("datasource"), "variable " + v.path("name").asText());
            }
        });
    }

    @Test
    void everyVariableUsedIsDefined() {
        Set<String> defined = new TreeSet<>(GrafanaDashboard.BUILT_IN);
        dashboard.root.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        List<String> texts = new ArrayList<>();
        dashboard.queries().forEach(q -> texts.add(q.expr()));
        dashboard.labelValueVariables().forEach(v -> texts.add(v.selector()));
        for (String text : texts) {
            for (String name : GrafanaDashboard.variablesIn(text)) {
                assertTrue(defined.contains(name), "$" + name + " is not defined (" + defined + "): " + text);
            }
        }
        assertEquals(List.of("instance", "exporter"),
                dashboard.labelValueVariables().stream().map(GrafanaDashboard.LabelValues::name).toList());
    }

    /** Every fastnetmon_* name in a query is a family on the detector's page (families are listed even without samples). */
    @Test
    void everyMetricNameIsServed(@TempDir Path dir) throws Exception {
        Set<String> served = servedFamilies(dir);
        Set<String> used = new TreeSet<>();
        List<String> texts = new ArrayList<>();
        dashboard.queries().forEach(q -> texts.add(q.expr()));
        dashboard.labelValueVariables().forEach(v -> texts.add(v.selector()));
        for (String text : texts) {
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                used.add(m.group());
            }
        }
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(served);
        assertTrue(unknown.isEmpty(), "not served: " + unknown);
        assertTrue(used.size() >= 30, "metrics used: " + used);
    }

    private static Set<String> servedFamilies(Path dir) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("fastnetmon.conf"), "networks_list_path = nets\nnotify_script_enabled = off\n"
                + "prometheus_host = 127.0.0.1\nprometheus_port = " + port + "\n");
        Configuration config = Configuration.load(dir.resolve("fastnetmon.conf"));
        Detector detector = new Detector(config);
        detector.newShard("a");
        try (AutoCloseable server = Metrics.start(config, detector.shards(), detector.startEvaluator(), List.of(),
                detector.actions()::stats)) {
            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Set<String> out = new TreeSet<>();
            page.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> out.add(l.split(" ")[2]));
            return out;
        } finally {
            detector.actions().close(Duration.ofSeconds(10));
        }
    }

    private JsonNode variable(String name) {
        for (JsonNode v : dashboard.root.path("templating").path("list")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no variable " + name);
    }

    private static void assertDatasource(JsonNode ds, String where) {
        assertEquals("prometheus", ds.path("type").asText(), where + ": datasource " + ds);
        assertEquals(GrafanaDashboard.DATASOURCE_UID, ds.path("uid").asText(), where + ": datasource " + ds);
    }
}
