package fastnetmon.api;

import fastnetmon.counters.TestShards;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.Detector;
import fastnetmon.action.ActionRegistry;
import fastnetmon.action.DetailsFileAction;
import fastnetmon.action.ScriptAction;
import fastnetmon.config.GroupTotals;
import fastnetmon.config.HostGroup;
import fastnetmon.config.Thresholds;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.TestPackets;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.DetectionSettings;
import fastnetmon.detection.Evaluator;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real detector behind a real API server on 127.0.0.1 (ephemeral port): one counter shard, an
 * evaluator ticked by hand on its own single thread (as live mode's ticker), the real attack actions
 * running a script that records its calls, and {@link EvaluatorAccess} between them and the server.
 * Monitored networks: 10.10.0.0/16 and 2001:db8:10::/48; threshold 20000 pps; averages over a negligible
 * time, so they equal the last second; 3 sample packets per attack; bans last until unbanned.
 */
public final class ApiRig implements AutoCloseable {
    public static final String VERSION = "9.8.7";
    public static final long RECEIVED = 123_456, DROPPED = 78;
    static final ObjectMapper JSON = new ObjectMapper();

    public final CounterShard shard;
    public final Evaluator evaluator;
    public final ActionRegistry actions;
    public final ExecutorService evaluatorThread;
    public final EvaluatorAccess access;
    public final ApiServer server;
    public final Path scriptLog;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Current second: starts at the wall clock's, so manual bans (wall time) and ticks agree. */
    public long second = System.currentTimeMillis() / 1000;
    private final Path dir;

    public ApiRig(Path dir) throws IOException {
        this(dir, false);
    }

    /** @param banOutsideNetworks api_ban_outside_networks */
    public ApiRig(Path dir, boolean banOutsideNetworks) throws IOException {
        this.dir = dir;
        PrefixMatcher monitored = TestPackets.networks("10.10.0.0/16", "2001:db8:10::/48");
        shard = TestShards.shard("api-test", monitored, 16);
        shard.onSecond(second);
        scriptLog = dir.resolve("calls.log");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/bash\nlines=$(wc -l)\necho \"$4 $1 $2 $3 stdin=$lines\" >> '" + scriptLog + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        actions = ActionRegistry.builder(null).add(new DetailsFileAction(dir.resolve("attacks"), ZoneOffset.UTC), 1)
                .add(new ScriptAction(script, Duration.ofSeconds(20), ZoneOffset.UTC), 1).build();
        boolean[] banForPps = new boolean[TrafficClass.COUNT];
        long[] pps = new long[TrafficClass.COUNT];
        boolean[] banForMbps = new boolean[TrafficClass.COUNT];
        long[] mbps = new long[TrafficClass.COUNT];
        Arrays.fill(pps, 1_000_000_000L);
        Arrays.fill(mbps, 1_000_000L);
        banForPps[TrafficClass.TOTAL] = true;
        pps[TrafficClass.TOTAL] = 20_000;
        Thresholds t = new Thresholds(true, true, banForPps, pps, banForMbps, mbps, false, 1_000_000_000L);
        // 10.10.5.0/24 is also watched as a whole (carpet bombing): banned above 50,000 pps in total
        List<HostGroup> groups = List.of(new HostGroup("customers", TestPackets.cidrs("10.10.5.0/24"), t,
                new GroupTotals(true, 50_000, false, 0, false, 0)));
        DetectionSettings settings = new DetectionSettings(true, true, true, 3, 0, false, 1e-9, t, groups, List.of());
        evaluator = new Evaluator(settings, List.of(shard), actions);
        evaluatorThread = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "evaluator");
            th.setDaemon(true);
            return th;
        });
        access = new EvaluatorAccess(evaluator, evaluatorThread, monitored, () -> RECEIVED, () -> DROPPED);
        server = ApiServer.start("127.0.0.1", 0, access, new ApiInfo(VERSION, "bytes", 7, banOutsideNetworks));
    }

    /** The attack details file of a ban of this host (attack_details_folder). */
    public Path detailsFile(String ip) throws IOException {
        try (var files = Files.list(dir.resolve("attacks"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(ip + "_")).findFirst()
                    .orElseThrow(() -> new AssertionError("no details file for " + ip));
        }
    }

    public int port() {
        return server.port();
    }

    /** Counts the packet n times in the current second. */
    public ApiRig send(int n, PacketRecord r) {
        for (int i = 0; i < n; i++) {
            r.timestampNanos = second * 1_000_000_000L + i;
            shard.count(r);
        }
        return this;
    }

    /** The end of the current second, in seconds: the time of the next tick. */
    public long tickSecond() {
        return second + 1;
    }

    /** Ends the current second: publish, evaluate on the evaluator's thread, start the next. */
    public void tick() throws Exception {
        shard.publish();
        long at = tickSecond() * 1_000_000_000L;
        evaluatorThread.submit(() -> evaluator.tick(at)).get(10, TimeUnit.SECONDS);
        second++;
        shard.onSecond(second);
    }

    /** The notify script's calls so far ("ACTION IP DIRECTION PPS stdin=LINES"), once all have finished. */
    public List<String> scriptCalls() throws IOException {
        if (!actions.awaitIdle(Duration.ofSeconds(30))) {
            throw new AssertionError("script calls still running");
        }
        return Files.exists(scriptLog) ? Files.readAllLines(scriptLog) : List.of();
    }

    /** The evaluator's current attack on a host (read on its thread). */
    public Attack attackOf(String ip) throws Exception {
        long[] a = TestPackets.addr(ip);
        return evaluatorThread.submit(() -> evaluator.banOf(a[0], a[1])).get(10, TimeUnit.SECONDS);
    }

    public record Answer(int status, JsonNode json, String body, HttpResponse<String> response) {
        public String error() {
            return json.path("error").asText(null);
        }
    }

    public Answer get(String pathAndQuery) throws Exception {
        return call("GET", pathAndQuery);
    }

    public Answer post(String pathAndQuery) throws Exception {
        return call("POST", pathAndQuery);
    }

    public Answer call(String method, String pathAndQuery) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()), r.body(), r);
    }

    /** A request written by hand (headers the JDK client will not set), over a fresh connection. */
    public static Answer raw(String host, int port, String request) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            return new Answer(status, JSON.readTree(body), body, null);
        }
    }

    @Override
    public void close() {
        server.close();
        evaluatorThread.shutdownNow();
        actions.close(Duration.ofSeconds(30));
    }
}
