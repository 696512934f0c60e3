package fastnetmon.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real RabbitMQ broker (Debian's {@code rabbitmq-server}) for a test class: a node of its own
 * ({@code fnmtestPORT@localhost}) on free loopback ports, its data, logs and Erlang cookie in a temporary
 * folder, and an {@code epmd} of its own (started here, so that nothing outlives the test). It can be
 * stopped and started again on the same ports, keeping its durable queues and the persistent messages it
 * confirmed. A missing rabbitmq-server fails the test.
 *
 * <p>The Erlang VM is started directly ({@code RABBITMQ_ALLOW_INPUT} makes the script exec it) so that the
 * process this class holds is the broker itself. As root it runs as root, with HOME in the folder.
 *
 * <p>Threading: the test's thread.
 */
public final class RabbitMq implements AutoCloseable {
    private static final String SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    /** Boot takes 5-10 s on a quiet machine; CI shares its cores. */
    private static final long START_TIMEOUT_S = 90;

    public final int port;
    /** The TLS listener's port, or -1 when started without TLS. */
    public final int tlsPort;
    private final Path dir;
    private final int epmdPort;
    private Process epmd;
    private Process broker;

    private RabbitMq(Path dir, int port, int tlsPort, int epmdPort) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.epmdPort = epmdPort;
    }

    /** A broker with a plain AMQP listener on {@link #port}, started and accepting connections. */
    public static RabbitMq start() throws IOException, InterruptedException {
        return start(null, null);
    }

    /**
     * A broker with a plain listener and a TLS one on {@link #tlsPort} (PEM certificate and key; clients are
     * not asked for certificates).
     */
    public static RabbitMq start(Path certPem, Path keyPem) throws IOException, InterruptedException {
        return start(certPem, keyPem, null);
    }

    /**
     * A broker listening on {@link #port} on loopback and also on {@code address} (an address of this machine's,
     * e.g. {@link NetnsRig#linkToHost}, for a detector in a network namespace).
     */
    public static RabbitMq startAlsoOn(String address) throws IOException, InterruptedException {
        return start(null, null, address);
    }

    private static RabbitMq start(Path certPem, Path keyPem, String alsoOn) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(SERVER))) {
            throw new IllegalStateException(SERVER + " is missing: apt-get install rabbitmq-server");
        }
        Path dir = Files.createTempDirectory("rabbitmq-test");
        RabbitMq r = new RabbitMq(dir, Ports.free(), certPem == null ? -1 : Ports.free(), Ports.free());
        StringBuilder conf = new StringBuilder()
                .append("listeners.tcp.default = 127.0.0.1:").append(r.port).append('\n')
                .append(alsoOn == null ? "" : "listeners.tcp.link = " + alsoOn + ":" + r.port + "\n")
                .append("loopback_users = none\n")
                .append("log.console = true\nlog.console.level = info\nlog.file = false\n")
                // a nearly full test disk must not block publishers (the broker's free-disk alarm)
                .append("disk_free_limit.absolute = 1MB\n");
        if (certPem != null) {
            conf.append("listeners.ssl.default = 127.0.0.1:").append(r.tlsPort).append('\n')
                    .append("ssl_options.certfile = ").append(certPem).append('\n')
                    .append("ssl_options.keyfile = ").append(keyPem).append('\n')
                    .append("ssl_options.verify = verify_none\nssl_options.fail_if_no_peer_cert = false\n");
        }
        Files.writeString(dir.resolve("rabbitmq.conf"), conf);
        Files.writeString(dir.resolve("advanced.config"), "[].\n");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        r.epmd = new ProcessBuilder("epmd", "-port", Integer.toString(r.epmdPort), "-address", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("epmd.log").toFile()).start();
        try {
            r.startAgain();
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** Starts the broker (again, on the same ports and data) and waits until it accepts AMQP connections. */
    public void startAgain() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(SERVER, "-noinput").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rabbitmq.log").toFile()));
        var env = pb.environment();
        env.put("HOME", dir.toString()); // the Erlang cookie is made here
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
        env.put("RABBITMQ_NODENAME", "fnmtest" + port + "@localhost");
        env.put("RABBITMQ_DIST_PORT", Integer.toString(Ports.free()));
        env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        env.put("RABBITMQ_ALLOW_INPUT", "true"); // the script then execs the VM (-noinput: no shell): our Process is the broker
        broker = pb.start();
        broker.getOutputStream().close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (!accepts()) {
            if (!broker.isAlive() || System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("rabbitmq-server did not start on port " + port + ": " + logTail());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Stops the broker as its service would (SIGTERM: it closes its connections and writes what it holds),
     * killing it if it is not gone within a minute, and waits until it is gone. (Not SIGKILL: the broker
     * writes a queue's declaration to disk a moment later, and a queue declared just before a kill may
     * not survive it; confirmed messages do.)
     */
    public void stop() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(60, TimeUnit.SECONDS)) {
                broker.descendants().forEach(ProcessHandle::destroyForcibly);
                broker.destroyForcibly();
                broker.waitFor(20, TimeUnit.SECONDS);
            }
            broker = null;
        }
    }

    /** A test's own connection (guest on loopback). */
    public Connection connect() throws IOException {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setConnectionTimeout(5000);
        f.setAutomaticRecoveryEnabled(false);
        try {
            return f.newConnection("test");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** Declares a durable queue (what an operator would do before starting the detector). */
    public void declareQueue(String name) throws IOException {
        try (Connection c = connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(name, true, false, false, null);
        }
    }

    /** Takes every message now in the queue (acknowledging them). */
    public List<GetResponse> drain(String queue) throws IOException {
        List<GetResponse> out = new ArrayList<>();
        try (Connection c = connect()) {
            Channel ch = c.createChannel();
            GetResponse r;
            while ((r = ch.basicGet(queue, true)) != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Messages ready in the queue now. */
    public long depth(String queue) throws IOException {
        try (Connection c = connect()) {
            return c.createChannel().messageCount(queue);
        }
    }

    /** The broker's log so far (its console output). */
    public String log() throws IOException {
        Path f = dir.resolve("rabbitmq.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private String logTail() throws IOException {
        String l = log();
        return l.length() > 3000 ? l.substring(l.length() - 3000) : l;
    }

    /** True when an AMQP connection is accepted and opened (not only the TCP port). */
    private boolean accepts() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.close();
            connect().close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        stop();
        if (epmd != null) {
            epmd.destroyForcibly();
            epmd.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
