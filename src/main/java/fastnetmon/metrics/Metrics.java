package fastnetmon.metrics;

import fastnetmon.action.ActionStats;
import fastnetmon.cluster.ClusterFigures;
import fastnetmon.export.ExportStats;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.config.PresentationSettings;
import fastnetmon.detection.Evaluator;
import fastnetmon.source.Source;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/** The one call the program makes: the Prometheus endpoint as configured. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Serves the detector's metrics on {@code prometheus_host:prometheus_port} when {@code prometheus}
     * is on (the default, 127.0.0.1:9209); otherwise does nothing. Close the result at shutdown.
     * {@code shards} and {@code sources} are read at every scrape: pass live views (the detector's), so
     * that sources started later are reported too. {@code actions} gives the actions' figures at every
     * scrape (the registry's {@code stats}).
     *
     * @throws IOException with one line for the operator, e.g.
     *                     "cannot serve Prometheus metrics on 127.0.0.1:9209: address already in use"
     */
    public static AutoCloseable start(Configuration config, List<CounterShard> shards, Evaluator evaluator,
                                      Collection<? extends Source> sources, Supplier<List<ActionStats>> actions)
            throws IOException {
        return start(config, shards, evaluator, sources, actions, List::of);
    }

    /** The same, with the exporters' figures ({@code Exporters::stats}) read at every scrape. */
    public static AutoCloseable start(Configuration config, List<CounterShard> shards, Evaluator evaluator,
                                      Collection<? extends Source> sources, Supplier<List<ActionStats>> actions,
                                      Supplier<List<ExportStats>> exports) throws IOException {
        return start(config, shards, evaluator, sources, actions, exports, () -> ThreatFigures.NONE);
    }

    /** The same, with the abuse sensors' and AMQP's figures read at every scrape. */
    public static AutoCloseable start(Configuration config, List<CounterShard> shards, Evaluator evaluator,
                                      Collection<? extends Source> sources, Supplier<List<ActionStats>> actions,
                                      Supplier<List<ExportStats>> exports, Supplier<ThreatFigures> threats) throws IOException {
        return start(config, shards, evaluator, sources, actions, exports, threats, () -> ClusterFigures.NONE);
    }

    /** The same, with the cluster's figures read at every scrape (an aggregator's sensors, a sensor's publisher). */
    public static AutoCloseable start(Configuration config, List<CounterShard> shards, Evaluator evaluator,
                                      Collection<? extends Source> sources, Supplier<List<ActionStats>> actions,
                                      Supplier<List<ExportStats>> exports, Supplier<ThreatFigures> threats,
                                      Supplier<ClusterFigures> cluster) throws IOException {
        PresentationSettings settings = PresentationSettings.from(config);
        PresentationSettings.Endpoint at = settings.metrics();
        if (!at.enabled()) {
            return () -> { };
        }
        MetricsServer server = MetricsServer.start(at.host(), at.port(), MetricsSource.of(config.networks(), shards, evaluator, sources),
                settings.http(), actions, exports, threats, cluster);
        LoggerFactory.getLogger(Metrics.class).info("serving Prometheus metrics on http://{}/metrics",
                new PresentationSettings.Endpoint(true, at.host(), server.port()).where());
        return server;
    }
}
