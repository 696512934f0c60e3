package fastnetmon.metrics;

import fastnetmon.Detector;
import fastnetmon.capture.CaptureEngine;
import fastnetmon.config.Configuration;
import fastnetmon.detection.Evaluator;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/** The one call the program makes: the Prometheus endpoint as configured. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Serves the detector's metrics on {@code prometheus_host:prometheus_port} when {@code prometheus}
     * is on (the default, 127.0.0.1:9209); otherwise does nothing. Close the result at shutdown.
     * {@code engines} is read at every scrape: pass the live capture engines, or {@code List.of()} in
     * replay and flow modes.
     *
     * @throws IOException with one line for the operator, e.g.
     *                     "cannot serve Prometheus metrics on 127.0.0.1:9209: address already in use"
     */
    public static AutoCloseable start(Configuration config, Detector detector, Evaluator evaluator,
                                      Collection<? extends CaptureEngine> engines) throws IOException {
        if (!config.getBoolean("prometheus")) {
            return () -> { };
        }
        String host = config.getString("prometheus_host");
        int port = config.getInt("prometheus_port");
        MetricsServer server = MetricsServer.start(host, port, MetricsSource.of(config.networks(), detector, evaluator, engines));
        LoggerFactory.getLogger(Metrics.class).info("serving Prometheus metrics on http://{}:{}/metrics",
                host.indexOf(':') >= 0 ? "[" + host + "]" : host, server.port());
        return server;
    }

    /** The same for a replay (no capture engines). */
    public static AutoCloseable start(Configuration config, Detector detector, Evaluator evaluator) throws IOException {
        return start(config, detector, evaluator, List.of());
    }
}
