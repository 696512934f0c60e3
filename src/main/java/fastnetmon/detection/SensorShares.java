package fastnetmon.detection;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which cluster sensor saw how much of each attack in force (on an aggregator): from its ban on, the
 * packets and bytes that counters of a sensor ({@link HostCounters#sensorName()}) count for the banned
 * host in the attack direction, summed per sensor name into the ban's {@link Tally}. This process's own
 * counters (no sensor name) are not looked at, so standalone no tally ever counts anything.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class SensorShares {
    private static final Tally[] NONE = new Tally[0];
    private static final Comparator<SensorShare> MOST_PACKETS_FIRST =
            Comparator.comparingLong(SensorShare::packets).reversed().thenComparing(SensorShare::sensor);

    /** Sensor names by id, and ids by name: a tally keeps its counts by id. */
    private final List<String> sensors = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    /** By host id: the tally of the host's ban in force, or null. */
    private Tally[] byHost = NONE;
    private int watched;

    /** The id of a sensor to hand to {@link #counted}, or -1 for counters of no sensor (not to be counted). */
    int sensor(String name) {
        if (name == null) {
            return -1;
        }
        Integer id = ids.get(name);
        if (id == null) {
            id = sensors.size();
            sensors.add(name);
            ids.put(name, id);
        }
        return id;
    }

    /**
     * Starts the tally of the host's ban in that direction; null for a direction not counted per host
     * (a ban by hand without one), of which no sensor counts anything.
     */
    Tally watch(int host, Direction direction) {
        if (!direction.perHost()) {
            return null;
        }
        if (host >= byHost.length) {
            byHost = Arrays.copyOf(byHost, Math.max(16, Math.max(host + 1, byHost.length * 2)));
        }
        if (byHost[host] == null) {
            watched++;
        }
        Tally t = new Tally(direction);
        byHost[host] = t;
        return t;
    }

    /** Stops counting for the host (its ban ended); the tally keeps what it has. */
    void unwatch(int host) {
        if (host < byHost.length && byHost[host] != null) {
            byHost[host] = null;
            if (--watched == 0) {
                byHost = NONE; // after a flood of bans, the array of the highest id is given back
            }
        }
    }

    /**
     * What the sensor's counters counted for the host since their previous read ({@link CounterShard#counter}
     * layout). Called for every host sensors count: for a host not banned, one array load.
     */
    void counted(int sensor, int host, long[] counts) {
        Tally[] tallies = byHost;
        if (host < tallies.length) {
            Tally t = tallies[host];
            if (t != null) {
                t.add(sensor, counts);
            }
        }
    }

    /** One ban's packets and bytes per sensor in its attack direction since the ban. */
    final class Tally {
        private final int packetsAt, bytesAt;
        /** Packets and bytes of sensor id i at 2i and 2i + 1. */
        private long[] counts = new long[4];
        private boolean changed;

        private Tally(Direction direction) {
            packetsAt = CounterShard.counter(direction, TrafficClass.TOTAL, 0);
            bytesAt = CounterShard.counter(direction, TrafficClass.TOTAL, 1);
        }

        private void add(int sensor, long[] c) {
            long packets = c[packetsAt], bytes = c[bytesAt];
            if (packets == 0 && bytes == 0) {
                return;
            }
            int i = 2 * sensor;
            if (i >= counts.length) {
                counts = Arrays.copyOf(counts, Math.max(i + 2, counts.length * 2));
            }
            counts[i] += packets;
            counts[i + 1] += bytes;
            changed = true;
        }

        /** Whether anything was counted since the previous call. */
        boolean takeChanged() {
            boolean c = changed;
            changed = false;
            return c;
        }

        /** The shares as they stand, most packets first (then by name); empty when nothing was counted. */
        List<SensorShare> shares() {
            long total = 0;
            for (int i = 0; i < counts.length; i += 2) {
                total += counts[i];
            }
            List<SensorShare> out = new ArrayList<>();
            for (int i = 0; i < counts.length; i += 2) {
                if (counts[i] != 0 || counts[i + 1] != 0) {
                    out.add(new SensorShare(sensors.get(i / 2), counts[i], counts[i + 1],
                            total == 0 ? 0 : (double) counts[i] / total));
                }
            }
            out.sort(MOST_PACKETS_FIRST);
            return List.copyOf(out);
        }
    }
}
