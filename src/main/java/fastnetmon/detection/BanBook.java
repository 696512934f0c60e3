package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The bans: the ones in force (by host id) and every ban made in this run; their life from ban through
 * attack details to unban after ban_time (or when the attack is over, with unban_only_if_attack_finished),
 * by hand through the API, and taken up from before a restart; while a ban is in force, its
 * {@link SensorShares} tally. Tells the {@link BanListener} of every
 * step with a fresh {@link Attack} snapshot.
 *
 * <p>Threading: the evaluator's thread only (API calls are run on it); others see the bans through the
 * view and {@link Evaluator.Stats}.
 */
final class BanBook implements SampleCollector.Target {
    private static final Logger log = LoggerFactory.getLogger(BanBook.class);

    /** Whether a banned host's second still crosses a threshold in the attack direction. */
    interface Attacking {
        boolean stillAttacking(int host, Direction direction);
    }

    private final DetectionSettings settings;
    private final BanListener listener;
    private final HostTable hosts;
    private final SampleCollector samples;
    private final SensorShares shares;
    private final IntConsumer unbanned;
    private final Map<Integer, BanEntry> active = new LinkedHashMap<>();
    private BanEntry[] entryOf = new BanEntry[0];
    private final List<BanEntry> history = new ArrayList<>();

    /** @param unbanned told of each host unbanned, after the event */
    BanBook(DetectionSettings settings, BanListener listener, HostTable hosts, SampleCollector samples,
            SensorShares shares, IntConsumer unbanned) {
        this.settings = settings;
        this.listener = listener;
        this.hosts = hosts;
        this.samples = samples;
        this.shares = shares;
        this.unbanned = unbanned;
    }

    /** The host's ban in force, or null. */
    BanEntry entryOf(int host) {
        return host >= 0 && host < entryOf.length ? entryOf[host] : null;
    }

    boolean banned(int host) {
        return entryOf(host) != null;
    }

    /**
     * The ban that collects samples of the host in that direction now, or null: for its flows (both ways,
     * while the ban is held) or its details (the attack direction).
     */
    @Override
    public BanEntry collecting(int host, Direction direction) {
        BanEntry e = entryOf(host);
        return e == null || (e.flowTable() == null && !wantsDetails(e, direction)) ? null : e;
    }

    @Override
    public boolean wantsDetails(BanEntry e, Direction direction) {
        return e.start().direction == direction && !e.detailsSent && e.sampleCount() < settings.banDetailsRecordsCount();
    }

    /**
     * Bans the host for the traffic of {@code initial} (its own copy) in a direction; starts collecting
     * samples, or sends attack_details at once when ban_details_records_count is 0. With connection
     * tracking the ban goes out a second later, with the flows seen until then.
     */
    BanEntry ban(int host, HostTraffic initial, Direction dir, String reason, String hostgroup, long nowNanos) {
        HostTraffic t = initial.copy();
        Attack a = new Attack(hosts.ip(host), hosts.hi(host), hosts.lo(host), dir, AttackClassifier.attackType(t, dir),
                AttackClassifier.protocol(t, dir), t, reason, hostgroup, nowNanos);
        BanEntry e = put(host, a);
        history.add(e);
        log.warn("ban {} {} {} {} pps: {}", a.ip, dir.text(), a.attackType, a.initialPps(), reason);
        if (settings.connectionTracking() && dir.perHost() && !Attack.MANUAL_BAN.equals(reason)
                && SubnetKey.cidrOf(a.ipHi, a.ipLo) == null) {
            // FastNetMon lists the host's flows in the ban text: they are added up from its packets for a
            // second (sendHeldBans), and the ban goes out then.
            e.trackFlows();
            samples.startBothWays(a.ipHi, a.ipLo, dir);
            return e;
        }
        emit(BanEvent.Kind.BAN, e, nowNanos);
        startDetails(e, nowNanos);
        return e;
    }

    /** After the ban went out: starts collecting samples, or sends attack_details at once when there are none to collect. */
    private void startDetails(BanEntry e, long nowNanos) {
        Attack a = e.start();
        Direction dir = a.direction;
        if (settings.banDetailsRecordsCount() > 0 && dir.perHost()) {
            samples.start(a.ipHi, a.ipLo, dir);
        } else if (settings.banDetailsRecordsCount() == 0) {
            e.detailsSent = true;
            emit(BanEvent.Kind.ATTACK_DETAILS, e, nowNanos);
            samples.stop(a.ipHi, a.ipLo);
        }
    }

    /** How long a ban is held back while its host's flows are added up (connection tracking): a second, as FastNetMon lists. */
    static final long FLOW_LISTING_NANOS = 1_000_000_000L;

    /** Sends the bans held back for their flows for a second, with their flow lists (connection tracking). */
    void sendHeldBans(long nowNanos) {
        for (BanEntry e : active.values()) {
            if (e.flowTable() != null && nowNanos - e.start().bannedAtNanos >= FLOW_LISTING_NANOS) {
                sendHeld(e, nowNanos);
            }
        }
    }

    private void sendHeld(BanEntry e, long nowNanos) {
        e.finishFlows(settings.banDetailsRecordsCount());
        emit(BanEvent.Kind.BAN, e, nowNanos);
        startDetails(e, nowNanos); // the attack direction's samples go on into the details, or stop
    }

    /** Takes up a ban made before a restart (its details went out then); false when the host is banned. */
    boolean restore(int host, Attack a, long nowNanos) {
        if (banned(host)) {
            return false;
        }
        BanEntry e = put(host, a);
        e.detailsSent = true;
        emit(BanEvent.Kind.RESTORED, e, nowNanos);
        return true;
    }

    private BanEntry put(int host, Attack a) {
        if (host >= entryOf.length) {
            entryOf = Arrays.copyOf(entryOf, Math.max(16, Math.max(host + 1, entryOf.length * 2)));
        }
        BanEntry e = new BanEntry(host, a, shares.watch(host, a.direction));
        entryOf[host] = e;
        active.put(host, e);
        return e;
    }

    /** Sends attack_details for bans with all their samples, or past their deadline. */
    void sendCompletedDetails(long nowNanos) {
        for (BanEntry e : active.values()) {
            if (!e.detailsSent && e.flowTable() == null && (e.sampleCount() >= settings.banDetailsRecordsCount()
                    || (e.detailsDeadlineNanos != 0 && nowNanos >= e.detailsDeadlineNanos))) {
                sendDetails(e, nowNanos);
            }
        }
    }

    /** Sends attack_details for every ban still collecting, with what it has (at shutdown). */
    void flushDetails(long nowNanos) {
        for (BanEntry e : active.values()) {
            if (e.flowTable() != null) {
                sendHeld(e, nowNanos);
            }
            if (!e.detailsSent) {
                sendDetails(e, nowNanos);
            }
        }
    }

    private void sendDetails(BanEntry e, long nowNanos) {
        e.detailsSent = true;
        samples.stop(e.start().ipHi, e.start().ipLo);
        emit(BanEvent.Kind.ATTACK_DETAILS, e, nowNanos);
    }

    /** Unbans the bans whose ban_time is over. */
    void unbanExpired(long nowNanos, Attacking attacking) {
        if (settings.banTimeSeconds() <= 0) {
            return; // ban_time = 0: bans last until the program stops
        }
        List<BanEntry> done = new ArrayList<>();
        for (BanEntry e : active.values()) {
            Attack a = e.start();
            if (nowNanos - a.bannedAtNanos < settings.banTimeSeconds() * 1_000_000_000L) {
                continue;
            }
            if (settings.unbanOnlyIfAttackFinished() && attacking.stillAttacking(e.host, a.direction)) {
                if (e.postponeUnban()) {
                    log.info("{}: ban_time is over but the attack goes on; unban waits for it to end", a.ip);
                }
                continue;
            }
            if (!e.detailsSent) {
                sendDetails(e, nowNanos);
            }
            done.add(e);
        }
        for (BanEntry e : done) {
            unban(e, nowNanos);
        }
    }

    /** Unbans the host (by hand); returns the ban as it ended, or null when the host was not banned. */
    Attack unban(int host, long nowNanos) {
        BanEntry e = entryOf(host);
        return e == null ? null : unban(e, nowNanos);
    }

    private Attack unban(BanEntry e, long nowNanos) {
        if (e.flowTable() != null) {
            sendHeld(e, nowNanos);
        }
        if (!e.detailsSent) {
            sendDetails(e, nowNanos);
        }
        active.remove(e.host);
        entryOf[e.host] = null;
        shares.unwatch(e.host);
        Attack a = e.snapshot();
        log.warn("unban {} {}", a.ip, a.direction.text());
        emit(BanEvent.Kind.UNBAN, e, nowNanos);
        e.stopShares();
        unbanned.accept(e.host);
        return a;
    }

    /** Tells the listener; a listener that throws is logged and the evaluator goes on. */
    private void emit(BanEvent.Kind kind, BanEntry e, long nowNanos) {
        Attack a = e.snapshot();
        try {
            listener.onEvent(new BanEvent(kind, a, nowNanos));
        } catch (RuntimeException ex) {
            log.error("ban listener failed on {} of {}: {}", kind, a.ip, ex.toString(), ex);
        }
    }

    /** The bans in force now, as they stand. */
    List<Attack> active() {
        List<Attack> out = new ArrayList<>(active.size());
        for (BanEntry e : active.values()) {
            out.add(e.snapshot());
        }
        return List.copyOf(out);
    }

    int activeCount() {
        return active.size();
    }

    /** Every ban made in this run, in order, as each stands now (or stood at its unban). */
    List<Attack> history() {
        List<Attack> out = new ArrayList<>(history.size());
        for (BanEntry e : history) {
            out.add(e.snapshot());
        }
        return List.copyOf(out);
    }

    int madeCount() {
        return history.size();
    }
}
