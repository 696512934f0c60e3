package fastnetmon;

import fastnetmon.action.NotifyScript;
import fastnetmon.config.ConfigException;
import fastnetmon.config.Configuration;
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

    @Option(names = "--configuration_file", paramLabel = "PATH",
            description = "Configuration file (default: " + SYSTEM_CONFIG + " when it exists, else conf/fastnetmon.conf of this installation).")
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
            out.println("configuration OK");
            return 0;
        }
        Path logPath = logFile != null ? logFile : config.getPath("log_file");
        String logProblem = Logging.configure(config.getString("logging_level"), logPath, logToConsole);
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
        if ((daemonize || config.getBoolean("daemonize")) && System.getenv(DETACHED) == null) {
            return detach(config, log);
        }
        List<String> ifaces = interfaces != null
                ? Arrays.stream(interfaces.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList()
                : config.getList("interfaces");
        try {
            new LiveMode(config).run(ifaces);
            return 0;
        } catch (StartupException e) {
            err.println("fastnetmon: " + e.getMessage());
            log.error(e.getMessage());
            return 1;
        }
    }

    private void checkNotifyScript(Configuration config, Logger log) {
        Path script = config.getPath("notify_script_path");
        if (!config.getBoolean("notify_script_enabled") || script == null) {
            return;
        }
        NotifyScript.problem(script).ifPresent(p -> {
            String msg = "notify script " + script + " " + p + ": bans will be logged and written to attack_details_folder only";
            log.error(msg);
            err.println("fastnetmon: " + msg);
        });
    }

    private static final String DETACHED = "FASTNETMON_DETACHED";

    /** Starts this same command again in a new session with no terminal, and returns. */
    private int detach(Configuration config, Logger log) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> self = PidFile.selfCommandLine(); // whole, where ProcessHandle.Info stops at a page
        if (info.command().isEmpty() || self.size() < 2) {
            err.println("fastnetmon: cannot daemonize: this system does not tell a process its own command line; run it under a service manager instead");
            return 1;
        }
        List<String> cmd = new java.util.ArrayList<>(List.of("setsid", info.command().get()));
        cmd.addAll(self.subList(1, self.size()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(DETACHED, "1");
        try {
            Process p = pb.start();
            Path logPath = logFile != null ? logFile : config.getPath("log_file");
            out.println("fastnetmon: running in the background (pid " + p.pid() + "); log: " + logPath);
            log.info("detached: running in the background as pid {}", p.pid());
            return 0;
        } catch (IOException e) {
            err.println("fastnetmon: cannot daemonize: " + e.getMessage());
            return 1;
        }
    }

    static Path defaultConfiguration() {
        Path system = Path.of(SYSTEM_CONFIG);
        if (Files.exists(system)) {
            return system;
        }
        String home = System.getProperty("fastnetmon.home");
        return Path.of(home != null ? home : ".").resolve("conf").resolve("fastnetmon.conf");
    }

    static final class Version implements CommandLine.IVersionProvider {
        static final String VERSION = "0.1.0";

        @Override
        public String[] getVersion() {
            return new String[]{"fastnetmon (Java) " + VERSION};
        }
    }
}
