package fastnetmon;

import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.detection.Evaluator;
import fastnetmon.metrics.Metrics;
import fastnetmon.sensor.ThreatEvent;
import fastnetmon.source.FileReplay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Replay of a capture file ({@code --pcap_file}), the mode beside {@link LiveMode}: the same detector,
 * with one source (the file) whose packets' own timestamps drive the evaluator, as fast as the file is
 * read. Prints a JSON summary ({@link ReplaySummary}) on standard output.
 */
final class ReplayMode {
    private static final Logger log = LoggerFactory.getLogger(ReplayMode.class);

    private final Configuration config;
    private final PrintStream out;
    private final PrintStream err;

    ReplayMode(Configuration config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** Replays {@code file}; returns the exit status (0, or 1 with one line on standard error). */
    int run(Path file) {
        return run(file, false);
    }

    /** The same; {@code flowExports}: the file holds exported datagrams (--flow_exports_file). */
    int run(Path file, boolean flowExports) {
        if (!Files.isReadable(file)) {
            err.println("fastnetmon: cannot read capture file " + file);
            return 1;
        }
        Detector detector = new Detector(config);
        CounterShard shard = detector.newShard("replay", flowExports);
        Evaluator evaluator = detector.startEvaluator();
        // The metrics can be scraped while a long replay runs. A daemon already serving the port is
        // no reason to refuse a replay.
        AutoCloseable metrics = () -> { };
        try {
            metrics = Metrics.start(config, detector.shards(), evaluator, detector.sources(), detector.actions()::stats);
        } catch (IOException e) {
            log.warn("{} (replay goes on without metrics)", e.getMessage());
        }
        long start = System.nanoTime();
        FileReplay.Result result = null;
        ReplaySummary.Extra extra = g -> { };
        double wall = 0;
        int status = 0;
        try {
            if (flowExports) {
                FlowExportReplay.Replayed flows = FlowExportReplay.run(file, config, shard, evaluator);
                result = flows.result();
                extra = flows.extra();
            } else {
                result = FileReplay.run(file, shard, evaluator.tickNanos(), evaluator::tick);
            }
            wall = (System.nanoTime() - start) / 1e9;
        } catch (IOException e) {
            err.println("fastnetmon: " + e.getMessage());
            log.error("replay of {} stopped: {}", file, e.getMessage());
            status = 1;
        } finally {
            // Bans made before a corrupt record are still carried out in full.
            evaluator.flushDetails();
            detector.closeSensors();
            if (!detector.actions().close(Duration.ofHours(1))) {
                log.warn("some notify script calls were still running at exit");
                status = 1;
            }
            detector.geoIp().close();
            try {
                metrics.close();
            } catch (Exception e) {
                log.warn("closing the metrics server: {}", e.getMessage());
            }
        }
        if (result == null) {
            return status;
        }
        if (result.truncatedAtEnd()) {
            log.warn("{}: the last packet record is cut short (file truncated); it was not counted", file);
        }
        log.info("replayed {} packets from {} in {} s", result.packets(), file, String.format("%.3f", wall));
        ReplaySummary.Extra flowsExtra = extra;
        ReplaySummary.Extra withThreats = !detector.sensorsOn() ? extra : g -> {
            flowsExtra.write(g);
            List<ThreatEvent> threats = new ArrayList<>(detector.threats());
            Collections.reverse(threats); // in the order they came
            g.writeArrayFieldStart("threats");
            for (ThreatEvent t : threats) {
                g.writeTree(t.toJson());
            }
            g.writeEndArray();
        };
        out.println(ReplaySummary.json(result, shard.unparsed(), evaluator.totals(), wall, evaluator.banHistory(), withThreats));
        out.flush();
        return status;
    }
}
