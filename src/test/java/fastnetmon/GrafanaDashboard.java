package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard shipped in {@code grafana/fastnetmon.json}, read as Grafana reads it: its panels, the
 * Prometheus queries of their targets and of the annotations, and its template variables; and a query with
 * Grafana's variables replaced by values, as Grafana sends it to Prometheus.
 */
final class GrafanaDashboard {
    static final Path FILE = Path.of("grafana", "fastnetmon.json");
    /** The datasource every panel, target, annotation and query variable names: the dashboard's variable. */
    static final String DATASOURCE_UID = "${datasource}";
    /** The variables Grafana itself defines that the queries may use. */
    static final List<String> BUILT_IN = List.of("__rate_interval", "__interval", "__range");
    /** $name, ${name} or ${name:format}, [[name]]. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

    /** One Prometheus query of the dashboard and where it is (for messages). */
    record Query(String where, String panelTitle, String expr) {
    }

    /** A template variable of type query: {@code label_values(selector, label)}. */
    record LabelValues(String name, String selector, String label) {
    }

    final JsonNode root;

    private GrafanaDashboard(JsonNode root) {
        this.root = root;
    }

    static GrafanaDashboard load() throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(FILE.toFile()));
    }

    /** Every panel but the rows, in order. */
    List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        root.path("panels").forEach(p -> {
            if (!"row".equals(p.path("type").asText())) {
                out.add(p);
            }
        });
        return out;
    }

    /** Every target of every panel, then every annotation that queries Prometheus. */
    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode p : panels()) {
            String title = p.path("title").asText();
            p.path("targets").forEach(t -> out.add(new Query("panel \"" + title + "\" target " + t.path("refId").asText(),
                    title, t.path("expr").asText())));
        }
        root.path("annotations").path("list").forEach(a -> {
            if (a.has("expr")) {
                out.add(new Query("annotation \"" + a.path("name").asText() + "\"", null, a.path("expr").asText()));
            }
        });
        return out;
    }

    /** The query variables, in order (a later one may use an earlier one in its selector). */
    List<LabelValues> labelValueVariables() {
        List<LabelValues> out = new ArrayList<>();
        root.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asText())) {
                String q = v.path("query").isTextual() ? v.path("query").asText() : v.path("query").path("query").asText();
                Matcher m = LABEL_VALUES.matcher(q.strip());
                if (!m.matches()) {
                    throw new AssertionError("variable " + v.path("name").asText() + ": not label_values(selector, label): " + q);
                }
                out.add(new LabelValues(v.path("name").asText(), m.group(1).strip(), m.group(2)));
            }
        });
        return out;
    }

    /** The names of the variables a text uses. */
    static List<String> variablesIn(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }

    /** The text with every variable replaced by its value; a variable without one fails. */
    static String substitute(String text, Map<String, String> values) {
        return VARIABLE.matcher(text).replaceAll(m -> {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String v = values.get(name);
            if (v == null) {
                throw new AssertionError("no value for $" + name + " in " + text);
            }
            return Matcher.quoteReplacement(v);
        });
    }
}
