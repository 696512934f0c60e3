package fastnetmon;

import fastnetmon.action.ActionRegistry;
import fastnetmon.cluster.ClusterSettings;
import fastnetmon.config.Configuration;
import fastnetmon.config.Thresholds;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.CountingSettings;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.ShardFactory;
import fastnetmon.counters.TrackingLimits;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.BanListener;
import fastnetmon.detection.BaselineSettings;
import fastnetmon.detection.DetectionSettings;
import fastnetmon.detection.Evaluator;
import fastnetmon.geoip.GeoIp;
import fastnetmon.metrics.ThreatFigures;
import fastnetmon.sensor.ThreatEvent;
import fastnetmon.geoip.GeoIpSettings;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.source.Source;
import fastnetmon.source.SourceRunner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The pipeline wired from a configuration: monitored networks, one counter shard per traffic source,
 * the evaluator, and the actions it triggers. Sources (capture engines, replay, flow collectors) ask
 * it for a shard each, before or after the evaluator starts; one thread (replay or the live tick)
 * drives the evaluator. Each source runs on a {@link SourceRunner} the detector starts and stops.
 * Threading: {@link #newShard}, {@link #startSource}, {@link #stopSources}, {@link #shards()} and
 * {@link #sources()} from any thread.
 */
public final class Detector implements ShardFactory {
    /** Flow table per shard: 1M entries (8 MiB), exact up to about 500k new flows a second, sampled beyond. */
    static final int FLOW_TABLE_LOG2 = 20;

    private final Configuration config;
    private final CountingSettings counting;
    private final MonitoredNetworks monitored;
    private final List<CounterShard> shards = new CopyOnWriteArrayList<>();
    private final List<SourceRunner> runners = new CopyOnWriteArrayList<>();
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final ActionRegistry actions;
    /** The GeoIP databases, opened once here for the actions and, live, the API and console. */
    private final GeoIp geoIp;
    /** Live: bans and learned baselines are kept across restarts; a replay's traffic is not the network's. */
    private final boolean live;
    /** The abuse sensors (off when none is switched on; a replay's run on its thread). */
    private final AbuseSensors abuse;
    /**
     * Live: standalone, or a cluster's sensor (its shards are read by the publisher, not the evaluator, and
     * it takes no action) or aggregator (its bans live in the cluster's Redis, not in a ban-state file).
     */
    private final ClusterSettings.Role role;
    private Evaluator evaluator;

    /** A replay's pipeline: the actions keep no ban state. */
    public Detector(Configuration config) {
        this(config, false);
    }

    /** @param live true: the actions journal the bans in ban_state_path (or the instance's default, see InstancePaths) */
    public Detector(Configuration config, boolean live) {
        this.config = config;
        this.live = live;
        this.counting = CountingSettings.from(config);
        this.monitored = MonitoredNetworks.of(config.networks());
        this.geoIp = GeoIp.open(GeoIpSettings.from(config));
        this.role = live ? ClusterSettings.from(config).role() : ClusterSettings.Role.STANDALONE;
        this.actions = switch (role) {
            case STANDALONE -> live ? ActionRegistry.fromConfig(config, ProcessSettings.from(config).banState(), geoIp.origins())
                    : ActionRegistry.forReplay(config, geoIp.origins());
            case SENSOR -> ActionRegistry.builder(null).build();
            case AGGREGATOR -> ActionRegistry.fromConfig(config, null, geoIp.origins());
        };
        this.abuse = new AbuseSensors(config, live);
    }

    /** A shard for one source thread; one made after the evaluator started is read from its next tick on. */
    @Override
    public synchronized CounterShard newShard(String name, boolean wholeSeconds) {
        CounterShard shard = new CounterShard(name, monitored, FLOW_TABLE_LOG2, trackingLimits(), wholeSeconds);
        abuse.attach(shard);
        shards.add(shard);
        if (evaluator != null && role != ClusterSettings.Role.SENSOR) {
            evaluator.addCounters(shard);
        }
        return shard;
    }

    /** Bytes of memory a tracked host costs, in its shard and in the evaluator, rounded up. */
    static final long BYTES_PER_HOST = 2048;

    /** max_tracked_hosts, or what a third of the heap holds when it is 0. */
    int maxTrackedHosts() {
        int configured = counting.maxTrackedHosts();
        if (configured > 0) {
            return configured;
        }
        return (int) Math.min(CounterShard.MAX_HOSTS, Math.max(10_000, Runtime.getRuntime().maxMemory() / 3 / BYTES_PER_HOST));
    }

    /** A host untracked for want of room is taken in at this share of the lowest threshold that could ban it. */
    static final int PROMOTION_SHARE = 4;
    /** Promotion level when no threshold is enabled (hosts still go to the top lists by rate). */
    static final long PROMOTION_FALLBACK_PPS = 1000;

    /**
     * max_tracked_hosts and tracked_host_idle_time, and the promotion levels: a quarter of the lowest
     * enabled packet (or flow: a flow has a packet at least) and byte thresholds, over the global
     * thresholds and every hostgroup's.
     */
    TrackingLimits trackingLimits() {
        long pps = Long.MAX_VALUE, bytes = Long.MAX_VALUE;
        List<Thresholds> scopes = new ArrayList<>();
        scopes.add(config.globalThresholds());
        config.hostGroups().forEach(g -> scopes.add(g.thresholds()));
        for (Thresholds t : scopes) {
            for (int cls = 0; cls < TrafficClass.COUNT; cls++) {
                if (t.banForPps(cls)) {
                    pps = Math.min(pps, t.thresholdPps(cls));
                }
                if (t.banForBandwidth(cls)) {
                    bytes = Math.min(bytes, t.thresholdMbps(cls) * 1_000_000 / 8);
                }
            }
            if (t.banForFlows()) {
                pps = Math.min(pps, t.thresholdFlows());
            }
        }
        if (pps == Long.MAX_VALUE && bytes == Long.MAX_VALUE) {
            pps = PROMOTION_FALLBACK_PPS * PROMOTION_SHARE;
        }
        return new TrackingLimits(maxTrackedHosts(), counting.trackedHostIdleSeconds(),
                pps == Long.MAX_VALUE ? 0 : Math.max(1, pps / PROMOTION_SHARE),
                bytes == Long.MAX_VALUE ? 0 : Math.max(1, bytes / PROMOTION_SHARE));
    }

    /** Creates the evaluator over the shards made so far. */
    public Evaluator startEvaluator() {
        return startEvaluator(null);
    }

    /** The same, telling {@code alsoTell} (when not null) of every ban and unban before the actions run. */
    public synchronized Evaluator startEvaluator(BanListener alsoTell) {
        return startEvaluator(alsoTell, java.util.function.UnaryOperator.identity());
    }

    /** The same, the events reaching the actions through {@code beforeActions} (e.g. an aggregator's lease gate). */
    public synchronized Evaluator startEvaluator(BanListener alsoTell, java.util.function.UnaryOperator<BanListener> beforeActions) {
        BanListener acting = beforeActions.apply(actions);
        BaselineSettings baselines = BaselineSettings.from(config, InstancePaths.defaultBaselineState(config.file()), live);
        // A sensor's shards have one reader, its publisher: its evaluator reads nothing.
        evaluator = new Evaluator(DetectionSettings.from(config), baselines, role == ClusterSettings.Role.SENSOR ? List.of() : shards,
                alsoTell == null ? acting : e -> {
            alsoTell.onEvent(e);
            acting.onEvent(e);
        });
        return evaluator;
    }

    /** The monitored networks (networks_list) whose totals the counters keep. */
    public MonitoredNetworks monitoredNetworks() {
        return monitored;
    }

    /** The monitored networks (networks_list). */
    public PrefixMatcher monitored() {
        return monitored.matcher();
    }

    /**
     * Starts a runner (a thread of its own) for a source whose shard came from {@link #newShard}; before or
     * after the evaluator started, from any thread.
     */
    public synchronized SourceRunner startSource(Source source) {
        SourceRunner runner = SourceRunner.start(source);
        runners.add(runner);
        sources.add(source);
        return runner;
    }

    /** The sources started so far, also those started later: a live, read-only view. */
    public List<Source> sources() {
        return Collections.unmodifiableList(sources);
    }

    /** Stops every source (each finishes its round, publishes and closes): all asked at once, then awaited. */
    public void stopSources() {
        runners.forEach(SourceRunner::stop);
        runners.forEach(SourceRunner::close);
    }

    /** Every shard made so far, also those made later: a live, read-only view. */
    public List<CounterShard> shards() {
        return Collections.unmodifiableList(shards);
    }

    public ActionRegistry actions() {
        return actions;
    }

    /** The abuse sensors' last threats, newest first (empty when no sensor is on). */
    public List<ThreatEvent> threats() {
        return abuse.threats();
    }

    /** Whether any abuse sensor runs. */
    public boolean sensorsOn() {
        return abuse.on();
    }

    /** The abuse sensors' figures for the metrics. */
    public ThreatFigures threatFigures() {
        return abuse.figures();
    }

    /** Stops the abuse sensors (and gives AMQP a few seconds); whoever stops the detector calls it after the sources. */
    public void closeSensors() {
        abuse.close();
    }

    /** The GeoIP databases ({@link GeoIp#NONE} when none is configured); whoever stops the detector closes it after the actions. */
    public GeoIp geoIp() {
        return geoIp;
    }

}
