package fastnetmon.client;

import fastnetmon.console.ConsoleData;
import fastnetmon.console.ConsoleScreen;
import fastnetmon.console.ConsoleSettings;
import fastnetmon.console.ScreenModel;
import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code fastnetmon_client} without a command: the daemon's console screen (the console stage's
 * {@link ConsoleScreen}), drawn from GET /api/traffic
 * every second. q (or Ctrl-C) exits. When the daemon stops answering, the last screen stays with a
 * notice under the header and the client keeps asking. When standard output is not a terminal, the
 * screen is printed once as text.
 */
public final class ClientScreen {
    static final long POLL_MS = 1000;

    private ClientScreen() {
    }

    /** Runs the screen until q; returns the exit status (1 when no daemon answers at the start). */
    public static int run(ApiClient client) {
        return run(client, System.out, System.err);
    }

    /**
     * Runs the screen until q (or Ctrl-C); returns the exit status. No daemon at the start: one line on
     * {@code err} and 1. Standard output not a terminal: the screen once as text on {@code out}, and 0.
     */
    public static int run(ApiClient client, PrintStream out, PrintStream err) {
        ApiClient.Traffic first;
        try {
            first = client.traffic();
        } catch (IOException e) {
            err.println("fastnetmon_client: " + e.getMessage());
            return 1;
        }
        ConsoleData data = toConsoleData(first, System.currentTimeMillis());
        SortKey sort = Optional.ofNullable(first.sortDefault()).map(SortKey::parse).orElse(SortKey.PACKETS);
        ConsoleSettings settings = new ConsoleSettings(1, sort, first.maxIpsInList() > 0 ? first.maxIpsInList() : 7,
                first.version());
        if (!ConsoleScreen.stdoutIsTerminal()) {
            for (String l : ScreenModel.lines(data, sort, settings.maxIpsInList(), Integer.MAX_VALUE, Integer.MAX_VALUE)) {
                out.println(l);
            }
            out.flush();
            return 0;
        }
        AtomicReference<ConsoleData> latest = new AtomicReference<>(data);
        CountDownLatch quit = new CountDownLatch(1);
        Thread poller = new Thread(() -> poll(client, latest, quit), "api-poll");
        poller.setDaemon(true);
        poller.start();
        Optional<ConsoleScreen> screen = ConsoleScreen.start(latest::get, settings, quit::countDown);
        if (screen.isEmpty()) {
            err.println("fastnetmon_client: cannot set up the terminal for the screen");
            return 1;
        }
        try {
            quit.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            screen.get().close();
            poller.interrupt();
        }
        return 0;
    }

    private static void poll(ApiClient client, AtomicReference<ConsoleData> latest, CountDownLatch quit) {
        try {
            while (!quit.await(POLL_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                try {
                    latest.set(toConsoleData(client.traffic(), System.currentTimeMillis()));
                } catch (IOException e) {
                    latest.set(latest.get().withNotice(notice(client, e)));
                }
            }
        } catch (InterruptedException e) {
            // quitting
        }
    }

    static String notice(ApiClient client, IOException e) {
        String what = e instanceof ApiClient.NoDaemonException || e.getMessage() == null
                ? "fastnetmon on " + client.address() + " not answering" : e.getMessage();
        return what + " (retrying every second)";
    }

    /** GET /api/traffic as screen data; {@code nowMillis} is what "banned ... ago" is measured to. */
    static ConsoleData toConsoleData(ApiClient.Traffic t, long nowMillis) {
        Map<Direction, ConsoleData.Rate> totals = new EnumMap<>(Direction.class);
        for (Direction d : Direction.values()) {
            ApiClient.Rate r = t.totals() == null ? null : t.totals().get(d.text());
            if (r != null) {
                totals.put(d, new ConsoleData.Rate(r.pps(), r.mbps(), r.flows()));
            }
        }
        Map<Direction, Map<SortKey, List<ConsoleData.Host>>> top = new EnumMap<>(Direction.class);
        for (Direction d : List.of(Direction.INCOMING, Direction.OUTGOING)) {
            Map<SortKey, List<ConsoleData.Host>> byKey = new EnumMap<>(SortKey.class);
            for (SortKey k : SortKey.values()) {
                List<ConsoleData.Host> hosts = new ArrayList<>();
                if (t.top() != null) {
                    for (ApiClient.HostRate h : t.top(d.text(), k.text())) {
                        hosts.add(new ConsoleData.Host(h.ip(), h.pps(), h.mbps(), h.flows(), h.asn()));
                    }
                }
                byKey.put(k, List.copyOf(hosts));
            }
            top.put(d, byKey);
        }
        List<ConsoleData.Ban> bans = new ArrayList<>();
        if (t.bans() != null) {
            for (ApiClient.Ban b : t.bans()) {
                bans.add(new ConsoleData.Ban(b.ip(), b.pps(), b.direction(), b.attackType(), b.attackVector(), b.bannedAt() * 1000));
            }
        }
        return new ConsoleData(t.version(), totals, top, t.received(), t.dropped(), List.copyOf(bans), null, nowMillis);
    }
}
