package fastnetmon.console;

import fastnetmon.api.DetectorAccess;
import fastnetmon.config.Configuration;
import fastnetmon.config.PresentationSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Writes the screen file at {@code cli_stats_file_path} (FastNetMon's key; /tmp/fastnetmon.dat, where
 * FastNetMon's {@code fastnetmon_client} reads it) once a second, from the evaluator's published view
 * ({@link DetectorAccess#view()}, lock-free), on a thread of its own: nothing on the packet path. Each
 * screen goes to a temporary file in the same folder that then replaces the old one, so a reader never
 * sees half a screen. A failing write is logged once (and once again when writing works again), and
 * the next second tries again. Empty {@code cli_stats_file_path}: no file.
 */
public final class CliStatsFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CliStatsFile.class);

    private final Path path;
    private final Path temp;
    private final DetectorAccess access;
    private final ConsoleSettings settings;
    private final LongSupplier calcNanos;
    private final LongSupplier unparsedPps;
    private final ScheduledExecutorService thread;
    // Written and read on the writer thread only
    private long lastRenderNanos;
    private String failing;

    private CliStatsFile(Path path, DetectorAccess access, ConsoleSettings settings, LongSupplier calcNanos,
                         LongSupplier unparsedPps) {
        this.path = path;
        this.temp = path.resolveSibling("." + path.getFileName() + ".tmp");
        this.access = access;
        this.settings = settings;
        this.calcNanos = calcNanos;
        this.unparsedPps = unparsedPps;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cli-stats-file");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts writing when {@code cli_stats_file_path} is set; otherwise does nothing. Close the result at
     * shutdown: it stops writing and removes the file.
     *
     * @param calcNanos   duration of the last evaluation (the evaluator's stats)
     * @param unparsedPps unparsed packets per second
     */
    public static AutoCloseable start(Configuration config, DetectorAccess access, String version,
                                      LongSupplier calcNanos, LongSupplier unparsedPps) {
        PresentationSettings settings = PresentationSettings.from(config);
        Path path = settings.screenFile();
        if (path == null) {
            return () -> { };
        }
        CliStatsFile f = start(path, access, ConsoleSettings.from(settings.screen(), version), calcNanos, unparsedPps);
        log.info("writing the screen for fastnetmon_client to {} every second", path);
        return f;
    }

    public static CliStatsFile start(Path path, DetectorAccess access, ConsoleSettings settings, LongSupplier calcNanos,
                                     LongSupplier unparsedPps) {
        CliStatsFile f = new CliStatsFile(path, access, settings, calcNanos, unparsedPps);
        f.thread.scheduleAtFixedRate(f::writeOnce, 0, 1, TimeUnit.SECONDS);
        return f;
    }

    private void writeOnce() {
        long started = System.nanoTime();
        try {
            String text = CliStatsText.render(ConsoleData.of(access, settings.version()), settings.sort(),
                    settings.maxIpsInList(), lastRenderNanos, calcNanos.getAsLong(), unparsedPps.getAsLong(),
                    ZoneId.systemDefault());
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (failing != null) {
                log.info("writing the screen file {} works again", path);
                failing = null;
            }
        } catch (IOException | RuntimeException e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!why.equals(failing)) {
                log.warn("cannot write the screen file {}: {}", path, why);
                failing = why;
            }
        }
        lastRenderNanos = System.nanoTime() - started;
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(path);
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            log.warn("cannot remove the screen file {}: {}", path, e.getMessage());
        }
    }
}
