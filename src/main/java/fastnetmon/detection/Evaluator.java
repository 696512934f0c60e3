package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.HostTraffic;
import fastnetmon.counters.NetworkRates;
import fastnetmon.config.TrafficClass;
import fastnetmon.networks.Cidr;

import java.util.List;
import java.util.Objects;

/**
 * The detection stage, ticking every detection interval (100 ms by default): reads what every counters
 * instance counted since the previous tick, checks each host counted in it against its thresholds over
 * the last second (a {@link SlidingWindow} of ticks), bans hosts that cross one with the rate of the
 * attack's own ticks, collects their sample packets, unbans after ban_time; and at the turn of each second
 * takes that second's per-host rates into their averages and publishes the view. The jobs are its
 * parts' (host table, sliding window, averages, top hosts, ban rules, ban book, sample collector,
 * totals); this class runs the tick and answers the API.
 *
 * <p>Threading: {@link #tick} and the methods marked so run on one thread (the replay thread, or the live
 * evaluator thread, where the API's calls are run too); {@link #addCounters}, {@link #view()} and
 * {@link #stats()} are safe from any thread. It never blocks: ban events go to a {@link BanListener} that
 * returns at once.
 */
public final class Evaluator {
    /** How many hosts each top list keeps (the console shows max_ips_in_list of them, the API up to this). */
    public static final int TOP_HOSTS = TopHosts.SIZE;
    private static final int C = CounterShard.COUNTERS;

    private final HostTable hosts;
    private final Averages averages;
    private final long tickNanos;
    private final SlidingWindow window;
    private final SubnetTotals subnets;
    /** What the hosts counted since the last turn of a second, for the averages and the view. */
    private final CountsByHost second = new CountsByHost();
    private final TrafficTotals totals = new TrafficTotals();
    private final NetworkRates networkRates = new NetworkRates();
    private final TopHosts top;
    private final BanRules rules;
    private final SampleCollector samples;
    private final BanBook bans;
    private final Baselines baselines;
    /** The last second's traffic of the host being checked, reused host after host within a tick. */
    private final HostTraffic traffic = new HostTraffic();
    /** The traffic of an attack while it runs, for a ban's power. */
    private final HostTraffic attack = new HostTraffic();
    private final CountersReading reading;
    private long lastTickSecond = Long.MIN_VALUE;
    private long lastTickNanos;
    private boolean ticked;
    private volatile Stats stats = new Stats(new long[CounterShard.TOTALS], 0, 0, 0);
    private volatile TrafficView view = TrafficView.empty();

    public Evaluator(DetectionSettings settings, List<? extends HostCounters> counters, BanListener listener) {
        this(settings, BaselineSettings.OFF, counters, listener);
    }

    /** With learned baselines (baseline_detection); their state file is read here. */
    public Evaluator(DetectionSettings settings, BaselineSettings baselineSettings, List<? extends HostCounters> counters,
                     BanListener listener) {
        this.tickNanos = settings.tickNanos();
        this.window = new SlidingWindow(tickNanos);
        this.subnets = new SubnetTotals(settings);
        this.hosts = new HostTable(settings.whitelist(), BanRules.groupNetworks(settings));
        this.averages = new Averages(settings.averageCalculationTimeSeconds());
        this.top = new TopHosts(hosts, averages);
        this.rules = new BanRules(settings);
        SensorShares shares = new SensorShares();
        this.reading = new CountersReading(counters, hosts, window, second, subnets, shares, this::forgetIfUnused);
        this.samples = new SampleCollector(hosts, reading.counters());
        this.bans = new BanBook(settings, Objects.requireNonNull(listener), hosts, samples, shares, this::forgetIfUnused);
        this.baselines = new Baselines(baselineSettings, hosts);
    }

    /**
     * Adds counters to evaluate (a source started after the evaluator), from the next tick on. Safe from
     * any thread.
     */
    public void addCounters(HostCounters c) {
        reading.add(c);
    }

    /** How often {@link #tick} is to be called (detection_interval_ms). */
    public long tickNanos() {
        return tickNanos;
    }

    /**
     * {@link #tick(long, long)} for the traffic counted since the previous tick (a second at the first):
     * the live evaluator's call, on the wall clock.
     */
    public void tick(long nowNanos) {
        tick(nowNanos, ticked ? nowNanos - lastTickNanos : SlidingWindow.SECOND_NANOS);
    }

    /**
     * Evaluates the traffic counted since the previous tick as the {@code coveredNanos} ending at
     * {@code nowNanos} (packet time in a replay, wall time live). At the first tick of a second, the
     * counters that count whole seconds are read too, and the second that ended goes into the averages
     * and the view.
     */
    public void tick(long nowNanos, long coveredNanos) {
        long started = System.nanoTime();
        long nowSecond = Math.floorDiv(nowNanos, 1_000_000_000L);
        boolean newSecond = !ticked || nowSecond != Math.floorDiv(lastTickNanos, 1_000_000_000L);
        reading.join(samples::added);
        lastTickNanos = nowNanos;
        ticked = true;
        window.nextTick(nowNanos, coveredNanos);
        subnets.nextTick(nowNanos, coveredNanos);
        reading.read(false, nowSecond);
        if (newSecond) {
            subnets.startWholeSecond();
            window.startWholeSecond();
            reading.read(true, nowSecond);
            networkRates.update(reading.counters(), nowNanos);
        }
        totals.collect(reading.counters());
        samples.drain(bans);
        bans.sendHeldBans(nowNanos);
        window.forEachCounted(newSecond, host -> check(host, nowNanos));
        if (subnets.active()) {
            subnets.forEachCounted(newSecond, subnet -> checkSubnet(subnet, nowNanos));
        }
        bans.sendCompletedDetails(nowNanos);
        bans.unbanExpired(nowNanos, this::stillAttacking);
        if (newSecond) {
            endSecond(nowNanos, nowSecond);
        }
        stats = new Stats(totals.lastSecond(), bans.madeCount(), bans.activeCount(), System.nanoTime() - started);
    }

    /** The second that ended goes into the averages and the view; memory follows the hosts known. */
    private void endSecond(long nowNanos, long nowSecond) {
        totals.endSecond();
        long[] counts = second.counts();
        for (int i = 0; i < second.size(); i++) {
            int host = second.host(i);
            averages.update(host, counts, i * C, nowSecond);
            second.fill(i, traffic);
            baselines.learn(host, traffic, bans.banned(host), nowSecond); // after the second's checks: not from an attack
        }
        lastTickSecond = nowSecond;
        publishView(nowNanos, nowSecond);
        second.clear();
        // After a flood of many hosts, what they took is given back.
        int capacity = hosts.trim();
        averages.trim(capacity);
        baselines.trim(capacity);
        baselines.saveIfDue(nowSecond);
        second.trim(capacity);
        window.trim(capacity);
        subnets.trim(capacity);
    }

    /** Drops a host that no counters hold and that is not banned (a banned host stays known while quiet). */
    private void forgetIfUnused(int host) {
        if (hosts.holders(host) > 0 || bans.banned(host)) {
            return;
        }
        baselines.forget(host); // before the id goes: it shelves the baseline by the host's address
        hosts.remove(host);
        averages.forget(host);
        rules.forget(host);
    }

    /** A banned host's last second raises its peak; another's may ban it, with the rate of the attack's ticks. */
    private void check(int host, long nowNanos) {
        window.fill(host, traffic);
        BanEntry ban = bans.entryOf(host);
        if (ban != null) {
            ban.peak(traffic);
            return;
        }
        BanRules.Crossing c = rules.banFor(hosts, host, traffic, nowNanos);
        if (c == null) {
            c = baselines.banFor(rules, host, traffic, nowNanos);
        }
        if (c != null) {
            window.fillAttack(host, c.direction(), attack);
            bans.ban(host, attack, c.direction(), c.reason(), rules.groupName(hosts.group(host)), nowNanos);
        }
    }

    /**
     * Carpet bombing: a watched network counted in this tick may cross its group's totals, and is then
     * banned as a whole (its CIDR in place of the address); a banned one's last second raises its peak.
     * There are no sample packets of a network as a whole, so attack_details goes out at the next tick.
     */
    private void checkSubnet(int s, long nowNanos) {
        long[] key = SubnetKey.of(subnets.cidr(s));
        int known = hosts.find(key[0], key[1]);
        BanEntry ban = known < 0 ? null : bans.entryOf(known);
        if (ban != null) {
            subnets.fill(s, traffic);
            ban.peak(traffic);
            return;
        }
        SubnetTotals.Crossing c = subnets.crossing(s);
        if (c != null) {
            subnets.fillAttack(s, c.direction(), attack);
            BanEntry e = bans.ban(hosts.findOrAdd(key[0], key[1]), attack, c.direction(), c.reason(),
                    subnets.group(s).name(), nowNanos);
            e.detailsDeadlineNanos = nowNanos + 1;
        }
    }

    /** Whether the host's (or the banned network's) last second crosses a threshold in the direction. */
    private boolean stillAttacking(int host, Direction direction) {
        Cidr network = SubnetKey.cidrOf(hosts.hi(host), hosts.lo(host));
        if (network != null) {
            return subnets.stillCrossing(network, direction);
        }
        if (!direction.perHost() || !window.contains(host)) {
            return false;
        }
        HostTraffic h = new HostTraffic();
        window.fill(host, h);
        return rules.exceeded(hosts.group(host), h, direction)
                || baselines.exceeded(host, h, direction, Math.floorDiv(lastTickNanos, 1_000_000_000L)) != null;
    }

    private void publishView(long nowNanos, long nowSecond) {
        int in = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 2);
        int out = CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 2);
        double flowsIn = 0, flowsOut = 0; // flows per direction: this second's sum over hosts
        for (int i = 0; i < second.size(); i++) {
            flowsIn += second.value(i, in);
            flowsOut += second.value(i, out);
        }
        var rates = totals.smooth(averages.keep(), flowsIn, flowsOut);
        view = new TrafficView(nowNanos, rates, top.update(second, nowSecond), bans.active());
    }

    /** Writes the learned baselines to their state file and stops its writer (at stop, after the last tick). */
    public void saveBaselines() {
        baselines.saveAndClose();
    }

    /** Sends attack_details for every attack still collecting samples, with what it has (at shutdown). */
    public void flushDetails() {
        bans.flushDetails(lastTickNanos);
    }

    // ---- for the summary, metrics, console and API ----

    /** The latest view for the console and the API; safe from any thread. */
    public TrafficView view() {
        return view;
    }

    /**
     * A host's traffic averaged over average_calculation_time, or null when no traffic of it was seen.
     * Call on the evaluator's thread.
     */
    public HostTraffic averageOf(long hi, long lo) {
        int host = hosts.find(hi, lo);
        if (host < 0 || !averages.seen(host)) {
            return null;
        }
        averages.decayTo(host, lastTickSecond);
        HostTraffic h = new HostTraffic();
        averages.fill(host, h);
        return h;
    }

    /** The ban of a host in force now, as it stands, or null. Call on the evaluator's thread. */
    public Attack banOf(long hi, long lo) {
        BanEntry e = bans.entryOf(hosts.find(hi, lo));
        return e == null ? null : e.snapshot();
    }

    /**
     * Bans a host by hand (the API): the same events as an automatic ban, with the host's average
     * traffic as its power. Sample packets are collected for at most {@code detailsWaitSeconds}, then
     * attack_details goes out with what was collected. Returns null when the host is banned already.
     * Call on the evaluator's thread.
     */
    public Attack manualBan(long hi, long lo, Direction direction, long nowNanos, long detailsWaitSeconds) {
        int host = hosts.findOrAdd(hi, lo);
        if (bans.banned(host)) {
            return null;
        }
        averages.decayTo(host, lastTickSecond);
        HostTraffic average = new HostTraffic();
        averages.fill(host, average); // all zero for a host without traffic
        // "other" as FastNetMon reports a ban by hand without a direction (its gRPC API); internal counts as incoming
        Direction dir = direction == Direction.INTERNAL ? Direction.INCOMING : direction;
        BanEntry e = bans.ban(host, average, dir, Attack.MANUAL_BAN, rules.groupName(hosts.group(host)), nowNanos);
        e.detailsDeadlineNanos = nowNanos + detailsWaitSeconds * 1_000_000_000L;
        return e.snapshot();
    }

    /** {@link #restoreBan(Attack, long)} at the wall clock's time (live mode). */
    public boolean restoreBan(Attack a) {
        return restoreBan(a, System.currentTimeMillis() * 1_000_000L);
    }

    /**
     * Takes up a ban made before a restart (from the ban state file) and tells the listener (RESTORED):
     * no script call; it is unbanned as usual once its ban_time, counted from the original ban, is over.
     * Returns false when the host is banned already. Call before ticks start, or on the evaluator's thread.
     */
    public boolean restoreBan(Attack a, long nowNanos) {
        return bans.restore(hosts.findOrAdd(a.ipHi, a.ipLo), a, nowNanos);
    }

    /**
     * Unbans a host by hand (attack_details first if it had not gone out); returns the ban as it ended,
     * or null when the host was not banned. The events carry the last tick's time. Call on the
     * evaluator's thread.
     */
    public Attack manualUnban(long hi, long lo) {
        int host = hosts.find(hi, lo);
        return host < 0 ? null : bans.unban(host, lastTickNanos);
    }

    /**
     * What other threads (the metrics endpoint) may read, published at the end of each tick: the last
     * second's totals (see {@link CounterShard#totalIndex}; not to be modified), bans made so far, hosts
     * banned now, and how long the tick took.
     */
    public record Stats(long[] lastSecondTotals, long bansTotal, int bannedHosts, long tickNanos) {
    }

    /** The snapshot of the last tick; safe from any thread. */
    public Stats stats() {
        return stats;
    }

    /** Every ban made so far, in order, as each stands now. Call on the evaluator's thread. */
    public List<Attack> banHistory() {
        return bans.history();
    }

    /** The bans in force, as they stand. Call on the evaluator's thread. */
    public List<Attack> activeBans() {
        return bans.active();
    }

    /** Cumulative totals summed over counters at the last tick; see {@link CounterShard#totalIndex}. */
    public long[] totals() {
        return totals.totals();
    }

    public long[] lastSecondTotals() {
        return totals.lastSecond();
    }

    /** The last second's traffic per monitored network. Call on the evaluator's thread. */
    public NetworkRates networkRates() {
        return networkRates;
    }

    public long lastTickSecond() {
        return lastTickSecond;
    }
}
