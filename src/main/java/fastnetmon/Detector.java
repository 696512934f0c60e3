package fastnetmon;

import fastnetmon.action.AttackActions;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.ShardFactory;
import fastnetmon.detection.BanHandler;
import fastnetmon.detection.DetectionSettings;
import fastnetmon.detection.Evaluator;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.source.Source;
import fastnetmon.source.SourceRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
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
    private final PrefixMatcher monitored;
    private final List<CounterShard> shards = new CopyOnWriteArrayList<>();
    private final List<SourceRunner> runners = new CopyOnWriteArrayList<>();
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final AttackActions actions;
    private Evaluator evaluator;

    public Detector(Configuration config) {
        this.config = config;
        this.monitored = PrefixMatcher.of(config.networks());
        Path script = config.getBoolean("notify_script_enabled") ? config.getPath("notify_script_path") : null;
        this.actions = new AttackActions(script, Duration.ofSeconds(config.getLong("notify_script_timeout")),
                config.getPath("attack_details_folder"), ZoneId.systemDefault());
    }

    /** A shard for one source thread; one made after the evaluator started is read from its next tick on. */
    @Override
    public synchronized CounterShard newShard(String name) {
        CounterShard shard = new CounterShard(name, monitored, FLOW_TABLE_LOG2, maxTrackedHosts());
        shards.add(shard);
        if (evaluator != null) {
            evaluator.addCounters(shard);
        }
        return shard;
    }

    /** Bytes of memory a tracked host costs, in its shard and in the evaluator, rounded up. */
    static final long BYTES_PER_HOST = 2048;

    /** max_tracked_hosts, or what a third of the heap holds when it is 0. */
    int maxTrackedHosts() {
        int configured = config.getInt("max_tracked_hosts");
        if (configured > 0) {
            return configured;
        }
        return (int) Math.min(CounterShard.MAX_HOSTS, Math.max(10_000, Runtime.getRuntime().maxMemory() / 3 / BYTES_PER_HOST));
    }

    /** Creates the evaluator over the shards made so far. */
    public Evaluator startEvaluator() {
        return startEvaluator(null);
    }

    /** The same, telling {@code alsoTell} (when not null) of every ban and unban before the actions run. */
    public synchronized Evaluator startEvaluator(BanHandler alsoTell) {
        evaluator = new Evaluator(settings(config), shards, alsoTell == null ? actions : BanHandler.all(alsoTell, actions));
        return evaluator;
    }

    static DetectionSettings settings(Configuration c) {
        return new DetectionSettings(
                c.getBoolean("enable_ban_ipv6"),
                c.getBoolean("process_incoming_traffic"),
                c.getBoolean("process_outgoing_traffic"),
                c.getInt("ban_details_records_count"),
                c.getLong("ban_time"),
                c.getBoolean("unban_only_if_attack_finished"),
                c.getDouble("average_calculation_time"),
                c.globalThresholds(),
                c.hostGroups(),
                c.whitelist());
    }

    /** The monitored networks (networks_list). */
    public PrefixMatcher monitored() {
        return monitored;
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

    public AttackActions actions() {
        return actions;
    }
}
