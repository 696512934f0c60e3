package fastnetmon.sensor;

import fastnetmon.config.Configuration;
import fastnetmon.networks.Cidr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the abuse sensors take from the configuration ({@code sensor_*} keys), typed and read in one place
 * ({@link #from}). Immutable.
 *
 * @param portscan          {@code sensor_portscan*}; its ports are the exception ports (not counted)
 * @param spam              {@code sensor_spam*}; its ports are the ones watched
 * @param winscan           {@code sensor_winscan*}; its ports are the ones watched
 * @param cooldownSeconds   {@code sensor_cooldown}: after a report, the same source is not reported again by
 *                          that sensor for this long
 * @param maxTrackedSources {@code sensor_max_tracked_sources}: the bound of each sensor's key table
 * @param outsideSources    {@code sensor_outside_sources}: watch sources outside the monitored networks too
 */
public record SensorSettings(Spec portscan, Spec spam, Spec winscan, int cooldownSeconds, int maxTrackedSources,
                             boolean outsideSources) {

    /**
     * One sensor's settings.
     *
     * @param type          "portscan", "spam" or "winscan" (the event's type and the keys' middle word)
     * @param enabled       {@code sensor_TYPE}
     * @param windowSeconds {@code sensor_TYPE_window}
     * @param threshold     {@code sensor_TYPE_threshold}: reported when the window's measure is above it
     * @param ports         {@code sensor_portscan_exception_ports} or {@code sensor_TYPE_ports}
     * @param whitelist     {@code sensor_TYPE_whitelist}: sources never reported
     * @param problemText   why a key of this sensor cannot be used, one line naming it (null: none); the
     *                      sensor is then left off
     */
    public record Spec(String type, boolean enabled, int windowSeconds, int threshold, PortSet ports, List<Cidr> whitelist,
                       String problemText) {
        public Spec {
            whitelist = List.copyOf(whitelist);
        }

        /** Whether the sensor is on and its keys usable. */
        public boolean runs() {
            return enabled && problemText == null;
        }
    }

    public static SensorSettings from(Configuration c) {
        return new SensorSettings(spec(c, "portscan", "sensor_portscan_exception_ports"), spec(c, "spam", "sensor_spam_ports"),
                spec(c, "winscan", "sensor_winscan_ports"), c.getInt("sensor_cooldown"), c.getInt("sensor_max_tracked_sources"),
                c.getBoolean("sensor_outside_sources"));
    }

    private static Spec spec(Configuration c, String type, String portsKey) {
        String k = "sensor_" + type;
        String problem = null;
        PortSet ports = PortSet.none();
        List<Cidr> whitelist = new ArrayList<>();
        try {
            ports = PortSet.parse(portsKey, c.getList(portsKey));
            whitelist = cidrs(k + "_whitelist", c.getList(k + "_whitelist"));
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        return new Spec(type, c.getBoolean(k), c.getInt(k + "_window"), c.getInt(k + "_threshold"), ports, whitelist, problem);
    }

    /** Parses a list of CIDRs; a bad one throws IllegalArgumentException naming the key. */
    static List<Cidr> cidrs(String key, List<String> items) {
        List<Cidr> out = new ArrayList<>();
        for (String item : items) {
            try {
                out.add(Cidr.parse(item));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** The three sensors, in order. */
    public List<Spec> specs() {
        return List.of(portscan, spam, winscan);
    }

    /** Whether any sensor is on (whether its keys are usable or not). */
    public boolean anyEnabled() {
        return specs().stream().anyMatch(Spec::enabled);
    }

    /** What keeps a sensor that is on from running, one line naming the key; empty when all that are on can run. */
    public Optional<String> problem() {
        return Stream.of(portscan, spam, winscan).filter(s -> s.enabled() && s.problemText() != null)
                .map(Spec::problemText).findFirst();
    }
}
