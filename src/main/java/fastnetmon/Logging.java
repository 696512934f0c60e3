package fastnetmon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sets up logging from the options and the configuration: a log file, standard error, or both. */
public final class Logging {
    /**
     * Logback's start-up configuration until the options are read: standard error at INFO, set up in
     * code (found through META-INF/services), which starts faster than parsing an XML file.
     */
    public static final class Startup extends ContextAwareBase implements Configurator {
        @Override
        public ExecutionStatus configure(LoggerContext ctx) {
            Logging.configure(ctx, "info", null, true);
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
    }

    private Logging() {
    }

    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} [%level] %msg%n";

    /**
     * Logs to {@code file} (when not null) and to standard error when {@code toConsole}. A log file
     * that cannot be written falls back to standard error; the returned text says so (or is null).
     */
    static String configure(String level, Path file, boolean toConsole) {
        return configure((LoggerContext) LoggerFactory.getILoggerFactory(), level, file, toConsole);
    }

    static String configure(LoggerContext ctx, String level, Path file, boolean toConsole) {
        ctx.reset();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        String problem = null;
        if (file != null) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (!Files.exists(file)) {
                    Files.createFile(file);
                }
                if (!Files.isWritable(file)) {
                    throw new IOException("not writable");
                }
                FileAppender<ILoggingEvent> fa = new FileAppender<>();
                fa.setContext(ctx);
                fa.setName("file");
                fa.setFile(file.toString());
                fa.setAppend(true);
                fa.setEncoder(encoder(ctx));
                fa.start();
                root.addAppender(fa);
            } catch (IOException | RuntimeException e) {
                problem = "cannot write the log file " + file + " (" + e.getMessage() + "): logging to standard error";
                toConsole = true;
            }
        }
        if (toConsole || file == null) {
            ConsoleAppender<ILoggingEvent> ca = new ConsoleAppender<>();
            ca.setContext(ctx);
            ca.setName("console");
            ca.setTarget("System.err");
            ca.setEncoder(encoder(ctx));
            ca.start();
            root.addAppender(ca);
        }
        return problem;
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(PATTERN);
        enc.start();
        return enc;
    }
}
