package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.mitigation.Announcement;
import fastnetmon.mitigation.MitigationPlan;
import fastnetmon.mitigation.Speaker;
import fastnetmon.redis.RepeatedFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Puts in force, through a {@link Speaker} (ExaBGP, gobgpd, the kernel's ipsets), what a
 * {@link MitigationPlan} gives for each ban, and takes it out at the unban. It keeps what every ban wants
 * and what is in force; each event changes what is wanted, then the speaker is brought to it: what is
 * wanted and not in force is announced, what is in force and no ban wants any more is withdrawn (so two
 * bans of one host share one route, withdrawn with the last). A failed call is counted, logged at most
 * once a minute, and retried by the action's own thread (1 s, doubling to 30 s) until it succeeds: a
 * withdrawal is never forgotten. What is in force is announced again every {@code resyncSeconds}
 * (a daemon that restarted has lost it: neither gobgpd nor ExaBGP keeps routes across its restart), members with a timeout (ipset) at half of it, so a ban that
 * outlasts ban_time keeps them. A pass stops at its first failure and, while failing, events only change
 * what is wanted and leave the calls to the retry thread, so a dead daemon costs one timeout per retry,
 * not one per ban. Both are kept in a {@link MitigationLedger} beside the ban-state file:
 * the bans it holds are offered at start ({@link BanSource}), so a restart re-announces them (RESTORED)
 * and withdraws them on time, exactly as announced. Closing leaves everything in force (the bans are).
 *
 * <p>Threading: {@link #handle} on the runner's worker (registered with one thread); the retry thread is
 * the action's own; speaker calls are serialized by {@code calls}; the wanted and in-force state is
 * guarded by {@code this} (never held during a speaker call); {@link #mitigation} and
 * {@link #bansInForce} on any thread; {@link #close} once.
 */
public final class MitigationAction implements Action, BanSource {
    private static final Logger log = LoggerFactory.getLogger(MitigationAction.class);
    private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LAST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Speaker speaker;
    private final MitigationPlan plan;
    private final MitigationLedger ledger;
    private final long resyncSeconds;
    private final RepeatedFailure failures;
    private final Object calls = new Object();
    private final Thread retry;

    /** Ban key (host, direction, ban time) to the ban and what it wants, in ban order. Guarded by this. */
    private final Map<String, MitigationLedger.Ban> bans = new LinkedHashMap<>();
    /** Announcement key to what is in force in the speaker. Guarded by this. */
    private final Map<String, Announcement> inForce = new LinkedHashMap<>();
    /** Keys to announce again though in force (a restored ban: make sure the speaker still has them). */
    private final Set<String> reassert = new HashSet<>();
    /** Announcement key to when it was last announced (for {@link Announcement#refreshSeconds}). Guarded by this. */
    private final Map<String, Long> announcedAtNanos = new HashMap<>();
    private long announced, withdrawn, announceFailures, withdrawFailures; // guarded by this
    private boolean failing; // the last reconciliation left something undone; guarded by this
    private long retryAtNanos; // when the retry thread tries again while failing; guarded by this
    private long backoffNanos = FIRST_RETRY_NANOS; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param ledger        where the state is kept across restarts (null: nowhere; a restart then takes up only
     *                      the ban-state file's bans and announces what the plan gives for them again)
     * @param resyncSeconds how often what is in force is announced again (0: never; mitigation_resync_interval)
     */
    public MitigationAction(Speaker speaker, MitigationPlan plan, MitigationLedger ledger, long resyncSeconds) {
        this.speaker = speaker;
        this.plan = plan;
        this.ledger = ledger;
        this.resyncSeconds = resyncSeconds;
        this.failures = new RepeatedFailure(log, speaker.name());
        if (ledger != null) {
            MitigationLedger.State s = ledger.load();
            for (MitigationLedger.Ban b : s.bans()) {
                bans.put(key(b.attack()), b);
            }
            for (Announcement a : s.inForce()) {
                inForce.put(a.key(), a);
            }
            if (!bans.isEmpty() || !inForce.isEmpty()) {
                log.info("{}: {} bans with {} announcements in force taken up from {}", speaker.name(), bans.size(),
                        inForce.size(), ledger.path());
            }
        }
        retry = new Thread(this::retryLoop, "mitigation-" + speaker.name());
        retry.setDaemon(true);
        retry.start();
    }

    @Override
    public String name() {
        return speaker.name();
    }

    @Override
    public void handle(BanEvent event) throws Exception {
        Attack attack = event.attack();
        String key = key(attack);
        synchronized (this) {
            MitigationLedger.Ban held = bans.get(key);
            switch (event.kind()) {
                case BAN -> want(attack, held, plan.atBan(attack));
                case ATTACK_DETAILS -> {
                    if (held == null) { // its ban call was dropped or cut short: what the ban gives first
                        held = want(attack, null, plan.atBan(attack));
                    }
                    want(attack, held, plan.atDetails(attack));
                }
                case RESTORED -> {
                    if (held != null) {
                        held.wanted().forEach(a -> reassert.add(a.key()));
                    } else {
                        held = want(attack, null, plan.atBan(attack));
                        if (!attack.samples.isEmpty()) {
                            want(attack, held, plan.atDetails(attack));
                        }
                    }
                }
                case UNBAN -> {
                    if (held != null) {
                        bans.remove(key);
                        held.wanted().forEach(a -> reassert.remove(a.key()));
                    }
                }
            }
            save();
            if (failing) { // the retry thread is on it: one timeout per pass, not one per event
                retryAtNanos = System.nanoTime();
                notifyAll();
                throw new Failed(speaker.name() + " is failing: " + event.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + " of " + attack.ip + " waits for the next retry");
            }
        }
        List<String> undone = reconcile();
        if (!undone.isEmpty()) {
            throw new Failed(String.join("; ", undone)); // the retry thread takes it from here
        }
    }

    /** Adds what the plan gives to the ban's wanted announcements (held: the ban as held, or null); returns the ban. */
    private MitigationLedger.Ban want(Attack attack, MitigationLedger.Ban held, MitigationPlan.Planned planned) {
        if (planned.note() != null) {
            log.info("{}: {}", speaker.name(), planned.note());
        }
        List<Announcement> wanted = new ArrayList<>(held == null ? List.of() : held.wanted());
        for (Announcement a : planned.announcements()) {
            if (speaker.carries(a) && wanted.stream().noneMatch(w -> w.key().equals(a.key()))) {
                wanted.add(a);
            }
        }
        MitigationLedger.Ban b = new MitigationLedger.Ban(attack, List.copyOf(wanted));
        bans.put(key(attack), b);
        return b;
    }

    /**
     * Brings the speaker to what the bans want: withdraws what none wants, announces what is wanted and not
     * in force (or to be reasserted). Returns one line per call that failed (empty: all done).
     */
    private List<String> reconcile() throws InterruptedException {
        synchronized (calls) {
            Gap gap;
            synchronized (this) {
                gap = gap();
            }
            List<String> undone = new ArrayList<>();
            for (Announcement a : gap.toWithdraw()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                try {
                    speaker.withdraw(a);
                    synchronized (this) {
                        inForce.remove(a.key());
                        announcedAtNanos.remove(a.key());
                        withdrawn++;
                        save();
                    }
                    log.info("{}: withdrew {}", speaker.name(), a.text());
                } catch (IOException e) {
                    synchronized (this) {
                        withdrawFailures++;
                    }
                    undone.add("withdraw " + a.text() + ": " + e.getMessage());
                    break; // a daemon that failed once is not asked again in this pass: each pass costs one timeout at most
                }
            }
            for (Announcement a : undone.isEmpty() ? gap.toAnnounce() : List.<Announcement>of()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                Attack by = gap.owner().get(a.key());
                try {
                    speaker.announce(a);
                    boolean again;
                    synchronized (this) {
                        again = inForce.put(a.key(), a) != null;
                        reassert.remove(a.key());
                        announcedAtNanos.put(a.key(), System.nanoTime());
                        announced += again ? 0 : 1;
                        save();
                    }
                    if (again) {
                        log.debug("{}: announced again {} for the ban of {} ({})", speaker.name(), a.text(), by.ip, by.direction.text());
                    } else {
                        log.info("{}: announced {} for the ban of {} ({})", speaker.name(), a.text(), by.ip, by.direction.text());
                    }
                } catch (IOException e) {
                    synchronized (this) {
                        announceFailures++;
                    }
                    undone.add("announce " + a.text() + ": " + e.getMessage());
                    break;
                }
            }
            synchronized (this) {
                failing = !undone.isEmpty();
                if (failing) {
                    retryAtNanos = System.nanoTime() + backoffNanos;
                    backoffNanos = Math.min(LAST_RETRY_NANOS, backoffNanos * 2);
                } else {
                    backoffNanos = FIRST_RETRY_NANOS;
                }
                notifyAll();
            }
            if (undone.isEmpty()) {
                failures.recovered("every announcement and withdrawal is carried out");
            } else {
                failures.failed(String.join("; ", undone) + " (retried until it works)");
            }
            return undone;
        }
    }

    /**
     * Runs a pass when one is due: at start (what the ledger held may need a call: a crash between), while
     * failing (backing off from 1 s to 30 s; an event brings it forward), and when a member's refresh is due.
     */
    private void retryLoop() {
        boolean first = true;
        synchronized (calls) {
            speaker.prepare();
        }
        try {
            while (true) {
                synchronized (this) {
                    while (!first) {
                        if (closed) {
                            return;
                        }
                        long now = System.nanoTime();
                        long refreshAt = markRefreshes(now);
                        if (refreshAt <= now || (failing && retryAtNanos - now <= 0)) {
                            break;
                        }
                        long until = failing ? Math.min(refreshAt, retryAtNanos) : refreshAt;
                        if (until == Long.MAX_VALUE) {
                            wait();
                        } else {
                            TimeUnit.NANOSECONDS.timedWait(this, until - now);
                        }
                    }
                    if (closed) {
                        return;
                    }
                }
                first = false;
                reconcile();
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /**
     * Marks for announcing again every wanted member whose refresh is due; returns when the next one is due
     * ({@code now} or earlier: some are due now; Long.MAX_VALUE: none to refresh). Caller holds this.
     */
    private long markRefreshes(long now) {
        long next = Long.MAX_VALUE;
        for (MitigationLedger.Ban b : bans.values()) {
            for (Announcement a : b.wanted()) {
                Long at = announcedAtNanos.get(a.key());
                long every = a.refreshSeconds() > 0 ? a.refreshSeconds() : resyncSeconds;
                if (every > 0 && at != null && !reassert.contains(a.key())) {
                    long due = at + TimeUnit.SECONDS.toNanos(every);
                    if (due - now <= 0) {
                        reassert.add(a.key());
                        next = now;
                    } else {
                        next = Math.min(next, due);
                    }
                }
            }
        }
        return next;
    }

    /** Writes the ledger (caller holds this). */
    private void save() {
        if (ledger != null) {
            ledger.save(List.copyOf(bans.values()), List.copyOf(inForce.values()));
        }
    }

    @Override
    public synchronized List<Attack> bansInForce() {
        List<Attack> out = new ArrayList<>(bans.size());
        for (MitigationLedger.Ban b : bans.values()) {
            out.add(b.attack());
        }
        return out;
    }

    @Override
    public synchronized ActionStats.Mitigation mitigation() {
        Gap gap = gap();
        return new ActionStats.Mitigation(inForce.size(), gap.toAnnounce().size() + gap.toWithdraw().size(), announced, withdrawn,
                announceFailures, withdrawFailures);
    }

    /**
     * What separates the speaker from what the bans want.
     *
     * @param toAnnounce wanted and not in force (or to be reasserted), each once
     * @param toWithdraw in force and wanted by no ban
     * @param owner      each wanted announcement's key to the (first) ban wanting it
     */
    private record Gap(List<Announcement> toAnnounce, List<Announcement> toWithdraw, Map<String, Attack> owner) {
    }

    /** The gap now (caller holds this). */
    private Gap gap() {
        List<Announcement> toAnnounce = new ArrayList<>();
        List<Announcement> toWithdraw = new ArrayList<>();
        Map<String, Attack> owner = new LinkedHashMap<>();
        for (MitigationLedger.Ban b : bans.values()) {
            for (Announcement a : b.wanted()) {
                if (owner.putIfAbsent(a.key(), b.attack()) == null
                        && (!inForce.containsKey(a.key()) || reassert.contains(a.key()))) {
                    toAnnounce.add(a);
                }
            }
        }
        for (Announcement a : inForce.values()) {
            if (!owner.containsKey(a.key())) {
                toWithdraw.add(a);
            }
        }
        return new Gap(toAnnounce, toWithdraw, owner);
    }

    /** Stops retrying; leaves every announcement in force (the bans still are; the next start takes them up). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        retry.interrupt();
        try {
            retry.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        speaker.close();
    }

    private static String key(Attack a) {
        return a.ip + " " + a.direction.text() + " " + a.bannedAtNanos;
    }
}
