package fastnetmon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.redis.TestRedis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The processes of a cluster for the live tests: sensors capturing the links of a {@link ClusterRig} (one
 * each, in its monitor namespace), aggregators in this machine's namespace, all meeting in one Redis (a
 * server or a cluster) at the rig's hub address; floods sent over the links. Every process is killed at
 * {@link #close}.
 */
public final class ClusterDeployment implements AutoCloseable {
    public static final String TARGET = "10.10.0.50";
    public static final long THRESHOLD_PPS = 5000;
    private static final List<String> JVM = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public final ClusterRig rig;
    public final String redisUri;
    public final Path dir;
    public final List<Process> sensors = new ArrayList<>();
    private final List<Process> all = new ArrayList<>();
    private final List<Process> aggregators = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ClusterDeployment(ClusterRig rig, String redisUri, Path dir) {
        this.rig = rig;
        this.redisUri = redisUri;
        this.dir = dir;
    }

    /** The keys every role shares: the networks' thresholds and the cluster's Redis. */
    private List<String> common(String... more) {
        List<String> lines = new ArrayList<>(List.of("cluster_redis_uri = " + redisUri, "threshold_pps = " + THRESHOLD_PPS,
                "grpc_api = off", "cluster_sensor_timeout = 2"));
        lines.addAll(List.of(more));
        return lines;
    }

    /** Starts sensor i (named s1, s2, ...) on link i, and waits until it captures. */
    public Process startSensor(int i) throws IOException, InterruptedException {
        Path d = Files.createDirectories(dir.resolve("s" + (i + 1)));
        Path conf = DetectorFiles.config(d, List.of("10.10.0.0/16"), common("cluster_role = sensor",
                "cluster_sensor_name = s" + (i + 1), "prometheus = off", "api = off", "af_packet_threads = 1").toArray(String[]::new));
        Process p = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig.links.get(i), d, conf, JVM), d.resolve("output.txt"));
        if (sensors.size() <= i) {
            sensors.add(p);
        } else {
            sensors.set(i, p);
        }
        all.add(p);
        return p;
    }

    public void startSensors() throws IOException, InterruptedException {
        for (int i = 0; i < rig.links.size(); i++) {
            startSensor(i);
        }
    }

    /**
     * A standalone detector (no cluster) named {@code name} (its folder) capturing link i, for comparison:
     * its script appends as an aggregator's does. Link i's sensor must not be running (they would share the
     * capture).
     */
    public Process startStandalone(String name, int i, Path calls) throws IOException, InterruptedException {
        Path d = Files.createDirectories(dir.resolve(name));
        DetectorFiles.recordingScript(d, calls, "$4 $1 $2 $3 $(date +%s%3N)");
        Path conf = DetectorFiles.config(d, List.of("10.10.0.0/16"), "threshold_pps = " + THRESHOLD_PPS, "grpc_api = off",
                "prometheus = off", "api = off", "af_packet_threads = 1", "ban_time = 60");
        Process p = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig.links.get(i), d, conf, JVM), d.resolve("output.txt"));
        all.add(p);
        return p;
    }

    /** An aggregator: its folder, API port and process. */
    public record Aggregator(Path dir, int apiPort, Process process) {
        public String output() {
            try {
                return Files.readString(dir.resolve("output.txt"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Starts an aggregator named {@code name} whose script appends "$4 $1 $2 $3 epoch-ms" to {@code calls}
     * (shared by the aggregators of one test, so that what they did together shows), and waits until it says
     * it is the active aggregator or a standby.
     */
    public Aggregator startAggregator(String name, Path calls, String... more) throws IOException, InterruptedException {
        Path d = Files.createDirectories(dir.resolve(name));
        DetectorFiles.recordingScript(d, calls, "$4 $1 $2 $3 $(date +%s%3N)");
        int api = TestRedis.freePort();
        List<String> lines = common("cluster_role = aggregator", "cluster_sensor_name = " + name, "mirror_afpacket = off",
                "prometheus = off", "api_port = " + api, "ban_details_records_count = 20", "cluster_lease_time = 2");
        lines.addAll(List.of(more));
        Path conf = DetectorFiles.config(d, List.of("10.10.0.0/16"), lines.toArray(String[]::new));
        Path out = d.resolve("output.txt");
        Process p = new ProcessBuilder(DetectorFiles.command(JVM, "--configuration_file", conf.toString(), "--log_to_console"))
                .directory(d.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        all.add(p);
        aggregators.add(p);
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.exists(out) ? Files.readString(out) : "";
            if (text.contains("aggregating the sensors' counters") || text.contains("standby aggregator")) {
                return new Aggregator(d, api, p);
            }
            if (!p.isAlive()) {
                fail("aggregator exited " + p.exitValue() + ": " + text);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("aggregator did not start: " + Files.readString(out));
    }

    /**
     * Starts a SYN flood to {@link #TARGET} over each link, {@code pps} a link (nominal: hping3's pace),
     * for at most {@code seconds}; returns the processes (the generators end by themselves).
     */
    public List<Process> flood(int links, int pps, int seconds) throws IOException {
        List<Process> floods = new ArrayList<>();
        for (int i = 0; i < links; i++) {
            floods.add(floodLink(i, pps, seconds));
        }
        return floods;
    }

    /** A SYN flood to {@link #TARGET} over link i alone, {@code pps} (nominal), for at most {@code seconds}. */
    public Process floodLink(int i, int pps, int seconds) throws IOException {
        return new ProcessBuilder("timeout", Integer.toString(seconds + 2), "ip", "netns", "exec", rig.links.get(i).peer, "hping3",
                "-q", "-S", "-p", "80", "-i", "u" + 1_000_000 / pps, "-c", Integer.toString(pps * seconds), TARGET)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Packets each link's monitored end received so far. */
    public long[] received() {
        long[] r = new long[rig.links.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = rig.links.get(i).rxPackets();
        }
        return r;
    }

    /** Each link's packets per second over {@code millis}, measured on the monitored ends. */
    public double[] rates(long millis) throws InterruptedException {
        long[] before = received();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        long[] after = received();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] r = new double[before.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (after[i] - before[i]) / seconds;
        }
        return r;
    }

    /** GET on an aggregator's API, as JSON (a missing node when it does not answer). */
    public JsonNode api(Aggregator a, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.apiPort() + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(r.body());
        } catch (Exception e) {
            return new ObjectMapper().missingNode();
        }
    }

    public static List<String> lines(Path calls) {
        try {
            return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Kills (SIGKILL) a process, as a crash would. */
    public static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Kills every aggregator started so far (a test's own, before the next test starts its). */
    public void killAggregators() throws InterruptedException {
        for (Process p : aggregators) {
            kill(p);
        }
        aggregators.clear();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : all) {
            p.destroyForcibly();
        }
        for (Process p : all) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
