package fastnetmon.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server for a test class, on a free loopback port, without persistence: started once, stopped
 * after (and stoppable and restartable on the same port in between). A missing redis-server fails the test.
 */
public final class TestRedis implements AutoCloseable {
    public final int port;
    private final Path dir;
    private final List<String> extra;
    private Process process;
    private io.lettuce.core.RedisClient client;
    private io.lettuce.core.api.StatefulRedisConnection<String, String> connection;

    private TestRedis(int port, Path dir, List<String> extra) {
        this.port = port;
        this.dir = dir;
        this.extra = extra;
    }

    /** @param extraArgs more redis-server options; {@code PORT} stands for the chosen port */
    public static TestRedis start(String... extraArgs) throws Exception {
        TestRedis r = new TestRedis(freePort(), Files.createTempDirectory("redis-test"), List.of(extraArgs));
        r.startAgain();
        return r;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the server (empty: nothing is saved) and waits until it answers PING. */
    public void startAgain() throws Exception {
        List<String> args = new ArrayList<>();
        for (String a : extra) {
            args.add(a.replace("PORT", Integer.toString(port)));
        }
        process = launch(port, dir, args);
    }

    /**
     * Starts a redis-server on {@code port} of the loopback, without persistence, working in {@code dir} (its
     * output in dir/redis.log), with more options {@code args}; returns once it is ready to accept
     * connections (10 s at most, else it fails with the server's output).
     */
    static Process launch(int port, Path dir, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(args);
        Path log = dir.resolve("redis.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(log));
            }
            if (Files.readString(log).contains("Ready to accept connections")) {
                Files.writeString(log, ""); // the next start's line is its own
                return p;
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer on port " + port);
    }

    /** Kills the server (SIGKILL: as a crash or a lost link would look); its data is gone. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** One command in RESP, its first reply line ("+OK", ":1", "$5" ...), or null when not reachable. */
    public String command(String... args) {
        return command(port, args);
    }

    /** As {@link #command(String...)}, to the server on {@code port} of the loopback. */
    static String command(int port, String... args) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The settings of a detector writing here under {@code prefix} (ban_time 60). */
    public RedisSettings settings(String prefix) {
        return new RedisSettings(true, "127.0.0.1", port, prefix, "", false, 0, 60);
    }

    /** A test's own connection to read what was written (reconnecting by itself after a restart). */
    public synchronized io.lettuce.core.api.sync.RedisCommands<String, String> sync() {
        if (connection == null) {
            client = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + port);
            connection = client.connect();
        }
        return connection.sync();
    }

    @Override
    public void close() throws Exception {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        stop();
        delete(dir);
    }

    /** Deletes a directory and what it holds. */
    static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
