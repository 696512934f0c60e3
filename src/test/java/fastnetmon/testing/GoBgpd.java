package fastnetmon.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gobgpd (GoBGP 3) for the mitigation tests: AS 65000 on loopback, its gRPC API on
 * {@code 127.0.0.1:apiPort}, one eBGP neighbor (the {@link Bird} that plays the upstream router, AS
 * 65001, listening on {@code 127.0.0.1:peerPort}) with IPv4 and IPv6 unicast and FlowSpec. Its
 * configuration and log are in a folder of the test's. It can be stopped and started again on the same
 * ports (what it was given is lost then: gobgpd keeps no paths across a restart).
 *
 * <p>Threading: the test's thread.
 */
public final class GoBgpd implements AutoCloseable {
    private final Path dir;
    private final String apiHost;
    private final int apiPort;
    private Process process;

    private GoBgpd(Path dir, String apiHost, int apiPort) {
        this.dir = dir;
        this.apiHost = apiHost;
        this.apiPort = apiPort;
    }

    /**
     * Writes the configuration and starts gobgpd: it listens for BGP on {@code bgpPort} and connects to the
     * neighbor at {@code 127.0.0.1:peerPort} itself (BIRD is passive), first after a few seconds.
     */
    public static GoBgpd start(Path dir, int apiPort, int bgpPort, int peerPort) throws IOException, InterruptedException {
        return start(dir, "127.0.0.1", apiPort, bgpPort, peerPort);
    }

    /** The same with its gRPC API on {@code apiHost} (an address of this machine's, e.g. {@link NetnsRig#linkToHost}). */
    public static GoBgpd start(Path dir, String apiHost, int apiPort, int bgpPort, int peerPort) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StringBuilder conf = new StringBuilder()
                .append("[global.config]\n  as = 65000\n  router-id = \"127.0.0.2\"\n  port = ").append(bgpPort)
                .append("\n  local-address-list = [\"127.0.0.1\"]\n\n")
                .append("[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"127.0.0.1\"\n    peer-as = 65001\n")
                .append("  [neighbors.transport.config]\n    remote-port = ").append(peerPort)
                .append("\n    local-address = \"127.0.0.1\"\n")
                .append("  [neighbors.ebgp-multihop.config]\n    enabled = true\n    multihop-ttl = 2\n")
                .append("  [neighbors.timers.config]\n    connect-retry = 5\n");
        for (String family : new String[] {"ipv4-unicast", "ipv6-unicast", "ipv4-flowspec", "ipv6-flowspec"}) {
            conf.append("  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = \"")
                    .append(family).append("\"\n");
        }
        Files.writeString(dir.resolve("gobgpd.toml"), conf);
        GoBgpd g = new GoBgpd(dir, apiHost, apiPort);
        g.start();
        return g;
    }

    /** Starts it (again) and waits, up to 10 s, until its API accepts connections. */
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("gobgpd", "-f", dir.resolve("gobgpd.toml").toString(), "-t", "toml",
                "--api-hosts", apiHost + ":" + apiPort, "--pprof-disable", "-p", "-l", "info")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gobgpd.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!apiAnswers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                stop();
                throw new IOException("gobgpd did not start: " + Files.readString(dir.resolve("gobgpd.log")));
            }
            Thread.sleep(50);
        }
    }

    /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits until it is gone. */
    public void stop() {
        if (process == null) {
            return;
        }
        Daemons.stop(process);
    }

    /** What {@code gobgp global rib -a FAMILY} prints: gobgpd's own table, read through its API. */
    public String rib(String family) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("gobgp", "-u", apiHost, "-p", Integer.toString(apiPort), "global", "rib", "-a", family)
                .redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "";
        }
        return new String(p.getInputStream().readAllBytes());
    }

    public int apiPort() {
        return apiPort;
    }

    private boolean apiAnswers() {
        try (Socket s = new Socket(InetAddress.getByName(apiHost), apiPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
