package fastnetmon;

import fastnetmon.action.ActionRegistry;
import fastnetmon.action.ActionSettings;
import fastnetmon.api.ApiServer;
import fastnetmon.cluster.ClusterSettings;
import fastnetmon.api.DetectorAccess;
import fastnetmon.api.EvaluatorAccess;
import fastnetmon.source.CaptureEngine;
import fastnetmon.source.CaptureEngines;
import fastnetmon.source.CaptureSettings;
import fastnetmon.source.Source;
import fastnetmon.source.SourceException;
import fastnetmon.source.flow.FlowCollector;
import fastnetmon.source.flow.FlowCollectors;
import fastnetmon.source.flow.FlowSettings;
import fastnetmon.api.grpc.GrpcApiServer;
import fastnetmon.console.CliStatsFile;
import fastnetmon.metrics.MetricsSource;
import fastnetmon.config.Configuration;
import fastnetmon.console.ConsoleScreen;
import fastnetmon.export.Exporters;
import fastnetmon.console.ConsoleSettings;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.detection.Evaluator;
import fastnetmon.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live capture: every capture engine (interface or fanout member) is a source with its own runner
 * thread and shard, and one evaluator thread ticks on the wall clock every detection interval. Stops on SIGINT/SIGTERM
 * (or {@link #requestStop()}): capture stops, the last second is evaluated, pending attack details
 * are sent, script calls finish, and the pid file is removed.
 */
final class LiveMode {
    private static final Logger log = LoggerFactory.getLogger(LiveMode.class);
    /** Ticks run this long after a wall-clock multiple of the interval, so capture threads have published it. */
    private static final long TICK_LAG_MS = 5;

    private final Configuration config;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Off with --disable_pid_logic: no pid file, no check for another instance. */
    boolean pidLogic = true;
    /** Called once capture has started (the pid file is written by then); --daemonize waits for it. */
    Runnable onStarted = () -> { };
    /** What the process exits with after {@link #run} returns: 1 when an aggregator stopped because it lost its lease. */
    volatile int exitStatus;

    LiveMode(Configuration config) {
        this.config = config;
    }

    void requestStop() {
        stopRequested.countDown();
    }

    /** Runs until stopped; throws for anything that prevents the start. */
    void run(List<String> interfaces) throws StartupException, InterruptedException {
        CaptureSettings capture = CaptureSettings.from(config);
        Map<String, CaptureEngines.Kind> plan;
        try {
            plan = CaptureEngines.plan(capture, interfaces);
        } catch (SourceException e) {
            throw new StartupException(e.getMessage());
        }
        FlowSettings flowSettings = flowSettings(config);
        ClusterRole cluster = new ClusterRole(ClusterSettings.from(config));
        if (plan.isEmpty() && !flowSettings.any() && cluster.role() != ClusterSettings.Role.AGGREGATOR) {
            throw new StartupException("no interface to capture on: name them (./fastnetmon eth3,eth4) or set interfaces in "
                    + (config.file() != null ? config.file() : "the configuration"));
        }
        // What the start has opened, closed in reverse order if a later step fails.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        Path pidPath = pidLogic ? ProcessSettings.from(config).pidPath() : null;
        PidFile pid = pidPath != null ? PidFile.acquire(pidPath) : null;
        if (pid != null) {
            opened.push(pid::remove);
        }
        opened.push(cluster);
        Detector detector = new Detector(config, true);
        opened.push(detector.geoIp());
        opened.push(() -> detector.actions().close(Duration.ZERO));
        opened.push(detector::closeSensors);
        // A standby waits with its detector built (nothing acts before the evaluator starts), so that it
        // acts as soon as it holds the lease.
        if (cluster.role() == ClusterSettings.Role.AGGREGATOR && !awaitLease(cluster)) {
            opened.forEach(LiveMode::closeQuietly);
            stopped.countDown();
            return;
        }
        List<CaptureEngine> engines;
        AutoCloseable metrics;
        AutoCloseable api;
        AutoCloseable grpcApi;
        AutoCloseable screenFile;
        Exporters exporters;
        Evaluator evaluator;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "evaluator");
            t.setDaemon(true);
            return t;
        });
        opened.push(ticker::shutdownNow);
        DetectorAccess access;
        List<FlowCollector> flows;
        try {
            engines = CaptureEngines.open(capture, plan, detector);
            opened.push(() -> engines.forEach(CaptureEngine::close));
            flows = FlowCollectors.open(flowSettings, detector);
            opened.push(() -> flows.forEach(FlowCollector::close));
            evaluator = detector.startEvaluator(null, cluster::gate);
            restoreBans(detector.actions(), evaluator);
            switch (cluster.role()) {
                case SENSOR -> cluster.startSensor(detector, evaluator.tickNanos());
                case AGGREGATOR -> cluster.startAggregator(detector, evaluator);
                case STANDALONE -> { }
            }
            exporters = Exporters.fromConfig(config, evaluator::view);
            opened.push(exporters);
            metrics = Metrics.start(config, detector.shards(), evaluator, detector.sources(), detector.actions()::stats,
                    exporters::stats, detector::threatFigures, cluster::figures);
            opened.push(metrics);
            access = new EvaluatorAccess(evaluator, ticker, detector.monitored(),
                    () -> captureSum(detector, Source::received), () -> captureSum(detector, Source::dropped), detector.geoIp(),
                    detector::threats, cluster::sensors);
            api = ApiServer.start(config, access, FastNetMon.Version.VERSION);
            opened.push(api);
            opened.push(grpcApi = GrpcApiServer.start(config, access));
            MetricsSource figures = MetricsSource.of(config.networks(), detector.shards(), evaluator, detector.sources());
            screenFile = CliStatsFile.start(config, access, FastNetMon.Version.VERSION,
                    () -> evaluator.stats().tickNanos(), figures::unparsedPerSecond);
        } catch (SourceException | IOException e) {
            opened.forEach(LiveMode::closeQuietly);
            throw new StartupException(e.getMessage());
        }

        Thread hook = new Thread(() -> {
            requestStop();
            try {
                stopped.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        // From here on each engine belongs to its runner, which closes it.
        engines.forEach(detector::startSource);
        flows.forEach(detector::startSource);
        exporters.start();
        long now = System.currentTimeMillis();
        long interval = evaluator.tickNanos() / 1_000_000;
        long firstTick = interval - now % interval + TICK_LAG_MS;
        ticker.scheduleAtFixedRate(() -> tick(evaluator), firstTick, interval, TimeUnit.MILLISECONDS);
        if (!plan.isEmpty()) {
            log.info("capturing on {} ({} capture threads)", CaptureEngines.describe(plan), engines.size());
        }
        flows.forEach(f -> log.info("collecting flows: {}", f.name()));
        onStarted.run();

        Optional<AutoCloseable> console = ConsoleScreen.startIfTerminal(access,
                ConsoleSettings.from(config, FastNetMon.Version.VERSION), this::requestStop);

        stopRequested.await();
        console.ifPresent(LiveMode::closeQuietly);
        log.info("stopping: finishing capture, evaluation and script calls");
        closeQuietly(screenFile);
        closeQuietly(grpcApi);
        closeQuietly(api);
        detector.stopSources();
        detector.closeSensors();
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        tick(evaluator);
        evaluator.flushDetails();
        evaluator.saveBaselines();
        closeQuietly(exporters);
        if (!detector.actions().close(ActionSettings.from(config).scriptTimeout().plusSeconds(5))) {
            log.warn("some notify script calls were still running at exit");
        }
        closeQuietly(cluster); // an aggregator's lease last: a standby takes over once every action is done
        closeQuietly(detector.geoIp());
        closeQuietly(metrics);
        if (pid != null) {
            pid.remove();
        }
        log.info("stopped");
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Stopped by a signal: the hook is running and returns once `stopped` is counted down.
        }
    }

    /** A standby aggregator's wait for the lease; false when stopped first (a signal then closes what was opened). */
    private boolean awaitLease(ClusterRole cluster) throws InterruptedException {
        Thread hook = new Thread(() -> {
            requestStop();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown-standby");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean acquired = cluster.awaitLease(stopRequested, this::leaseLost);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            return false;
        }
        return acquired;
    }

    /** The lease's thread: another aggregator acts now, so this one stops (exit status 1). */
    private void leaseLost() {
        exitStatus = 1;
        requestStop();
    }

    private static FlowSettings flowSettings(Configuration config) throws StartupException {
        try {
            return FlowSettings.from(config);
        } catch (SourceException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /** Takes up the bans in force before a restart; each is unbanned when its ban_time is over. */
    private static void restoreBans(ActionRegistry actions, Evaluator evaluator) {
        for (Attack a : actions.recover().restore()) {
            if (evaluator.restoreBan(a)) { // tells every action (RESTORED)
                log.info("restored the ban of {} {} {}: banned {} s ago", a.ip, a.direction.text(), a.attackType,
                        (System.currentTimeMillis() * 1_000_000L - a.bannedAtNanos) / 1_000_000_000L);
            }
        }
    }

    /** A counter summed over the capture engines (flow sources count datagrams, not packets). */
    private static long captureSum(Detector detector, java.util.function.ToLongFunction<Source> counter) {
        return detector.sources().stream().filter(CaptureEngine.class::isInstance).mapToLong(counter).sum();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing {}: {}", c, e.getMessage());
        }
    }

    private static void tick(Evaluator evaluator) {
        try {
            evaluator.tick(System.currentTimeMillis() * 1_000_000L);
        } catch (RuntimeException e) {
            log.error("evaluator failed; it goes on at the next tick", e);
        }
    }
}
