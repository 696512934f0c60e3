package fastnetmon.metrics;

import fastnetmon.action.ActionStats;
import fastnetmon.metrics.MetricFamily.Type;

import java.util.List;
import java.util.function.Supplier;

/**
 * The actions' figures ({@link ActionStats}: the notify script, the details file, mail, Redis, BGP,
 * ipset), one series per action labelled with its name, read from the registry at scrape time. Events
 * carried out or not are one counter whose {@code result} labels split them (summing over
 * {@code result} gives every event the action was offered, less those queued or running now):
 * {@code succeeded}, {@code failed} (an exception, a script's non-zero exit or timeout),
 * {@code dropped} (its queue was full or it was closed) and {@code unfinished} (abandoned at shutdown).
 * What waits and what runs now, and the bound on what may run at once ({@code notify_script_max_running}
 * for the script), are gauges. Stateless: safe from several scrape threads at once.
 */
final class ActionMetrics {
    private final Supplier<List<ActionStats>> stats;

    ActionMetrics(Supplier<List<ActionStats>> stats) {
        this.stats = stats;
    }

    List<MetricFamily> collect() {
        MetricFamily.Builder events = MetricFamily.builder("fastnetmon_action_events_total",
                "Ban events an action was offered, by what became of them", Type.COUNTER);
        MetricFamily.Builder queued = MetricFamily.builder("fastnetmon_action_queued",
                "Ban events waiting in an action's queue", Type.GAUGE);
        MetricFamily.Builder running = MetricFamily.builder("fastnetmon_action_running",
                "Ban events an action is carrying out now (for the script: scripts running)", Type.GAUGE);
        MetricFamily.Builder max = MetricFamily.builder("fastnetmon_action_max_running",
                "How many events an action may carry out at once (for the script: notify_script_max_running)", Type.GAUGE);
        MetricFamily.Builder inForce = MetricFamily.builder("fastnetmon_mitigation_in_force",
                "Announcements (blackhole routes, FlowSpec rules, ipset members) a mitigation action has in force", Type.GAUGE);
        MetricFamily.Builder pending = MetricFamily.builder("fastnetmon_mitigation_pending",
                "Announcements and withdrawals a mitigation action has not carried out yet (retried until they are)", Type.GAUGE);
        MetricFamily.Builder calls = MetricFamily.builder("fastnetmon_mitigation_calls_total",
                "Announce and withdraw calls of a mitigation action to its daemon, by result (failed ones are retried)", Type.COUNTER);
        for (ActionStats s : stats.get()) {
            ActionStats.Mitigation m = s.mitigation();
            if (m != null) {
                String a = s.name();
                inForce.sample(m.inForce(), "action", a);
                pending.sample(m.pending(), "action", a);
                calls.sample(m.announced(), "action", a, "operation", "announce", "result", "succeeded");
                calls.sample(m.announceFailures(), "action", a, "operation", "announce", "result", "failed");
                calls.sample(m.withdrawn(), "action", a, "operation", "withdraw", "result", "succeeded");
                calls.sample(m.withdrawFailures(), "action", a, "operation", "withdraw", "result", "failed");
            }
        }
        for (ActionStats s : stats.get()) {
            String a = s.name();
            events.sample(s.handled() - s.failed(), "action", a, "result", "succeeded");
            events.sample(s.failed(), "action", a, "result", "failed");
            events.sample(s.dropped(), "action", a, "result", "dropped");
            events.sample(s.unfinished(), "action", a, "result", "unfinished");
            queued.sample(s.queued(), "action", a);
            running.sample(s.running(), "action", a);
            max.sample(s.maxRunning(), "action", a);
        }
        return List.of(events.build(), queued.build(), running.build(), max.build(), inForce.build(), pending.build(), calls.build());
    }
}
