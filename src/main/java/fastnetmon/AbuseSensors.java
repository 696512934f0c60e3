package fastnetmon;

import fastnetmon.action.ActionSettings;
import fastnetmon.action.NotifyScript;
import fastnetmon.action.ThreatScript;
import fastnetmon.amqp.AmqpSettings;
import fastnetmon.amqp.ThreatPublisher;
import fastnetmon.amqp.ThreatPublisherStats;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Observers;
import fastnetmon.counters.SensorTap;
import fastnetmon.metrics.ThreatFigures;
import fastnetmon.sensor.RecentThreats;
import fastnetmon.sensor.ReverseDnsSettings;
import fastnetmon.sensor.ReverseNames;
import fastnetmon.sensor.SensorRunner;
import fastnetmon.sensor.SensorSettings;
import fastnetmon.sensor.Sensors;
import fastnetmon.sensor.ThreatEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The abuse sensors of a live detector, wired: each source's shard gets a {@link SensorTap} (a bounded
 * hand-off the sensors' thread drains), the sensors' threats go to {@link RecentThreats} (log, API) and
 * to AMQP ({@link ThreatPublisher}, when amqp_enabled) and the notify script ({@link ThreatScript}, when
 * sensor_notify_script). Off (no tap, no thread, no broker connection)
 * when no sensor is switched on.
 *
 * <p>Threading: {@link #attach} from any thread that makes a shard (before the shard's source starts);
 * {@link #threats} on any thread; {@link #close} once.
 */
final class AbuseSensors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AbuseSensors.class);
    /** Ring per source: about 23,000 records (80 bytes and a header each). */
    static final int TAP_BYTES = 1 << 21;

    private final Observers observers = new Observers();
    private final ThreatPublisher amqp; // null: AMQP off
    private final ThreatScript script; // null: sensor_notify_script off
    private final ReverseNames names; // null: sensor_reverse_dns off
    private final RecentThreats threats;
    private final Sensors sensors;
    private final SensorRunner runner;

    /**
     * Builds the sensors switched on, with AMQP (amqp_enabled), the notify script (sensor_notify_script) and
     * reverse DNS (sensor_reverse_dns) beside the log and the API.
     *
     * @param live true: each source hands over through a ring drained on the sensors' thread; false (a
     *             replay): the sensors are called on the replay's thread, every record in order
     */
    AbuseSensors(Configuration config, boolean live) {
        SensorSettings settings = SensorSettings.from(config);
        settings.problem().ifPresent(p -> log.error("{}: that sensor is off", p));
        AmqpSettings amqpSettings = AmqpSettings.from(config);
        amqpSettings.problem().ifPresent(p -> log.error("{}: no threat will be published to AMQP", p));
        this.amqp = settings.anyEnabled() && amqpSettings.enabled() && amqpSettings.problem().isEmpty()
                ? new ThreatPublisher(amqpSettings) : null;
        List<Consumer<ThreatEvent>> sinks = new ArrayList<>();
        if (amqp != null) {
            sinks.add(amqp::offer);
        }
        ActionSettings actions = ActionSettings.from(config);
        this.script = settings.anyEnabled() && actions.threatScript() && actions.script() != null
                ? new ThreatScript(new NotifyScript(actions.script(), actions.scriptTimeout())) : null;
        if (script != null) {
            sinks.add(script);
        }
        this.threats = new RecentThreats(sinks);
        ReverseDnsSettings rdns = ReverseDnsSettings.from(config);
        this.names = settings.anyEnabled() && rdns.enabled() ? new ReverseNames(rdns.timeout(), threats) : null;
        Sensors s = Sensors.fromConfig(config, observers::name, names != null ? names : threats);
        this.sensors = s.isEmpty() ? null : s;
        this.runner = sensors == null || !live ? null : new SensorRunner(sensors);
        if (runner != null) {
            runner.start();
        }
        if (sensors != null) {
            log.info("abuse sensors on: {}", String.join(", ", sensors.types()));
        }
    }

    /** Gives the shard's source a hand-off to the sensors (nothing when none is on). */
    void attach(CounterShard shard) {
        if (runner != null) {
            SensorTap tap = new SensorTap(sensors, observers, TAP_BYTES);
            shard.attachSensorTap(tap);
            runner.add(tap);
        } else if (sensors != null) {
            shard.attachSensorTap(new SensorTap(sensors, observers, (SensorTap.Handler) sensors));
        }
    }

    /** The last threats, newest first. */
    List<ThreatEvent> threats() {
        return threats.recent();
    }

    /** Whether any sensor runs. */
    boolean on() {
        return sensors != null;
    }

    /** The sensors' figures for the metrics ({@link ThreatFigures#NONE} when none is on). */
    ThreatFigures figures() {
        if (runner == null) {
            return ThreatFigures.NONE; // off, or a replay
        }
        if (amqp == null) {
            return new ThreatFigures(runner.records(), runner.dropped(), sensors.statsByType(), -1, 0, 0, 0, 0, false);
        }
        ThreatPublisherStats a = amqp.stats();
        return new ThreatFigures(runner.records(), runner.dropped(), sensors.statsByType(), a.published(), a.unroutable(),
                a.failedAttempts(), a.dropped(), a.buffered(), a.connected());
    }

    /** Stops the sensors, then gives AMQP a few seconds to publish what it holds. */
    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
        if (names != null) {
            names.close();
        }
        if (amqp != null) {
            amqp.close();
        }
        if (script != null) {
            script.close();
        }
    }
}
