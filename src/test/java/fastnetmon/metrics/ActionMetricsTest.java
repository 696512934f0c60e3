package fastnetmon.metrics;

import fastnetmon.action.ActionRegistry;
import fastnetmon.action.ScriptAction;
import fastnetmon.config.HttpLimits;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.networks.IpAddresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The actions' figures on /metrics move with what a real registry does with a real notify script: a
 * failing call counts failed, a hung one shows running 1 and its host's next call queued 1, a call past
 * the host's bound counts dropped, and what shutdown abandons counts unfinished (issues 7 and 13).
 */
class ActionMetricsTest {
    private static final String FAILS = "10.0.0.1", HANGS = "10.0.0.2", WORKS = "10.0.0.3";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Exits 1 for FAILS; for HANGS, its ban sleeps (until killed); every other call succeeds. */
    private Path script() throws Exception {
        Path p = dir.resolve("notify.sh");
        Files.writeString(p, "#!/bin/sh\ncat > /dev/null\n"
                + "[ \"$1\" = " + FAILS + " ] && exit 1\n"
                + "[ \"$1\" = " + HANGS + " ] && [ \"$4\" = ban ] && exec sleep 300\n"
                + "exit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static BanEvent event(BanEvent.Kind kind, String ip) {
        long[] a = IpAddresses.parse(ip);
        Attack attack = new Attack(ip, a[0], a[1], Direction.INCOMING, "syn_flood", "tcp", new HostTraffic(),
                "pps 50012 > 20000", "global", 1_700_000_000_000_000_000L);
        return new BanEvent(kind, attack, attack.bannedAtNanos);
    }

    private String scrape(MetricsServer s) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** Scrapes until every line is on the page (30 s at most: the machine may be loaded). */
    private String awaitLines(MetricsServer s, String... lines) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String body;
        do {
            body = scrape(s);
            String page = body;
            if (List.of(lines).stream().allMatch(l -> page.lines().anyMatch(l::equals))) {
                return body;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return fail("not all of " + List.of(lines) + " on the page:\n" + body);
    }

    private static String line(String family, String action, String more, long value) {
        return family + "{action=\"" + action + "\"" + more + "} " + value;
    }

    private static String events(String result, long value) {
        return line("fastnetmon_action_events_total", "script", ",result=\"" + result + "\"", value);
    }

    @Test
    void theScriptsFiguresMoveWithWhatItsCallsDo() throws Exception {
        // Three scripts at once at most; one call waiting per host (more are dropped).
        ActionRegistry registry = ActionRegistry.builder(null)
                .add(new ScriptAction(script(), Duration.ofSeconds(60), ZoneOffset.UTC), 3, 1, 100).build();
        MetricsServer server = MetricsServer.start("127.0.0.1", 0, new MetricsServerTest.FakeSource(),
                HttpLimits.defaults(), registry::stats);
        open.add(server);
        open.add(registry::close);

        String idle = scrape(server);
        assertTrue(idle.contains("# TYPE fastnetmon_action_events_total counter\n"), idle);
        assertTrue(idle.contains("# TYPE fastnetmon_action_running gauge\n"), idle);
        awaitLines(server, events("succeeded", 0), events("failed", 0), events("dropped", 0), events("unfinished", 0),
                line("fastnetmon_action_queued", "script", "", 0), line("fastnetmon_action_running", "script", "", 0),
                line("fastnetmon_action_max_running", "script", "", 3));

        registry.onEvent(event(BanEvent.Kind.BAN, FAILS));
        registry.onEvent(event(BanEvent.Kind.BAN, WORKS));
        registry.onEvent(event(BanEvent.Kind.BAN, HANGS));
        awaitLines(server, events("succeeded", 1), events("failed", 1), events("dropped", 0),
                line("fastnetmon_action_running", "script", "", 1), line("fastnetmon_action_queued", "script", "", 0));
        registry.onEvent(event(BanEvent.Kind.UNBAN, HANGS)); // waits behind the hung ban
        registry.onEvent(event(BanEvent.Kind.ATTACK_DETAILS, HANGS)); // past the host's bound of 1: dropped
        awaitLines(server, events("succeeded", 1), events("failed", 1), events("dropped", 1),
                line("fastnetmon_action_running", "script", "", 1), line("fastnetmon_action_queued", "script", "", 1));

        // Shutdown with a short bound: the hung call is killed and its queued unban abandoned.
        assertFalse(registry.close(Duration.ofMillis(300)), "the hung call could not finish");
        awaitLines(server, events("succeeded", 1), events("failed", 1), events("dropped", 1), events("unfinished", 2),
                line("fastnetmon_action_running", "script", "", 0), line("fastnetmon_action_queued", "script", "", 0));
    }

    @Test
    void everyActionHasItsOwnSeries() throws Exception {
        Files.createDirectories(dir.resolve("attacks"));
        ActionRegistry registry = ActionRegistry.builder(null)
                .add(new fastnetmon.action.DetailsFileAction(dir.resolve("attacks"), ZoneOffset.UTC), 1)
                .add(new ScriptAction(script(), Duration.ofSeconds(60), ZoneOffset.UTC), 2).build();
        MetricsServer server = MetricsServer.start("127.0.0.1", 0, new MetricsServerTest.FakeSource(),
                HttpLimits.defaults(), registry::stats);
        open.add(server);
        open.add(registry::close);
        registry.onEvent(event(BanEvent.Kind.BAN, FAILS));
        assertTrue(registry.awaitIdle(Duration.ofSeconds(30)));
        awaitLines(server, events("failed", 1),
                line("fastnetmon_action_max_running", "script", "", 2),
                line("fastnetmon_action_max_running", "details_file", "", 1),
                line("fastnetmon_action_running", "details_file", "", 0));
    }
}
