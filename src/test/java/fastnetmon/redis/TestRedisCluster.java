package fastnetmon.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of three masters (no replicas) for a test class, on free loopback ports, without
 * persistence, each node in a directory of its own: started once ({@link #start}), the slots spread over the
 * masters by {@code redis-cli --cluster create} (node i of {@link #ports} holds the i-th third of them), and
 * ready when every node says {@code cluster_state:ok}; {@link #close} kills the nodes and deletes their
 * directories. A missing redis-server or redis-cli fails the test.
 */
public final class TestRedisCluster implements AutoCloseable {
    private static final int NODES = 3;
    private static final long READY_SECONDS = 20;

    /** The address the nodes listen on (beside 127.0.0.1) and announce to clients. */
    private final String host;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private TestRedisCluster(String host) {
        this.host = host;
    }

    public static TestRedisCluster start() throws Exception {
        return startOn("127.0.0.1");
    }

    /**
     * The same with the nodes listening on {@code host} too (an address of this machine's, e.g. a
     * {@code ClusterRig}'s hub) and announcing it, so that clients in network namespaces reach every node.
     */
    public static TestRedisCluster startOn(String host) throws Exception {
        TestRedisCluster c = new TestRedisCluster(host);
        try {
            for (int i = 0; i < NODES; i++) {
                int port = TestRedis.freePort();
                Path dir = Files.createTempDirectory("redis-cluster-test");
                c.ports.add(port);
                c.dirs.add(dir);
                // The bus port is chosen too: port + 10000, Redis's default, may be out of range or taken.
                List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-port", Integer.toString(TestRedis.freePort())));
                if (!host.equals("127.0.0.1")) {
                    args.addAll(List.of("--bind", "127.0.0.1", host, "--protected-mode", "no", "--cluster-announce-ip", host));
                }
                c.processes.add(TestRedis.launch(port, dir, args));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            c.ports.forEach(p -> create.add(host + ":" + p));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            c.run(create);
            c.awaitOk();
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void awaitOk() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (int port : ports) {
                last = run(List.of("redis-cli", "-p", Integer.toString(port), "cluster", "info"));
                ok &= last.contains("cluster_state:ok");
            }
            if (ok) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Redis Cluster is not ready after " + READY_SECONDS + " s: " + last);
    }

    /** Runs the command (10 s at most); its output, or a failure with it when it fails or hangs. */
    private String run(List<String> cmd) throws Exception {
        Path out = dirs.get(0).resolve("cli.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean done = p.waitFor(10, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(out);
        if (!done || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + text);
        }
        return text;
    }

    /** The masters' ports, in the order of their slots (the first holds slots 0 to 5460). */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** {@code redis-cluster://HOST:P1,HOST:P2,HOST:P3}. */
    public String uri() {
        return "redis-cluster://" + ports.stream().map(p -> host + ":" + p).collect(Collectors.joining(","));
    }

    /** The settings of a detector writing here under {@code prefix} (ban_time 60). */
    public RedisSettings settings(String prefix) {
        return RedisSettings.ofUri(uri(), prefix, 60);
    }

    /** One command to the node on {@code port}, its first reply line (see {@link TestRedis#command}). */
    public static String command(int port, String... args) {
        return TestRedis.command(port, args);
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (Path dir : dirs) {
            TestRedis.delete(dir);
        }
    }
}
