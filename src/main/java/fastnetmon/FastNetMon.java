package fastnetmon;

import fastnetmon.action.ActionSettings;
import fastnetmon.action.NotifyScript;
import fastnetmon.config.ConfigException;
import fastnetmon.cluster.ClusterSettings;
import fastnetmon.config.Configuration;
import fastnetmon.source.CaptureSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** The command line: FastNetMon's option names. */
@Command(name = "fastnetmon", mixinStandardHelpOptions = true, versionProvider = FastNetMon.Version.class,
        description = "DDoS detector: counts traffic per host of your networks and calls your script when one crosses a threshold.")
public final class FastNetMon implements Callable<Integer> {
    static final String SYSTEM_CONFIG = "/etc/fastnetmon.conf";
    static final String PACKAGE_CONFIG = "/etc/fastnetmon-java/fastnetmon.conf";

    @Option(names = "--configuration_file", paramLabel = "PATH",
            description = "Configuration file (default: conf/fastnetmon.conf of this clone or installation; without one, "
                    + PACKAGE_CONFIG + ", else " + SYSTEM_CONFIG + ").")
    Path configurationFile;

    @Option(names = "--configuration_check", description = "Load and validate the configuration, networks and whitelist, print what was loaded, and exit.")
    boolean configurationCheck;

    @Option(names = "--log_file", paramLabel = "PATH", description = "Log file (overrides log_file in the configuration).")
    Path logFile;

    @Option(names = "--log_to_console", description = "Also log to standard error.")
    boolean logToConsole;

    @Option(names = "--pcap_file", paramLabel = "PATH", description = "Replay a capture file (pcap or pcapng) through the detector and print a JSON summary.")
    Path pcapFile;

    @Option(names = "--flow_exports_file", paramLabel = "PATH", description = "Replay a capture file of sFlow, NetFlow or IPFIX exports through the flow collectors and print a JSON summary.")
    Path flowExportsFile;

    @Option(names = "--daemonize", description = "Detach from the terminal and run in the background (also: daemonize = on).")
    boolean daemonize;

    @Option(names = "--disable_pid_logic", description = "Neither write pid_path nor check it for another running instance.")
    boolean disablePidLogic;

    @Parameters(arity = "0..1", paramLabel = "IFACE[,IFACE...]", description = "Interfaces to capture on (default: interfaces in the configuration).")
    String interfaces;

    private final PrintStream out;
    private final PrintStream err;

    FastNetMon(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new FastNetMon(out, err));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("fastnetmon: " + ex.getMessage() + " (see --help)");
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("fastnetmon: " + ex);
            LoggerFactory.getLogger(FastNetMon.class).error("fatal", ex);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Path confPath = configurationFile != null ? configurationFile : defaultConfiguration();
        Configuration config;
        try {
            config = Configuration.load(confPath);
        } catch (ConfigException e) {
            err.println("fastnetmon: " + e.getMessage());
            return 1;
        }
        if (configurationCheck) {
            out.println(config.describe());
            for (String w : config.warnings()) {
                out.println("warning: " + w);
            }
            for (String w : StartCheck.warnings(config)) {
                out.println("warning: " + w);
            }
            List<String> problems = pcapFile != null ? List.of() : StartCheck.problems(config, namedInterfaces(config));
            for (String p : problems) {
                err.println("fastnetmon: " + p);
            }
            out.println(problems.isEmpty() ? "configuration OK" : "configuration has " + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + ": a start would fail");
            return problems.isEmpty() ? 0 : 1;
        }
        ProcessSettings process = ProcessSettings.from(config);
        Path logPath = logFile != null ? logFile : process.logFile();
        if ((daemonize || process.daemonize()) && pcapFile == null && flowExportsFile == null && !Daemon.isDaemon()) {
            return Daemon.detach(logPath, out, err); // the daemon logs; this command does not
        }
        String logProblem = Logging.configure(process.loggingLevel(), logPath, logToConsole);
        Logger log = LoggerFactory.getLogger(FastNetMon.class);
        if (logProblem != null) {
            err.println("fastnetmon: " + logProblem);
        }
        log.info("fastnetmon {} starting with {}", Version.VERSION, confPath);
        for (String w : config.warnings()) {
            log.warn(w);
        }
        checkNotifyScript(config, log);
        if (pcapFile != null || flowExportsFile != null) {
            return new ReplayMode(config, out, err).run(flowExportsFile != null ? flowExportsFile : pcapFile, flowExportsFile != null);
        }
        List<String> ifaces = namedInterfaces(config);
        if (ifaces.isEmpty() && CaptureSettings.from(config).anyEngineOn()
                && ClusterSettings.from(config).role() != ClusterSettings.Role.AGGREGATOR) {
            ifaces = DefaultRoute.interfaces();
            if (!ifaces.isEmpty()) {
                String msg = "no interface named or configured: capturing on " + String.join(",", ifaces) + " (the default route's)";
                err.println("fastnetmon: " + msg);
                log.info(msg);
            }
        }
        try {
            LiveMode live = new LiveMode(config);
            live.pidLogic = !disablePidLogic;
            live.onStarted = () -> Daemon.started(out);
            live.run(ifaces);
            return live.exitStatus;
        } catch (StartupException e) {
            err.println("fastnetmon: " + e.getMessage());
            log.error(e.getMessage());
            return 1;
        }
    }

    /** The interfaces named on the command line, else those of the configuration (may be empty). */
    private List<String> namedInterfaces(Configuration config) {
        return interfaces != null
                ? Arrays.stream(interfaces.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList()
                : CaptureSettings.from(config).interfaces();
    }

    private void checkNotifyScript(Configuration config, Logger log) {
        Path script = ActionSettings.from(config).script();
        if (script == null) {
            return;
        }
        NotifyScript.problem(script).ifPresent(p -> {
            String msg = p + ": bans will be logged and written to attack_details_folder only";
            log.error(msg);
            err.println("fastnetmon: " + msg);
        });
    }

    /**
     * The configuration of this clone or installation (fastnetmon.home, set by the launchers) when it has
     * one: so ./fastnetmon in a clone never picks up FastNetMon's /etc/fastnetmon.conf. Without one: the
     * package's, then FastNetMon's (an operator switching over keeps it), then ./conf.
     */
    static Path defaultConfiguration() {
        String home = System.getProperty("fastnetmon.home");
        if (home != null) {
            Path own = Path.of(home, "conf", "fastnetmon.conf");
            if (Files.exists(own)) {
                return own;
            }
        }
        for (String p : List.of(PACKAGE_CONFIG, SYSTEM_CONFIG)) {
            if (Files.exists(Path.of(p))) {
                return Path.of(p);
            }
        }
        return Path.of("conf", "fastnetmon.conf");
    }

    static final class Version implements CommandLine.IVersionProvider {
        static final String VERSION = "0.1.0";

        @Override
        public String[] getVersion() {
            return new String[]{"fastnetmon (Java) " + VERSION};
        }
    }
}
