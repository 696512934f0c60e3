package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Learned baselines (baseline_detection): per host and direction, the smoothed normal pps, mbps and flows
 * per second, learned once a second from the host's traffic of that second, with quiet seconds decaying it
 * lazily, by the gap. A host past its warm-up whose rate exceeds max(floor, k x baseline) may be banned
 * ({@link #banFor}, through {@link BanRules} so the whitelist, enable_ban and the directions processed
 * apply). Learning is not poisoned by an attack: a second in which the host is banned, or exceeds its
 * baseline limit in a direction, is not learned in that direction. Memory follows the evaluator's host
 * ids ({@link #trim}, {@link #forget}); a forgotten host's baseline waits on the {@link BaselineShelf} by
 * address, as do those read from the state file ({@link BaselineFile}) until their host shows up.
 *
 * <p>Threading: the evaluator's thread only, as the rest of the tick; what {@link #saveIfDue} hands to
 * the state file's writer is a copy.
 */
final class Baselines {
    private static final Logger log = LoggerFactory.getLogger(Baselines.class);
    private static final String[] NAMES = {"pps", "mbps", "flows"};
    /** A shelved baseline not taken back within this many learning times is dropped (it is under 2% by then). */
    static final int SHELF_LEARNING_TIMES = 4;
    /**
     * A known host's baseline is written to the state file when it spans its warm-up or this many seconds,
     * a forgotten host's is shelved when it spans both.
     */
    static final long MIN_KEPT_SECONDS = 60;

    private final BaselineSettings settings;
    private final HostTable hosts;
    private final double tau;
    private final double[] floors;
    private final BaselineRows rows = new BaselineRows();
    private final BaselineShelf shelf;
    private final BaselineFile file;
    private long lastHousekeeping;
    private boolean shelfFullLogged;

    Baselines(BaselineSettings settings, HostTable hosts) {
        this(settings, hosts, new BaselineShelf());
    }

    Baselines(BaselineSettings settings, HostTable hosts, BaselineShelf shelf) {
        this.settings = settings;
        this.hosts = hosts;
        this.tau = Math.max(1, settings.learningSeconds());
        this.floors = new double[]{settings.floorPps(), settings.floorMbps(), settings.floorFlows()};
        this.shelf = shelf;
        this.file = settings.enabled() && settings.statePath() != null ? new BaselineFile(settings.statePath()) : null;
        if (file != null) {
            int read = file.load(System.currentTimeMillis() / 1000, shelf);
            if (read > 0) {
                log.info("read the baselines of {} hosts from {}", read, settings.statePath());
            }
        }
    }

    boolean enabled() {
        return settings.enabled();
    }

    private static double rate(HostTraffic t, Direction dir, int metric) {
        return switch (metric) {
            case BaselineRows.PPS -> t.pps(dir, TrafficClass.TOTAL);
            case BaselineRows.MBPS -> t.mbps(dir, TrafficClass.TOTAL);
            default -> t.flowsPerSecond(dir, TrafficClass.TOTAL);
        };
    }

    /**
     * Takes in the host's traffic of the second ending at {@code nowSecond} (once a second; a second
     * already taken in is ignored): each direction not banned and not over its baseline limit is learned.
     */
    void learn(int host, HostTraffic traffic, boolean banned, long nowSecond) {
        if (!settings.enabled()) {
            return;
        }
        takeBack(host);
        for (Direction dir : Direction.PER_HOST) {
            int d = dir.hostIndex();
            if (rows.at(host, d) >= nowSecond) {
                continue;
            }
            boolean learned = rows.learned(host, d);
            if (banned || (learned && over(host, traffic, dir, nowSecond) >= 0)) {
                if (learned) {
                    rows.skip(host, d, nowSecond, tau); // time passes, the attack is not taken in
                }
                continue;
            }
            rows.learn(host, d, nowSecond, tau, rate(traffic, dir, BaselineRows.PPS), rate(traffic, dir, BaselineRows.MBPS),
                    rate(traffic, dir, BaselineRows.FLOWS));
        }
    }

    /** Makes room for the host's row and takes back its shelved baseline, if it has one and nothing learned here. */
    private void takeBack(int host) {
        rows.ensure(host);
        if (!rows.learned(host) && shelf.size() > 0) {
            shelf.take(hosts.hi(host), hosts.lo(host), rows, host);
        }
    }

    /** Whether the host's baseline in the direction may ban: learned, and for baseline_warmup_time at least. */
    boolean warm(int host, Direction dir, long nowSecond) {
        return rows.learned(host, dir.hostIndex()) && nowSecond - rows.since(host, dir.hostIndex()) >= settings.warmupSeconds();
    }

    /** The limit of a metric now: max(floor, k x baseline). */
    double limit(int host, Direction dir, int metric) {
        return Math.max(floors[metric], settings.multiplier() * rows.baseline(host, dir.hostIndex(), metric));
    }

    /** The first metric whose rate is over its limit (after warm-up), or -1. */
    private int over(int host, HostTraffic traffic, Direction dir, long nowSecond) {
        if (!warm(host, dir, nowSecond)) {
            return -1;
        }
        rows.decayTo(host, dir.hostIndex(), nowSecond - 1, tau);
        for (int m = 0; m < NAMES.length; m++) {
            if (rate(traffic, dir, m) > limit(host, dir, m)) {
                return m;
            }
        }
        return -1;
    }

    /**
     * Why the host's traffic in the direction exceeds its baseline limit ("pps 5012 > 4 x baseline 1200",
     * "pps 1500 > baseline floor 1000"), or null: not enabled, not warm, or within.
     */
    String exceeded(int host, HostTraffic traffic, Direction dir, long nowSecond) {
        if (!settings.enabled() || !dir.perHost()) {
            return null;
        }
        takeBack(host); // a host back after a while (or a restart) is checked before its second is learned
        int m = over(host, traffic, dir, nowSecond);
        if (m < 0) {
            return null;
        }
        double base = rows.baseline(host, dir.hostIndex(), m);
        double k = settings.multiplier();
        String rate = format(m, rate(traffic, dir, m));
        return k * base >= floors[m]
                ? NAMES[m] + " " + rate + " > " + format(-1, k) + " x baseline " + format(m, base)
                : NAMES[m] + " " + rate + " > baseline floor " + (long) floors[m];
    }

    /** mbps with two decimals, pps and flows whole, the multiplier as short as it goes. */
    private static String format(int metric, double v) {
        if (metric == BaselineRows.MBPS) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (metric < 0 && v != Math.rint(v)) {
            return Double.toString(v);
        }
        return Long.toString(Math.round(v));
    }

    /**
     * The baseline ban for a host the thresholds did not ban: its crossing in a processed direction when
     * the whitelist and the ban switches let it ban, else null.
     */
    BanRules.Crossing banFor(BanRules rules, int host, HostTraffic traffic, long nowNanos) {
        if (!settings.enabled()) {
            return null;
        }
        long nowSecond = Math.floorDiv(nowNanos, 1_000_000_000L);
        return rules.banFor(hosts, host, traffic, nowNanos, (t, second, dir) -> exceeded(host, second, dir, nowSecond));
    }

    /**
     * The host's id goes to another host: what was learned of it waits on the shelf, by address, when it
     * was learned for its warm-up (and a minute) at least; a host seen for a while only (one of a flood's
     * many addresses) leaves nothing behind.
     */
    void forget(int host) {
        if (!spans(host, Math.max(settings.warmupSeconds(), MIN_KEPT_SECONDS))) {
            rows.clear(host);
            return;
        }
        if (!shelf.put(hosts.hi(host), hosts.lo(host), rows, host) && !shelfFullLogged) {
            shelfFullLogged = true;
            log.warn("{} hosts' baselines are kept aside already: the baselines of further forgotten hosts are dropped",
                    shelf.size());
        }
        rows.clear(host);
    }

    /** Whether the host's baseline spans {@code span} seconds from its first learned second in a direction. */
    private boolean spans(int host, long span) {
        for (int d = 0; d < 2; d++) {
            if (rows.learned(host, d) && rows.at(host, d) - rows.since(host, d) >= span) {
                return true;
            }
        }
        return false;
    }

    /** Drops the rows of ids from {@code capacity} on (see {@link HostTable#trim()}). */
    void trim(int capacity) {
        if (rows.capacity() > capacity) {
            rows.resize(capacity);
        }
    }

    /**
     * Once every baseline_save_interval: drops shelved baselines too old to matter and hands a copy of
     * every baseline to the state file's writer.
     */
    void saveIfDue(long nowSecond) {
        if (!settings.enabled()) {
            return;
        }
        if (lastHousekeeping == 0) {
            lastHousekeeping = nowSecond;
        }
        if (nowSecond - lastHousekeeping < settings.saveIntervalSeconds()) {
            return;
        }
        lastHousekeeping = nowSecond;
        shelf.expire(nowSecond - SHELF_LEARNING_TIMES * (long) Math.ceil(tau));
        if (file != null) {
            file.writeLater(snapshot());
        }
    }

    /** Writes every baseline now and stops the writer (at stop; later ticks write nothing). */
    void saveAndClose() {
        if (file != null) {
            file.writeNow(snapshot());
        }
    }

    /**
     * A copy of the baselines worth keeping, by address: of known hosts warm or learned for a minute, and
     * the shelved ones.
     */
    BaselineFile.Snapshot snapshot() {
        long written = Math.min(settings.warmupSeconds(), MIN_KEPT_SECONDS);
        int n = 0;
        for (int h = 0; h < rows.capacity(); h++) {
            n += spans(h, written) ? 1 : 0;
        }
        n += shelf.size();
        BaselineFile.Snapshot s = new BaselineFile.Snapshot(n);
        for (int h = 0; h < rows.capacity(); h++) {
            if (spans(h, written)) {
                s.add(hosts.hi(h), hosts.lo(h), rows, h);
            }
        }
        for (int r = 0; r < shelf.limit(); r++) {
            if (shelf.rows.learned(r)) {
                s.add(shelf.hi(r), shelf.lo(r), shelf.rows, r);
            }
        }
        return s;
    }

    /** For tests and the API: the host's baseline of a metric now (0 when nothing is learned). */
    double baseline(int host, Direction dir, int metric) {
        return rows.learned(host, dir.hostIndex()) ? rows.baseline(host, dir.hostIndex(), metric) : 0;
    }
}
