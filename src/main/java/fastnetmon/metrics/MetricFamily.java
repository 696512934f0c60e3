package fastnetmon.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * One metric as served on /metrics: name, help, type and integer samples. Immutable once built; built
 * and written on the scrape thread.
 *
 * <p>Our own model rather than the Prometheus client's: FastNetMon CE serves counters under names without
 * the {@code _total} suffix ({@code fastnetmon_total_ipv4_packets}, type counter) and prints integers,
 * which the 1.x client's model and writer do not allow (it appends {@code _total} and prints doubles).
 */
public record MetricFamily(String name, String help, Type type, List<Sample> samples) {
    public enum Type {
        COUNTER("counter"), GAUGE("gauge");

        final String text;

        Type(String text) {
            this.text = text;
        }
    }

    /** One series: label names and values alternating ({@code "direction", "incoming", ...}). */
    public record Sample(List<String> labels, long value) {
    }

    public static MetricFamily counter(String name, String help, long value) {
        return new MetricFamily(name, help, Type.COUNTER, List.of(new Sample(List.of(), value)));
    }

    public static MetricFamily gauge(String name, String help, long value) {
        return new MetricFamily(name, help, Type.GAUGE, List.of(new Sample(List.of(), value)));
    }

    /** A family with labelled samples added one by one. */
    public static Builder builder(String name, String help, Type type) {
        return new Builder(name, help, type);
    }

    public static final class Builder {
        private final String name, help;
        private final Type type;
        private final List<Sample> samples = new ArrayList<>();

        private Builder(String name, String help, Type type) {
            this.name = name;
            this.help = help;
            this.type = type;
        }

        public Builder sample(long value, String... labels) {
            if (labels.length % 2 != 0) {
                throw new IllegalArgumentException("labels come in name, value pairs");
            }
            samples.add(new Sample(List.of(labels), value));
            return this;
        }

        public MetricFamily build() {
            return new MetricFamily(name, help, type, List.copyOf(samples));
        }
    }
}
