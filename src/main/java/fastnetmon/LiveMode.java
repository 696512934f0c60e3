package fastnetmon;

import fastnetmon.action.BanStateFile;
import fastnetmon.api.ApiServer;
import fastnetmon.api.DetectorAccess;
import fastnetmon.api.EvaluatorAccess;
import fastnetmon.api.grpc.GrpcApiServer;
import fastnetmon.console.CliStatsFile;
import fastnetmon.metrics.MetricsSource;
import fastnetmon.capture.CaptureEngine;
import fastnetmon.capture.CaptureEngines;
import fastnetmon.capture.CaptureException;
import fastnetmon.config.Configuration;
import fastnetmon.console.ConsoleScreen;
import fastnetmon.console.ConsoleSettings;
import fastnetmon.detection.Attack;
import fastnetmon.detection.Evaluator;
import fastnetmon.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live capture: one thread per capture engine (interface or fanout member), each counting into its
 * own shard, and one evaluator thread ticking on the wall clock every second. Stops on SIGINT/SIGTERM
 * (or {@link #requestStop()}): capture stops, the last second is evaluated, pending attack details
 * are sent, script calls finish, and the pid file is removed.
 */
final class LiveMode {
    private static final Logger log = LoggerFactory.getLogger(LiveMode.class);
    /** Ticks run this long after the wall-clock second turns, so capture threads have published it. */
    private static final long TICK_LAG_MS = 20;

    private final Configuration config;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Off with --disable_pid_logic: no pid file, no check for another instance. */
    boolean pidLogic = true;
    /** Called once capture has started (the pid file is written by then); --daemonize waits for it. */
    Runnable onStarted = () -> { };

    LiveMode(Configuration config) {
        this.config = config;
    }

    void requestStop() {
        stopRequested.countDown();
    }

    /** Runs until stopped; throws for anything that prevents the start. */
    void run(List<String> interfaces) throws StartupException, InterruptedException {
        if (interfaces.isEmpty()) {
            throw new StartupException("no interface to capture on: name them (./fastnetmon eth3,eth4) or set interfaces in "
                    + (config.file() != null ? config.file() : "the configuration"));
        }
        // What the start has opened, closed in reverse order if a later step fails.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        Path pidPath = pidLogic ? config.getPath("pid_path") : null;
        PidFile pid = pidPath != null ? PidFile.acquire(pidPath) : null;
        if (pid != null) {
            opened.push(pid::remove);
        }
        Detector detector = new Detector(config);
        List<CaptureEngine> engines;
        AutoCloseable metrics;
        AutoCloseable api;
        AutoCloseable grpcApi;
        AutoCloseable screenFile;
        BanStateFile banState;
        Evaluator evaluator;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "evaluator");
            t.setDaemon(true);
            return t;
        });
        opened.push(ticker::shutdownNow);
        DetectorAccess access;
        try {
            engines = CaptureEngines.open(config, interfaces, detector);
            opened.push(() -> engines.forEach(CaptureEngine::close));
            Path statePath = InstancePaths.banState(config);
            banState = statePath != null ? new BanStateFile(statePath) : null;
            evaluator = detector.startEvaluator(banState);
            if (banState != null) {
                opened.push(banState::close);
                restoreBans(statePath, banState, evaluator);
            }
            metrics = Metrics.start(config, detector, evaluator, engines);
            opened.push(metrics);
            access = new EvaluatorAccess(evaluator, ticker, detector.monitored(),
                    () -> engines.stream().mapToLong(CaptureEngine::received).sum(),
                    () -> engines.stream().mapToLong(CaptureEngine::dropped).sum());
            api = ApiServer.start(config, access, FastNetMon.Version.VERSION);
            opened.push(api);
            opened.push(grpcApi = GrpcApiServer.start(config, access));
            MetricsSource figures = MetricsSource.of(config.networks(), detector, evaluator, engines);
            screenFile = CliStatsFile.start(config, access, FastNetMon.Version.VERSION,
                    () -> evaluator.stats().tickNanos(), figures::unparsedPerSecond);
        } catch (CaptureException | IOException e) {
            opened.forEach(LiveMode::closeQuietly);
            throw new StartupException(e.getMessage());
        }

        List<Thread> threads = new ArrayList<>();
        for (CaptureEngine engine : engines) {
            Thread t = new Thread(() -> capture(engine), "capture-" + engine.interfaceName() + "-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
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

        threads.forEach(Thread::start);
        long now = System.currentTimeMillis();
        long firstTick = 1000 - now % 1000 + TICK_LAG_MS;
        ticker.scheduleAtFixedRate(() -> tick(evaluator), firstTick, 1000, TimeUnit.MILLISECONDS);
        log.info("capturing on {} with {} ({} capture threads)", String.join(",", interfaces),
                CaptureEngines.engineName(config), engines.size());
        onStarted.run();

        Optional<AutoCloseable> console = ConsoleScreen.startIfTerminal(access,
                ConsoleSettings.from(config, FastNetMon.Version.VERSION), this::requestStop);

        stopRequested.await();
        console.ifPresent(LiveMode::closeQuietly);
        log.info("stopping: finishing capture, evaluation and script calls");
        closeQuietly(screenFile);
        closeQuietly(grpcApi);
        closeQuietly(api);
        engines.forEach(CaptureEngine::stop);
        for (Thread t : threads) {
            t.join(2000);
        }
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        tick(evaluator);
        evaluator.flushDetails();
        if (!detector.actions().close(Duration.ofSeconds(config.getLong("notify_script_timeout") + 5))) {
            log.warn("some notify script calls were still running at exit");
        }
        engines.forEach(CaptureEngine::close);
        closeQuietly(metrics);
        if (banState != null) {
            banState.close();
        }
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

    /** Takes up the bans in force before a restart; each is unbanned when its ban_time is over. */
    private static void restoreBans(Path statePath, BanStateFile banState, Evaluator evaluator) {
        try {
            for (Attack a : BanStateFile.load(statePath)) {
                if (evaluator.restoreBan(a)) {
                    banState.restored(a);
                    log.info("restored the ban of {} {} {} from {}: banned {} s ago", a.ip, a.direction.text(), a.attackType,
                            statePath, (System.currentTimeMillis() * 1_000_000L - a.bannedAtNanos) / 1_000_000_000L);
                }
            }
        } catch (IOException e) {
            log.error("{}; starting without the bans it held", e.getMessage());
        }
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
            log.error("evaluator failed; it goes on next second", e);
        }
    }

    private void capture(CaptureEngine engine) {
        try {
            engine.run();
        } catch (CaptureException e) {
            log.error("capture on {} stopped: {}", engine.interfaceName(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("capture on {} failed", engine.interfaceName(), e);
        }
    }
}
