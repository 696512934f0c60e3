package fastnetmon.export;

import fastnetmon.config.Configuration;
import fastnetmon.detection.TrafficView;
import fastnetmon.redis.RedisSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every exporter of a live detector, built from the configuration in one place ({@link #fromConfig}), each
 * on its own thread ({@link ExportRunner}).
 *
 * <p>Threading: built, started and closed by the owner (once each); {@link #stats} on any thread.
 */
public final class Exporters implements AutoCloseable {
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    private final List<ExportRunner> runners;

    private Exporters(List<ExportRunner> runners) {
        this.runners = runners;
    }

    /**
     * The exporters the configuration switches on, reading the newest view from {@code views}; not started.
     * InfluxDB, Graphite and Redis's live view are one {@code add} line each here.
     */
    public static Exporters fromConfig(Configuration config, Supplier<TrafficView> views) {
        List<Exporter> all = new ArrayList<>();
        InfluxDbSettings influxDb = InfluxDbSettings.from(config);
        if (influxDb.enabled()) {
            all.add(new InfluxDbExporter(influxDb));
        }
        GraphiteSettings graphite = GraphiteSettings.from(config);
        if (graphite.enabled()) {
            all.add(new GraphiteExporter(graphite));
        }
        RedisSettings redis = RedisSettings.from(config);
        if (redis.enabled()) {
            all.add(new RedisTopHosts(redis));
        }
        return of(all, views);
    }

    public static Exporters of(List<Exporter> exporters, Supplier<TrafficView> views) {
        List<ExportRunner> runners = new ArrayList<>(exporters.size());
        for (Exporter e : exporters) {
            runners.add(new ExportRunner(e, views));
        }
        return new Exporters(List.copyOf(runners));
    }

    public Exporters start() {
        runners.forEach(ExportRunner::start);
        return this;
    }

    /** Each exporter's counters, in registration order. */
    public List<ExportStats> stats() {
        List<ExportStats> out = new ArrayList<>(runners.size());
        for (ExportRunner r : runners) {
            out.add(r.stats());
        }
        return out;
    }

    /** Stops every exporter (a push under way gets a few seconds to finish) and closes it. */
    @Override
    public void close() {
        for (ExportRunner r : runners) {
            r.close(CLOSE_WAIT_MILLIS);
        }
    }
}
