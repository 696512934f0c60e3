package fastnetmon.metrics;

import java.util.List;

/**
 * Writes metric families in the Prometheus text format 0.0.4, as FastNetMon CE serves them: a
 * {@code # HELP} and {@code # TYPE} line per family, each sample under the family's own name (no suffix
 * added) and integer values. Unlike CE, every family is written once with all its series under one TYPE
 * line, and the HELP line names the metric, so strict parsers accept the page. Stateless.
 */
public final class TextExposition {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private TextExposition() {
    }

    public static String write(List<MetricFamily> families) {
        StringBuilder out = new StringBuilder(8192);
        for (MetricFamily f : families) {
            out.append("# HELP ").append(f.name()).append(' ');
            escape(out, f.help(), false);
            out.append("\n# TYPE ").append(f.name()).append(' ').append(f.type().text).append('\n');
            for (MetricFamily.Sample s : f.samples()) {
                out.append(f.name());
                List<String> l = s.labels();
                if (!l.isEmpty()) {
                    out.append('{');
                    for (int i = 0; i < l.size(); i += 2) {
                        out.append(i == 0 ? "" : ",").append(l.get(i)).append("=\"");
                        escape(out, l.get(i + 1), true);
                        out.append('"');
                    }
                    out.append('}');
                }
                out.append(' ').append(s.value()).append('\n');
            }
        }
        return out.toString();
    }

    private static void escape(StringBuilder out, String s, boolean quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quote ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
