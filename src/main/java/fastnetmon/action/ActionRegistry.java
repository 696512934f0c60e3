package fastnetmon.action;

import fastnetmon.cluster.ClusterSettings;
import fastnetmon.config.Configuration;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.detection.BanListener;
import fastnetmon.geoip.OriginLookup;
import fastnetmon.mitigation.BgpPlan;
import fastnetmon.mitigation.BgpSettings;
import fastnetmon.mitigation.ExaBgpSpeaker;
import fastnetmon.mitigation.GoBgpSpeaker;
import fastnetmon.mitigation.IpsetPlan;
import fastnetmon.mitigation.IpsetSettings;
import fastnetmon.mitigation.IpsetSpeaker;
import fastnetmon.mitigation.MitigationPlan;
import fastnetmon.mitigation.Speaker;
import fastnetmon.redis.RedisSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every action taken on a ban, built from the configuration in one place ({@link #fromConfig}). Each
 * ban event is journaled in the ban-state file (when one is configured) and handed to every action's
 * own bounded queue and workers ({@link ActionRunner}); {@link #onEvent} returns at once, and an action
 * that throws, hangs or is slow delays no other action, the evaluator or capture. A step leaves the
 * journal pending until every action has carried it out, so what a stop or crash cuts short is carried
 * out at the next start ({@link #recover}).
 *
 * <p>Threading: {@link #onEvent} is called on the evaluator's thread (ticks and manual bans are
 * serialized by the caller); {@link #stats} on any thread; {@link #close} once, by whoever stops the
 * detector (a second call returns at once).
 */
public final class ActionRegistry implements BanListener {
    private static final Logger log = LoggerFactory.getLogger(ActionRegistry.class);
    /** Calls one host may have waiting per action before more are dropped (a ban's life is 3). */
    static final int PER_HOST = 16;
    /** Calls that may wait per action in all. */
    static final int TOTAL = 10_000;
    /** Registries not closed yet whose owner stops them in order (a stop bound above 0). */
    private static final Set<ActionRegistry> OPEN = ConcurrentHashMap.newKeySet();

    private final List<ActionRunner> runners;
    private final List<BanSource> banSources;
    private final BanJournal journal;
    private final long stopBoundNanos;
    private long droppedClosed; // guarded by this
    private boolean closed; // guarded by this
    private boolean recovered; // guarded by this

    /**
     * The actions of a live detector: the attack details file, the notify script, mail (email_notifications),
     * Redis (redis_enabled), the mitigations (exabgp, gobgp, ipset), and the ban-state journal in
     * {@code banState} (null: none). A new action is one {@code add} line here. No GeoIP attribution: see {@link #fromConfig(Configuration, Path, OriginLookup)}.
     */
    public static ActionRegistry fromConfig(Configuration config, Path banState) {
        return fromConfig(config, banState, OriginLookup.NONE);
    }

    /** The same, with the attacks' origins ({@code origins}, from the detector's GeoIP databases) in their texts. */
    public static ActionRegistry fromConfig(Configuration config, Path banState, OriginLookup origins) {
        return build(config, banState, ZoneId.systemDefault(), origins, true);
    }

    /** The same actions for a replay, with no ban-state journal nor Redis ban list (a replay's bans are not the network's). */
    public static ActionRegistry forReplay(Configuration config) {
        return forReplay(config, OriginLookup.NONE);
    }

    /** The same with the attacks' origins in their texts. */
    public static ActionRegistry forReplay(Configuration config, OriginLookup origins) {
        return build(config, null, ZoneId.systemDefault(), origins, false);
    }

    /**
     * @param origins where attacks come from, for the actions that show it (GeoIP; {@link OriginLookup#NONE}: none)
     * @param live    the network's bans (false in a replay: Redis gets the attack keys but no ban list)
     */
    private static ActionRegistry build(Configuration config, Path banState, ZoneId zone, OriginLookup origins,
                                        boolean live) {
        ActionSettings s = ActionSettings.from(config);
        Builder b = builder(banState).stopBound(s.scriptTimeout().plusSeconds(10));
        if (s.detailsFolder() != null) {
            b.add(new DetailsFileAction(s.detailsFolder(), zone, origins), 1);
        }
        b.add(new ScriptAction(s.script(), s.scriptTimeout(), zone, origins), s.maxRunningScripts());
        MailSettings mail = MailSettings.from(config);
        if (usable(mail.enabled(), mail.problem(), "no ban will be mailed")) {
            b.add(new MailAction(mail, origins, zone), MailAction.THREADS);
        }
        RedisSettings redis = RedisSettings.from(config);
        if (redis.enabled()) {
            b.add(new RedisAction(redis, origins, zone, live), 1);
        }
        ClusterSettings cluster = ClusterSettings.from(config);
        if (live && cluster.role() == ClusterSettings.Role.AGGREGATOR) { // where a standby takes the bans up
            b.add(RedisAction.banListOnly("cluster_ban_list", cluster.redis()), 1);
        }
        if (live) { // a replay's bans are not the network's: nothing is announced for them
            BgpSettings exabgp = BgpSettings.exabgp(config);
            if (usable(exabgp.enabled(), exabgp.problem(), "no ban will be announced through ExaBGP")) {
                b.add(mitigation(new ExaBgpSpeaker(exabgp.commandPipe()), new BgpPlan(exabgp, config.networks()), banState, s.resyncSeconds()), 1);
            }
            BgpSettings gobgp = BgpSettings.gobgp(config);
            if (usable(gobgp.enabled(), gobgp.problem(), "no ban will be announced through GoBGP")) {
                b.add(mitigation(new GoBgpSpeaker(gobgp.apiHost(), gobgp.apiPort()), new BgpPlan(gobgp, config.networks()), banState, s.resyncSeconds()), 1);
            }
            IpsetSettings ipset = IpsetSettings.from(config);
            if (usable(ipset.enabled(), ipset.problem(), "no ban will be announced through ipset")) {
                IpsetSpeaker speaker = new IpsetSpeaker();
                try {
                    speaker.check();
                } catch (IOException e) {
                    log.error("{}: ipset bans are retried until it works", e.getMessage());
                }
                b.add(mitigation(speaker, new IpsetPlan(ipset), banState, s.resyncSeconds()), 1);
            }
        }
        return b.build();
    }

    /** Whether a switched-on part's settings can work; a problem is logged with what follows from it (the part stays off). */
    private static boolean usable(boolean enabled, Optional<String> problem, String consequence) {
        problem.ifPresent(p -> log.error("{}: {}", p, consequence));
        return enabled && problem.isEmpty();
    }

    /** A mitigation action whose ledger lives beside the ban-state file (none without one). */
    private static MitigationAction mitigation(Speaker speaker, MitigationPlan plan, Path banState, long resyncSeconds) {
        return new MitigationAction(speaker, plan, banState == null ? null : new MitigationLedger(
                MitigationLedger.beside(banState, speaker.name()), speaker.name()), resyncSeconds);
    }

    /** @param banState ban_state_path, or null for no journal */
    public static Builder builder(Path banState) {
        return new Builder(banState);
    }

    /** Actions in the order they are closed at shutdown; the journal is closed after all of them. */
    public static final class Builder {
        private final Path banState;
        private final List<ActionRunner> runners = new ArrayList<>();
        private final List<BanSource> banSources = new ArrayList<>();
        private Duration stopBound = Duration.ZERO;

        private Builder(Path banState) {
            this.banState = banState;
        }

        /**
         * How long its owner's orderly stop may take at most: at JVM exit, the script reaper waits this
         * long for {@link #close} before it kills the scripts still running (0, the default: it does not wait).
         */
        public Builder stopBound(Duration bound) {
            this.stopBound = bound;
            return this;
        }

        /** Adds an action carrying out events of up to {@code threads} hosts at once. */
        public Builder add(Action action, int threads) {
            return add(action, threads, PER_HOST, TOTAL);
        }

        public Builder add(Action action, int threads, int perHost, int total) {
            runners.add(new ActionRunner(action, threads, perHost, total));
            if (action instanceof BanSource source) {
                banSources.add(source);
            }
            return this;
        }

        /** Loads the journal (bad content is said in one line and kept aside) and starts taking events. */
        public ActionRegistry build() {
            return new ActionRegistry(List.copyOf(runners), List.copyOf(banSources), banState == null ? null : new BanJournal(banState),
                    stopBound.toNanos());
        }
    }

    private ActionRegistry(List<ActionRunner> runners, List<BanSource> banSources, BanJournal journal, long stopBoundNanos) {
        this.runners = runners;
        this.banSources = banSources;
        this.journal = journal;
        this.stopBoundNanos = stopBoundNanos;
        if (stopBoundNanos > 0) {
            OPEN.add(this);
        }
    }

    /** The longest stop bound of the registries not closed yet (0: none to wait for); any thread. */
    static long exitWaitNanos() {
        long max = 0;
        for (ActionRegistry r : OPEN) {
            max = Math.max(max, r.stopBoundNanos);
        }
        return max;
    }

    @Override
    public void onEvent(BanEvent event) {
        synchronized (this) {
            if (closed) {
                droppedClosed++;
                log.warn("actions are closed: {} {} dropped", event.kind(), event.attack().ip);
                return;
            }
        }
        long version = journal == null ? 0 : journal.record(event);
        if (runners.isEmpty() && journal != null) {
            journal.completed(event); // no action to carry it out
            return;
        }
        Step step = new Step(event, journal, version, runners.size());
        for (ActionRunner r : runners) {
            r.offer(step);
        }
    }

    /** What a restart takes up: the bans to restore in the evaluator, and the calls it queued again. */
    public record Recovery(List<Attack> restore, List<BanEvent> replayed) {
    }

    /**
     * Call once at start, after the evaluator exists. Returns the bans in force at the last stop (hand
     * each to the evaluator, which sends RESTORED to every action and unbans it when its ban_time is
     * over), and queues now, to every action, the calls that had not completed: the unban of a ban whose
     * unban was asked for (it is not restored), and a ban or attack_details call cut short. The bans
     * that actions keep elsewhere ({@link BanSource}: Redis) are restored too, unless the journal has the
     * same ban (host, direction and ban time): so each ban is unbanned once.
     */
    public Recovery recover() {
        synchronized (this) {
            if (recovered) {
                return new Recovery(List.of(), List.of());
            }
            recovered = true;
        }
        List<Attack> restore = new ArrayList<>();
        List<BanEvent> replay = new ArrayList<>();
        long now = System.currentTimeMillis() * 1_000_000L;
        List<JournalEntry> loaded = journal == null ? List.of() : journal.loaded();
        Set<Attack> known = new HashSet<>();
        for (JournalEntry e : loaded) {
            known.add(e.attack);
            if (e.unbanRequested) {
                replay.add(new BanEvent(BanEvent.Kind.UNBAN, e.attack, now));
                continue;
            }
            restore.add(e.attack);
            if (!e.banDone) {
                replay.add(new BanEvent(BanEvent.Kind.BAN, e.attack, now));
            }
            if (e.detailsRequested && !e.detailsDone) {
                replay.add(new BanEvent(BanEvent.Kind.ATTACK_DETAILS, e.attack, now));
            }
        }
        for (BanSource source : banSources) {
            for (Attack a : source.bansInForce()) {
                if (known.add(a)) {
                    restore.add(a);
                }
            }
        }
        for (BanEvent ev : replay) {
            log.info("{} {} {}: not completed before the last stop, carried out now (from {})",
                    ev.kind().name().toLowerCase(java.util.Locale.ROOT), ev.attack().ip, ev.attack().direction.text(),
                    journal.path());
            onEvent(ev);
        }
        return new Recovery(List.copyOf(restore), List.copyOf(replay));
    }

    /** Waits until no action has anything queued or running; false when {@code max} passed first. */
    public boolean awaitIdle(Duration max) {
        long deadline = deadline(max);
        try {
            for (ActionRunner r : runners) {
                if (!r.awaitIdle(deadline)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** As {@link #close(Duration)} with no bound but each script's own timeout. */
    public boolean close() {
        return close(Duration.ofDays(365));
    }

    /**
     * Stops taking events, waits up to {@code max} for every action to carry out what it has taken,
     * then abandons the rest (running scripts are killed with their process trees), closes each action
     * once in registration order and the journal last, which keeps what did not finish for the next
     * start. Returns false (and says what in one line) when something did not finish.
     */
    public boolean close(Duration max) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            closed = true;
        }
        long deadline = deadline(max);
        boolean finished = true;
        try {
            for (ActionRunner r : runners) {
                finished &= r.drain(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        List<String> abandoned = new ArrayList<>();
        for (ActionRunner r : runners) {
            for (String s : r.close()) {
                abandoned.add(r.name() + ": " + s);
            }
        }
        if (journal != null) {
            journal.close();
        }
        OPEN.remove(this);
        if (!abandoned.isEmpty()) {
            log.warn("actions: {} calls did not finish within {} s and were stopped: {}{}", abandoned.size(),
                    max.toSeconds(), String.join(", ", abandoned.subList(0, Math.min(20, abandoned.size())))
                            + (abandoned.size() > 20 ? ", ..." : ""),
                    journal != null ? "; they stay in " + journal.path() + " and are carried out at the next start" : "");
        }
        return finished && abandoned.isEmpty();
    }

    /** Each action's counters, in registration order. */
    public List<ActionStats> stats() {
        List<ActionStats> out = new ArrayList<>(runners.size());
        for (ActionRunner r : runners) {
            out.add(r.stats());
        }
        return out;
    }

    /** Events dropped because they came after {@link #close}. */
    public synchronized long droppedAfterClose() {
        return droppedClosed;
    }

    private static long deadline(Duration max) {
        long nanos;
        try {
            nanos = max.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE / 4;
        }
        return System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
    }
}
