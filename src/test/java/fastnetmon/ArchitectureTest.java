package fastnetmon;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout reads as the pipeline (issue 7), checked on the source files: imports run one way, and
 * configuration keys are looked up by name only in {@code config} and in each stage's one settings
 * type ({@code *Settings.java}).
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/fastnetmon");
    /** The top-level package (the program that wires the stages). */
    private static final String TOP = "(top level)";

    /**
     * A package may import its own stage and stages of a lower rank only: sources -> packet -> counters
     * -> detection -> action -> presentation in the order data flows and bans are made, with the
     * sources' stage importing the parser and the counters it fills (a source calls them), geoip (where
     * an attack comes from), export (the periodic pushes of the traffic figures) and mitigation (what BGP
     * daemons and ipsets put in force for a ban) between detection and
     * the actions, and
     * {@code config} and {@code networks}, the shared vocabulary, below all (they may use each other).
     * Within presentation, http serves api and metrics; console uses api; client uses console.
     */
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("config", 0), Map.entry("networks", 0),
            Map.entry("packet", 1),
            Map.entry("counters", 2),
            Map.entry("source", 3),
            Map.entry("detection", 4), Map.entry("sensor", 4),
            Map.entry("geoip", 5), Map.entry("redis", 5),
            Map.entry("export", 6), Map.entry("mitigation", 6), Map.entry("amqp", 6), Map.entry("cluster", 6),
            Map.entry("action", 7),
            Map.entry("http", 8),
            Map.entry("api", 9), Map.entry("metrics", 9), Map.entry("tools", 9),
            Map.entry("console", 10),
            Map.entry("client", 11),
            Map.entry(TOP, 12));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?fastnetmon\\.([a-zA-Z_]+)", Pattern.MULTILINE);
    private static final Pattern LOOKUP = Pattern.compile("\\.(get(?:Int|Long|Double|String|Boolean|Path|List)|isSet)\\(\"");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** "source" for fastnetmon/source/flow/X.java, TOP for fastnetmon/X.java. */
    static String stage(Path file) {
        Path rel = MAIN.relativize(file);
        return rel.getNameCount() == 1 ? TOP : rel.getName(0).toString();
    }

    /** The stage an import names: "detection" for fastnetmon.detection.X, TOP for fastnetmon.X. */
    static String importedStage(String firstSegment) {
        return Character.isUpperCase(firstSegment.charAt(0)) ? TOP : firstSegment;
    }

    /** The backward imports in one file's text ("file: imports fastnetmon.x (a later stage)"). */
    static List<String> backwardImports(String stage, String text, String where) {
        List<String> bad = new ArrayList<>();
        Integer own = RANK.get(stage);
        if (own == null) {
            bad.add(where + ": package " + stage + " has no place in the pipeline (add it to ArchitectureTest.RANK)");
            return bad;
        }
        Matcher m = IMPORT.matcher(text);
        while (m.find()) {
            String target = importedStage(m.group(1));
            Integer rank = RANK.get(target);
            boolean vocabulary = own == 0 && rank != null && rank == 0;
            if (!target.equals(stage) && !vocabulary && (rank == null || rank >= own)) {
                bad.add(where + ": " + stage + " imports " + (target.equals(TOP) ? "the top-level package" : target)
                        + ", which comes " + (rank != null && rank.equals(own) ? "beside it" : "after it") + " in the pipeline");
            }
        }
        return bad;
    }

    @Test
    void importsRunOneWay() throws IOException {
        List<String> bad = new ArrayList<>();
        List<Path> files = sources();
        assertTrue(files.size() > 100, "sources not found from " + Path.of("").toAbsolutePath());
        for (Path p : files) {
            bad.addAll(backwardImports(stage(p), Files.readString(p), MAIN.relativize(p).toString()));
        }
        assertEquals(List.of(), bad, String.join("\n", bad));
    }

    /** The check itself catches what it is for (so the test above cannot pass by finding nothing). */
    @Test
    void theImportCheckSeesBackwardImports() {
        assertEquals(1, backwardImports("source", "package fastnetmon.source;\nimport fastnetmon.detection.Evaluator;\n", "x").size());
        assertEquals(1, backwardImports("source", "import fastnetmon.Detector;\n", "x").size());
        assertEquals(1, backwardImports("config", "import fastnetmon.counters.CounterShard;\n", "x").size());
        assertEquals(1, backwardImports("networks", "import static fastnetmon.packet.PacketRecord.V4_MAPPED_PREFIX;\n", "x").size());
        assertEquals(1, backwardImports("metrics", "import fastnetmon.api.ApiServer;\n", "x").size(), "beside it");
        assertEquals(1, backwardImports("console", "import fastnetmon.client.ApiClient;\n", "x").size());
        assertEquals(List.of(), backwardImports("metrics", "import fastnetmon.action.ActionStats;\nimport fastnetmon.source.Source;\n"
                + "import fastnetmon.metrics.MetricFamily.Type;\nimport fastnetmon.config.Configuration;\n", "x"));
        assertEquals(List.of(), backwardImports("networks", "import fastnetmon.config.ConfigException;\n", "x"));
        assertEquals(List.of(), backwardImports("config", "import fastnetmon.networks.Cidr;\n", "x"));
        assertEquals(1, backwardImports("newstage", "", "x").size(), "a package with no rank");
    }

    @Test
    void keysAreLookedUpByNameOnlyInConfigAndTheSettingsTypes() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path p : sources()) {
            boolean allowed = stage(p).equals("config") || p.getFileName().toString().endsWith("Settings.java");
            if (!allowed && LOOKUP.matcher(Files.readString(p)).find()) {
                bad.add(MAIN.relativize(p) + ": looks a configuration key up by name; read it in the stage's *Settings type");
            }
        }
        assertEquals(List.of(), bad, String.join("\n", bad));
        assertTrue(LOOKUP.matcher("boolean on = config.getBoolean(\"pcap\");").find());
        assertTrue(LOOKUP.matcher("c.isSet(\"ban_state_path\")").find());
    }
}
