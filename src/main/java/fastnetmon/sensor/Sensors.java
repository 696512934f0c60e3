package fastnetmon.sensor;

import fastnetmon.config.Configuration;
import fastnetmon.counters.SensorTap;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The abuse sensors switched on, as one entry point: built from the configuration, fed each record, and
 * asked for their stats.
 * <ul>
 * <li>portscan: {@link PortscanRule} probes, reported above {@code sensor_portscan_threshold} probes;</li>
 * <li>spam: TCP connections to {@code sensor_spam_ports}, reported above {@code sensor_spam_threshold}
 * distinct mail servers;</li>
 * <li>winscan: TCP connections and UDP to {@code sensor_winscan_ports}, reported above
 * {@code sensor_winscan_threshold} distinct hosts.</li>
 * </ul>
 * Only sources in our networks are watched unless {@code sensor_outside_sources} is on (so with no
 * networks listed, nothing is).
 *
 * <p>Threading: {@link #onRecord} runs on one thread (the sensor thread), which also calls the sink;
 * {@link #wants}, {@link #stats()} and {@link #statsByType()} may be called from any thread.
 */
public final class Sensors implements SensorTap.Filter, SensorTap.Handler {
    private final Sensor[] sensors;
    private volatile long records;

    private Sensors(List<Sensor> sensors) {
        this.sensors = sensors.toArray(new Sensor[0]);
    }

    /**
     * The sensors the configuration switches on (a sensor whose keys cannot be used is left off:
     * {@link SensorSettings#problem()} says why), watching sources in its monitored networks.
     *
     * @param observers resolves an observer index (what {@link #onRecord} is given) to the events' text
     * @param sink      receives each event, on the sensor thread
     */
    public static Sensors fromConfig(Configuration c, IntFunction<String> observers, Consumer<ThreatEvent> sink) {
        return create(SensorSettings.from(c), c.networks(), observers, sink);
    }

    /** The same from settings already read, with {@code ours} the monitored networks. */
    public static Sensors create(SensorSettings s, List<Cidr> ours, IntFunction<String> observers, Consumer<ThreatEvent> sink) {
        PrefixMatcher scope = s.outsideSources() ? null : PrefixMatcher.of(ours);
        List<Sensor> list = new ArrayList<>();
        for (SensorSettings.Spec spec : s.specs()) {
            if (!spec.runs()) {
                continue;
            }
            ProbeRule rule;
            WindowSensor.Measure measure;
            switch (spec.type()) {
                case "portscan" -> {
                    rule = new PortscanRule(spec.ports());
                    measure = WindowSensor.Measure.PROBES;
                }
                case "spam" -> {
                    rule = new ServiceRule(spec.ports(), false);
                    measure = WindowSensor.Measure.HOSTS;
                }
                case "winscan" -> {
                    rule = new ServiceRule(spec.ports(), true);
                    measure = WindowSensor.Measure.HOSTS;
                }
                default -> throw new IllegalArgumentException("no sensor named " + spec.type());
            }
            list.add(new WindowSensor(spec.type(), rule, measure, spec.threshold(), spec.windowSeconds(), s.cooldownSeconds(),
                    s.maxTrackedSources(), scope, PrefixMatcher.of(spec.whitelist()), observers, sink));
        }
        return new Sensors(list);
    }

    /** Feeds one record (read, not kept) to every sensor; {@code observer} names what saw it. */
    @Override
    public void onRecord(PacketRecord r, int observer) {
        records++;
        for (Sensor s : sensors) {
            s.onRecord(r, observer);
        }
    }

    /**
     * Whether any sensor would count this record: the hot path may hand over only these (the others are
     * only counted in {@link SensorStats#records()} when fed). Safe from any thread; allocates nothing.
     */
    @Override
    public boolean wants(PacketRecord r) {
        for (Sensor s : sensors) {
            if (s.wants(r)) {
                return true;
            }
        }
        return false;
    }

    /** Whether no sensor is on (the caller need not feed any records). */
    public boolean isEmpty() {
        return sensors.length == 0;
    }

    /** The types of the sensors on, in order. */
    public List<String> types() {
        List<String> types = new ArrayList<>();
        for (Sensor s : sensors) {
            types.add(s.type());
        }
        return types;
    }

    /** Records fed, and the sensors' matched records, events, untracked records and tracked sources summed. */
    public SensorStats stats() {
        SensorStats total = new SensorStats(records, 0, 0, 0, 0);
        for (Sensor s : sensors) {
            total = total.plus(s.stats());
        }
        return total;
    }

    /** Each sensor's stats, by type. */
    public Map<String, SensorStats> statsByType() {
        Map<String, SensorStats> m = new LinkedHashMap<>();
        for (Sensor s : sensors) {
            m.put(s.type(), s.stats());
        }
        return m;
    }
}
