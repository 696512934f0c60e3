package fastnetmon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A BIRD 2 that plays the upstream router in the mitigation tests: started in the foreground with its own
 * configuration, control socket and log in a folder of the test's, on loopback. It has the tables
 * master4, master6 (unicast) and flowtab4, flowtab6 (FlowSpec); the test gives the protocol blocks (see
 * {@link #peer}). {@link #routes} is what {@code birdc show route all table T} prints.
 */
public final class Bird implements AutoCloseable {
    private final Path dir;
    private final Path control;
    private final Process process;

    private Bird(Path dir, Path control, Process process) {
        this.dir = dir;
        this.control = control;
        this.process = process;
    }

    /**
     * An eBGP session block: BIRD (AS {@code localAs}) listens on {@code 127.0.0.1:listenPort} and accepts
     * the speaker (AS {@code peerAs}) from {@code 127.0.0.1:peerPort}, importing every route and FlowSpec
     * rule it is sent (multihop: loopback is not a shared network; next hops need not resolve).
     */
    public static String peer(String name, int listenPort, int localAs, int peerPort, int peerAs) {
        return "protocol bgp " + name + " {\n"
                + "  local 127.0.0.1 port " + listenPort + " as " + localAs + ";\n"
                + "  neighbor 127.0.0.1 port " + peerPort + " as " + peerAs + ";\n"
                + "  passive on;\n  multihop;\n"
                + "  ipv4 { import all; export none; gateway recursive; igp table master4; };\n"
                + "  ipv6 { import all; export none; gateway recursive; igp table master6; };\n"
                + "  flow4 { table flowtab4; import all; export none; };\n"
                + "  flow6 { table flowtab6; import all; export none; };\n"
                + "}\n";
    }

    /** Starts BIRD with {@code protocols} and waits (up to 10 s) until its control socket answers. */
    public static Bird start(Path dir, String protocols) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("bird.conf");
        Files.writeString(conf, "router id 127.0.0.1;\n"
                + "protocol device { }\n"
                + "ipv4 table master4;\nipv6 table master6;\nflow4 table flowtab4;\nflow6 table flowtab6;\n"
                + protocols);
        Path control = dir.resolve("bird.ctl");
        Process p = new ProcessBuilder("bird", "-f", "-c", conf.toString(), "-s", control.toString(),
                "-P", dir.resolve("bird.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("bird.log").toFile()).start();
        Bird bird = new Bird(dir, control, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!bird.birdc("show status").contains("Daemon is up")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                bird.close();
                throw new IOException("BIRD did not start: " + Files.readString(dir.resolve("bird.log")));
            }
            Thread.sleep(50);
        }
        return bird;
    }

    /** What {@code birdc -s CONTROL ARGS} prints (bounded by 10 s); its error text when it fails. */
    public String birdc(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("birdc", "-s", control.toString(), command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "";
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** {@code show route all table TABLE}: every route or rule with its attributes (communities, next hop). */
    public String routes(String table) throws IOException, InterruptedException {
        return birdc("show route all table " + table);
    }

    /** Whether the protocol's session is up ({@code show protocols NAME} says Established). */
    public boolean established(String protocol) throws IOException, InterruptedException {
        return birdc("show protocols " + protocol).contains("Established");
    }

    /**
     * The lines of the route or rule in {@code birdOutput} (of {@link #routes}) whose first line starts with
     * {@code head}, up to the next one (BIRD indents attributes with a tab); null when there is none.
     */
    public static String block(String birdOutput, String head) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String line : birdOutput.split("\n")) {
            if (!out.isEmpty() && !line.startsWith("\t")) {
                break;
            }
            if (!out.isEmpty() || line.startsWith(head)) {
                out.add(line);
            }
        }
        return out.isEmpty() ? null : String.join("\n", out);
    }

    /**
     * Waits, up to {@code max}, for the route or rule of {@code table} whose first line starts with
     * {@code head}; returns its lines (the attributes). Fails the test with what BIRD has when it does not come.
     */
    public String await(String table, String head, Duration max) throws InterruptedException {
        String[] found = {null};
        try {
            Eventually.until(max, () -> (found[0] = block(routesNow(table), head)) != null, head + " in BIRD's " + table);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it has: " + routesNow(table), e);
        }
        return found[0];
    }

    /** Waits, up to {@code max}, until {@code table} has no route or rule whose first line starts with {@code head}. */
    public void awaitGone(String table, String head, Duration max) throws InterruptedException {
        Eventually.until(max, () -> block(routesNow(table), head) == null, head + " withdrawn from BIRD's " + table);
    }

    /** {@link #routes}, for conditions: an I/O failure is unchecked. */
    public String routesNow(String table) {
        try {
            return routes(table);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** {@link #established}, for conditions: false on an I/O failure. */
    public boolean isEstablished(String protocol) {
        try {
            return established(protocol);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        Daemons.stop(process);
    }
}
