package fastnetmon.client;

import fastnetmon.config.RegularFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./fastnetmon_client}: the console screen of a running daemon (no command), or one API call for
 * scripts, like FastNetMon's fastnetmon_api_client: {@code bans}, {@code ban IP}, {@code unban IP},
 * {@code host IP}, {@code top}. Exit status 0 on success, 1 when the daemon refuses or does not answer
 * (one line on standard error), 2 for a usage error.
 */
@Command(name = "fastnetmon_client", mixinStandardHelpOptions = true, versionProvider = FastNetMonClient.Version.class,
        description = {"Shows a running fastnetmon's traffic screen, or with a command talks to its HTTP API for scripts.",
                "The daemon is found at 127.0.0.1:10007 unless --host/--port or --configuration_file (api_host, api_port) say otherwise."},
        subcommands = {FastNetMonClient.Bans.class, FastNetMonClient.Ban.class, FastNetMonClient.Unban.class,
                FastNetMonClient.HostCommand.class, FastNetMonClient.TopCommand.class})
public final class FastNetMonClient implements Callable<Integer> {
    static final String NAME = "fastnetmon_client";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 10007;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Mixin
    Connection connection = new Connection();

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    FastNetMonClient(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command line; returns the exit status. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(out, err, Clock.systemDefaultZone(), args);
    }

    static int run(PrintStream out, PrintStream err, Clock clock, String... args) {
        CommandLine cl = new CommandLine(new FastNetMonClient(out, err, clock));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println(NAME + ": " + ex.getMessage() + " (see --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println(NAME + ": " + ex);
            return 1;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** No command: the screen. */
    @Override
    public Integer call() {
        ApiClient client;
        try {
            client = connection.client(null);
        } catch (IOException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        }
        return screen(client);
    }

    /** The console screen drawn from the daemon through the API (the console engineer's part). */
    int screen(ApiClient client) {
        return ClientScreen.run(client, out, err);
    }

    // ---- connection options, accepted before or after the command ----

    static final class Connection {
        @Option(names = "--host", paramLabel = "HOST", description = "Daemon's API address (default: api_host of --configuration_file, else 127.0.0.1).")
        String host;

        @Option(names = "--port", paramLabel = "PORT", description = "Daemon's API port (default: api_port of --configuration_file, else 10007).")
        Integer port;

        @Option(names = "--configuration_file", paramLabel = "PATH", description = "Read api_host and api_port from this fastnetmon.conf.")
        Path configurationFile;

        /** This command's options over its parent's, over the configuration file, over the defaults. */
        ApiClient client(Connection parent) throws IOException {
            String h = host != null ? host : parent != null ? parent.host : null;
            Integer p = port != null ? port : parent != null ? parent.port : null;
            Path conf = configurationFile != null ? configurationFile : parent != null ? parent.configurationFile : null;
            if (conf != null && (h == null || p == null)) {
                ApiAddress a = ApiAddress.read(conf);
                h = h != null ? h : a.host();
                p = p != null ? p : a.port();
            }
            if (p != null && (p < 1 || p > 65535)) {
                throw new IOException("--port " + p + " is not a port (1-65535)");
            }
            return new ApiClient(h != null ? h : DEFAULT_HOST, p != null ? p : DEFAULT_PORT);
        }
    }

    /** api_host and api_port of a fastnetmon.conf; a wildcard api_host (0.0.0.0, ::) means this machine. */
    record ApiAddress(String host, int port) {
        static ApiAddress read(Path file) throws IOException {
            List<String> lines = RegularFile.readText(file, "configuration file", RegularFile.MAX_CONFIG_BYTES).lines().toList();
            String host = DEFAULT_HOST;
            int port = DEFAULT_PORT;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                java.util.regex.Matcher comment = java.util.regex.Pattern.compile("\\s#").matcher(line);
                if (comment.find()) {
                    line = line.substring(0, comment.start()).strip();
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (key.equals("api_host") && !value.isEmpty()) {
                    host = value;
                } else if (key.equals("api_port")) {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 1 || port > 65535) {
                        throw new IOException(file + ":" + (i + 1) + ": api_port: '" + value + "' is not a port (1-65535)");
                    }
                }
            }
            if (host.equals("0.0.0.0")) {
                host = "127.0.0.1";
            } else if (host.equals("::") || host.equals("[::]") || host.equals("::0")) {
                host = "::1";
            }
            return new ApiAddress(host, port);
        }
    }

    // ---- the commands ----

    /** Base of the commands: the connection and one line for every failure. */
    abstract static class ApiCommand implements Callable<Integer> {
        @ParentCommand
        FastNetMonClient parent;

        @Mixin
        Connection connection = new Connection();

        abstract void run(ApiClient client, PrintStream out) throws IOException;

        @Override
        public Integer call() {
            try {
                run(connection.client(parent.connection), parent.out);
                return 0;
            } catch (IOException e) {
                parent.err.println(NAME + ": " + e.getMessage());
                return 1;
            }
        }

        Clock clock() {
            return parent.clock;
        }
    }

    @Command(name = "bans", mixinStandardHelpOptions = true,
            description = "List the banned hosts, one per line: IP, direction, attack type, pps, when banned.")
    static final class Bans extends ApiCommand {
        @Override
        void run(ApiClient client, PrintStream out) throws IOException {
            long now = clock().instant().getEpochSecond();
            for (ApiClient.Ban b : client.bans()) {
                out.println(banLine(b, now, clock().getZone()));
            }
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true,
            description = "Ban a host as an automatic ban would (notify script with ban, then attack_details).")
    static final class Ban extends ApiCommand {
        @Parameters(paramLabel = "IP", description = "Host in the monitored networks (any address when the daemon has api_ban_outside_networks = on).")
        String ip;

        @Option(names = "--direction", paramLabel = "incoming|outgoing|other",
                description = "Direction of the attack (default: other, as FastNetMon reports a ban by hand).")
        String direction;

        @Option(names = "--force", description = "Ban the host even when it is in the daemon's whitelist.")
        boolean force;

        @Override
        void run(ApiClient client, PrintStream out) throws IOException {
            ApiClient.Ban b = client.ban(ip, direction, force);
            out.println("banned " + b.ip());
        }
    }

    @Command(name = "unban", mixinStandardHelpOptions = true, description = "Unban a host (notify script with unban).")
    static final class Unban extends ApiCommand {
        @Parameters(paramLabel = "IP", description = "A banned host.")
        String ip;

        @Override
        void run(ApiClient client, PrintStream out) throws IOException {
            ApiClient.Ban b = client.unban(ip);
            out.println("unbanned " + b.ip());
        }
    }

    @Command(name = "host", mixinStandardHelpOptions = true,
            description = "One host's current traffic (averaged) per direction and protocol, and its ban.")
    static final class HostCommand extends ApiCommand {
        @Parameters(paramLabel = "IP", description = "Host in the monitored networks (any address when the daemon has api_ban_outside_networks = on).")
        String ip;

        @Override
        void run(ApiClient client, PrintStream out) throws IOException {
            ApiClient.Host h = client.host(ip);
            long now = clock().instant().getEpochSecond();
            out.println(h.ip() + (h.ban() == null ? " not banned" : " banned: " + banLine(h.ban(), now, clock().getZone())));
            out.println(String.format(Locale.ROOT, "%-11s %10s %10s %9s %10s %10s %9s",
                    "traffic", "in pps", "in mbps", "in flows", "out pps", "out mbps", "out flows"));
            for (String c : List.of("total", "tcp", "tcp_syn", "udp", "icmp", "fragmented")) {
                ApiClient.Rate in = h.rate("incoming", c);
                ApiClient.Rate o = h.rate("outgoing", c);
                if (in == null || o == null) {
                    continue;
                }
                out.println(String.format(Locale.ROOT, "%-11s %10d %10.2f %9d %10d %10.2f %9d",
                        c, in.pps(), in.mbps(), in.flows(), o.pps(), o.mbps(), o.flows()));
            }
        }
    }

    @Command(name = "top", mixinStandardHelpOptions = true, description = "The busiest hosts in one direction.")
    static final class TopCommand extends ApiCommand {
        @Option(names = "--direction", paramLabel = "incoming|outgoing", description = "Default: incoming.")
        String direction;

        @Option(names = "--sort", paramLabel = "packets|bytes|flows", description = "Default: the daemon's sort_parameter.")
        String sort;

        @Option(names = "--limit", paramLabel = "N", description = "How many hosts (default 7, at most 100).")
        Integer limit;

        @Override
        void run(ApiClient client, PrintStream out) throws IOException {
            ApiClient.Top t = client.top(direction, sort, limit);
            out.println(String.format(Locale.ROOT, "%-39s %10s %10s %9s   (%s, by %s)", "host", "pps", "mbps", "flows",
                    t.direction(), t.sort()));
            for (ApiClient.HostRate h : t.hosts()) {
                out.println(String.format(Locale.ROOT, "%-39s %10d %10.2f %9d", h.ip(), h.pps(), h.mbps(), h.flows()));
            }
        }
    }

    /** "10.10.0.5 incoming syn_flood 20613 pps banned 2026-01-02 13:45:07 (00:01:12 ago)". */
    static String banLine(ApiClient.Ban b, long nowSeconds, ZoneId zone) {
        long ago = Math.max(0, nowSeconds - b.bannedAt());
        return String.format(Locale.ROOT, "%s %s %s %d pps banned %s (%02d:%02d:%02d ago)", b.ip(), b.direction(),
                b.attackType(), b.pps(), TIME.format(Instant.ofEpochSecond(b.bannedAt()).atZone(zone)),
                ago / 3600, ago / 60 % 60, ago % 60);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{NAME + " (Java) 0.1.0"};
        }
    }
}
