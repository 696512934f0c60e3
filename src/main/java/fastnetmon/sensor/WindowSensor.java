package fastnetmon.sensor;

import fastnetmon.networks.IpAddresses;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A sensor made of a {@link ProbeRule} and a sliding window per source: a record that matches the rule,
 * comes from a source in scope (our networks, unless outside sources are watched) and not on the
 * whitelist is counted in its source's window; when the window's measure (probes, or distinct destination
 * hosts) goes above the threshold, one {@link ThreatEvent} is reported, the window starts again, and the
 * source is not reported again for the cool-down. All three sensors are this class with their own rule
 * and measure (see {@link Sensors}): the window, bounds and cool-down are the same logic, only what is
 * counted differs.
 *
 * <p>Time is the records' own (the latest seen so far is "now"), so a replay gives the same events. Idle
 * sources (nothing in their window, no cool-down running) are dropped every quarter of a window.
 *
 * <p>Threading: {@link #onRecord} runs on one thread (the sensor thread); the sink is called on it, and
 * must not block for long. {@link #wants} (immutable state only) and {@link #stats()} (each counter has one
 * writer) may be called from any thread.
 */
public final class WindowSensor implements Sensor {
    /** What is compared with the threshold. */
    public enum Measure {
        /** Matching records (flows, or packets) in the window. */
        PROBES,
        /** Distinct destination hosts in the window. */
        HOSTS
    }

    /** Attacked hosts listed in an event at most. */
    static final int MAX_LISTED_HOSTS = 20;

    private final String type;
    private final ProbeRule rule;
    private final Measure measure;
    private final long threshold;
    private final long windowNanos, bucketNanos, cooldownNanos, sweepNanos;
    /** Our networks, or null when every source is watched. */
    private final PrefixMatcher scope;
    /** Sources never reported, or null when none. */
    private final PrefixMatcher whitelist;
    private final IntFunction<String> observers;
    private final Consumer<ThreatEvent> sink;
    private final SourceTable table;

    private long now = Long.MIN_VALUE;
    private long nextSweep = Long.MIN_VALUE;
    private volatile long records, matched, events, untracked;

    /**
     * @param scope     sources watched (our networks), or null for all
     * @param whitelist sources never reported, or null
     * @param observers resolves a record's observer index to the event's text
     */
    public WindowSensor(String type, ProbeRule rule, Measure measure, long threshold, int windowSeconds, int cooldownSeconds,
                        int maxTrackedSources, PrefixMatcher scope, PrefixMatcher whitelist, IntFunction<String> observers,
                        Consumer<ThreatEvent> sink) {
        if (windowSeconds < 1 || threshold < 1 || cooldownSeconds < 0) {
            throw new IllegalArgumentException(type + ": window and threshold must be positive, cool-down not negative");
        }
        this.type = type;
        this.rule = rule;
        this.measure = measure;
        this.threshold = threshold;
        this.windowNanos = TimeUnit.SECONDS.toNanos(windowSeconds);
        this.bucketNanos = (windowNanos + SourceWindow.BUCKETS - 1) / SourceWindow.BUCKETS;
        this.cooldownNanos = TimeUnit.SECONDS.toNanos(cooldownSeconds);
        this.sweepNanos = Math.max(TimeUnit.SECONDS.toNanos(1), windowNanos / 4);
        this.scope = scope;
        this.whitelist = whitelist == null || whitelist.isEmpty() ? null : whitelist;
        this.observers = observers;
        this.sink = sink;
        this.table = new SourceTable(maxTrackedSources);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public void onRecord(PacketRecord r, int observer) {
        records++;
        if (!wants(r)) {
            return;
        }
        matched++;
        long t = r.timestampNanos;
        if (t > now) {
            now = t;
        }
        if (now >= nextSweep) {
            sweep();
        }
        SourceWindow w = table.getOrCreate(observer, r.srcHi, r.srcLo);
        if (w == null) {
            untracked++;
            return;
        }
        w.add(r, t, bucketNanos);
        if (w.reported && t - w.reportedAt < cooldownNanos) {
            return;
        }
        if (above(w)) {
            report(w, observer, t);
        }
    }

    @Override
    public boolean wants(PacketRecord r) {
        return rule.matches(r)
                && (scope == null || scope.lookup(r.srcHi, r.srcLo) >= 0)
                && (whitelist == null || whitelist.lookup(r.srcHi, r.srcLo) < 0);
    }

    private boolean above(SourceWindow w) {
        if (measure == Measure.PROBES) {
            return w.flows() > threshold;
        }
        if (w.destinations() <= threshold) {
            return false;
        }
        w.trim(bucketNanos); // the sets may still hold hosts from before the window: count exactly
        return w.destinations() > threshold;
    }

    private void report(SourceWindow w, int observer, long t) {
        w.trim(bucketNanos);
        List<String> hosts = new ArrayList<>();
        for (long[] h : w.topHosts(MAX_LISTED_HOSTS)) {
            hosts.add(IpAddresses.format(h[0], h[1]));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("flows", w.flows());
        counts.put("packets", w.packets());
        counts.put("destinations", w.destinations());
        counts.put("ports", w.ports());
        counts.put("window_seconds", TimeUnit.NANOSECONDS.toSeconds(windowNanos));
        ThreatEvent e = new ThreatEvent(type, observers.apply(observer), IpAddresses.format(w.hi, w.lo),
                Math.floorDiv(t, 1_000_000_000L), hosts, counts);
        w.clear();
        w.reported = true;
        w.reportedAt = t;
        events++;
        sink.accept(e);
    }

    /** Drops the sources with nothing left in their window and no cool-down running. */
    private void sweep() {
        long idleBefore = now - windowNanos;
        table.retain(w -> w.lastSeen >= idleBefore || (w.reported && now - w.reportedAt < cooldownNanos));
        nextSweep = now + sweepNanos;
    }

    /** Sources tracked now. */
    public int tracked() {
        return table.size();
    }

    @Override
    public SensorStats stats() {
        return new SensorStats(records, matched, events, untracked, table.size());
    }
}
