package fastnetmon.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * carbon-cache for a test class, in the foreground: its line receiver on a free loopback port, the pickle
 * and cache query ports moved to other free ones, whisper files of 1 s resolution kept an hour in a
 * temporary folder. Points are read back from the files with whisper-fetch.
 */
final class CarbonServer extends LocalServer {
    final int port;

    private CarbonServer(Path dir, int port) throws IOException, InterruptedException {
        super(dir, List.of("carbon-cache", "--config=" + writeConfig(dir, port), "--pidfile=" + dir.resolve("carbon.pid"),
                "--nodaemon", "start"), port);
        this.port = port;
    }

    static CarbonServer start() throws IOException, InterruptedException {
        return new CarbonServer(Files.createTempDirectory("carbon"), freePort());
    }

    private static Path writeConfig(Path dir, int port) throws IOException {
        Files.writeString(dir.resolve("storage-schemas.conf"), "[all]\npattern = .*\nretentions = 1s:1h\n");
        Path conf = dir.resolve("carbon.conf");
        Files.writeString(conf, String.join("\n",
                "[cache]",
                "STORAGE_DIR = " + dir.resolve("storage") + "/",
                "LOCAL_DATA_DIR = " + dir.resolve("storage/whisper") + "/",
                "WHITELISTS_DIR = " + dir.resolve("storage/lists") + "/",
                "CONF_DIR = " + dir + "/",
                "LOG_DIR = " + dir.resolve("log") + "/",
                "PID_DIR = " + dir + "/",
                "DATABASE = whisper",
                "USER =",
                "MAX_CACHE_SIZE = inf",
                "MAX_UPDATES_PER_SECOND = 100000",
                "MAX_CREATES_PER_MINUTE = 100000",
                "LINE_RECEIVER_INTERFACE = 127.0.0.1",
                "LINE_RECEIVER_PORT = " + port,
                "ENABLE_UDP_LISTENER = False",
                "PICKLE_RECEIVER_INTERFACE = 127.0.0.1",
                "PICKLE_RECEIVER_PORT = " + freePort(),
                "CACHE_QUERY_INTERFACE = 127.0.0.1",
                "CACHE_QUERY_PORT = " + freePort(),
                ""));
        return conf;
    }

    /** The whisper file of a metric path ({@code a.b.c} is {@code a/b/c.wsp}). */
    Path file(String path) {
        return dir.resolve("storage/whisper").resolve(path.replace('.', '/') + ".wsp");
    }

    /** The points of {@code path} kept (not None) over the last hour: Unix second to value; empty if no file yet. */
    Map<Long, Double> points(String path) throws IOException, InterruptedException {
        Map<Long, Double> points = new TreeMap<>();
        Path file = file(path);
        if (!Files.exists(file)) {
            return points;
        }
        long now = System.currentTimeMillis() / 1000;
        Process p = new ProcessBuilder("whisper-fetch", "--from=" + (now - 3500), "--until=" + (now + 60), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("whisper-fetch " + file + ": " + out);
        }
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && !f[1].equals("None")) {
                points.put(Long.parseLong(f[0]), Double.parseDouble(f[1]));
            }
        }
        return points;
    }

    /** {@link #points}, waiting up to 15 s for carbon to have written {@code want} of them. */
    Map<Long, Double> awaitPoints(String path, int want) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Map<Long, Double> points = points(path);
        while (points.size() < want && System.nanoTime() < deadline) {
            Thread.sleep(200);
            points = points(path);
        }
        return points;
    }
}
