package fastnetmon;

import fastnetmon.action.ActionRegistry;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.detection.BanHandler;
import fastnetmon.detection.BanListener;
import fastnetmon.detection.DetectionSettings;
import fastnetmon.detection.Evaluator;
import fastnetmon.networks.PrefixMatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline wired from a configuration: monitored networks, one counter shard per traffic source,
 * the evaluator, and the actions it triggers. Sources (capture engines, replay, flow collectors) ask
 * it for a shard each; one thread (replay or the live tick) drives the evaluator.
 */
public final class Detector {
    /** Flow table per shard: 1M entries (8 MiB), exact up to about 500k new flows a second, sampled beyond. */
    static final int FLOW_TABLE_LOG2 = 20;

    private final Configuration config;
    private final PrefixMatcher monitored;
    private final List<CounterShard> shards = new ArrayList<>();
    private final ActionRegistry actions;
    private Evaluator evaluator;

    /** A replay's pipeline: the actions keep no ban state. */
    public Detector(Configuration config) {
        this(config, false);
    }

    /** @param live true: the actions journal the bans in ban_state_path */
    public Detector(Configuration config, boolean live) {
        this.config = config;
        this.monitored = PrefixMatcher.of(config.networks());
        this.actions = live ? ActionRegistry.fromConfig(config) : ActionRegistry.forReplay(config);
    }

    public CounterShard newShard(String name) {
        if (evaluator != null) {
            throw new IllegalStateException("shards must be created before the evaluator starts");
        }
        CounterShard shard = new CounterShard(name, monitored, FLOW_TABLE_LOG2, maxTrackedHosts());
        shards.add(shard);
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
    public Evaluator startEvaluator(BanHandler alsoTell) {
        evaluator = new Evaluator(settings(config), shards, alsoTell == null ? asHandler(actions) : BanHandler.all(alsoTell, asHandler(actions)));
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

    public List<CounterShard> shards() {
        return List.copyOf(shards);
    }

    public ActionRegistry actions() {
        return actions;
    }

    /** Bridge from the evaluator's BanHandler to the actions' BanListener, until the evaluator sends BanEvents itself. */
    public static BanHandler asHandler(BanListener listener) {
        return new BanHandler() {
            @Override
            public void onBan(Attack a) {
                listener.onEvent(new BanEvent(BanEvent.Kind.BAN, a, a.bannedAtNanos));
            }

            @Override
            public void onAttackDetails(Attack a) {
                listener.onEvent(new BanEvent(BanEvent.Kind.ATTACK_DETAILS, a, System.currentTimeMillis() * 1_000_000L));
            }

            @Override
            public void onUnban(Attack a) {
                listener.onEvent(new BanEvent(BanEvent.Kind.UNBAN, a, System.currentTimeMillis() * 1_000_000L));
            }
        };
    }
}
