package fastnetmon.api;

import fastnetmon.cluster.SensorStatus;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.TrafficView;
import fastnetmon.geoip.GeoIp;
import fastnetmon.sensor.ThreatEvent;

import java.util.List;

/**
 * What the console and the HTTP API may see and do in a running detector. Reads of the view are
 * lock-free; the other calls are carried out on the evaluator's thread and wait for it.
 */
public interface DetectorAccess {
    /** The latest per-second view (top hosts, totals, bans). */
    TrafficView view();

    /** Packets the capture engines received and dropped, summed over interfaces. */
    long packetsReceived();

    long packetsDropped();

    /** Whether the address is in the monitored networks. */
    boolean monitored(long hi, long lo);

    /** The host's average traffic, or null when none was seen. */
    HostTraffic average(long hi, long lo) throws DetectorUnavailableException;

    /** The host's current attack, or null when it is not banned. */
    Attack banOf(long hi, long lo) throws DetectorUnavailableException;

    /**
     * The hosts banned now, oldest ban first, including manual bans and unbans made since the last tick
     * (the view's list catches up at the next tick). The default reads the view.
     */
    default List<Attack> bans() throws DetectorUnavailableException {
        return view().bans();
    }

    /** The GeoIP databases: the bans' origins and the top talkers' ASNs. The default: none configured. */
    default GeoIp geoIp() {
        return GeoIp.NONE;
    }

    /** The abuse sensors' last threats, newest first (empty: no sensor is on). */
    default List<ThreatEvent> threats() {
        return List.of();
    }

    /** The cluster's sensors as this aggregator sees them, by name (empty: not an aggregator). */
    default List<SensorStatus> sensors() {
        return List.of();
    }

    /** Bans the host as an automatic ban would (ban, then attack_details); null when it is banned already. */
    Attack ban(long hi, long lo, Direction direction) throws DetectorUnavailableException;

    /** Unbans the host (script with unban); null when it was not banned. */
    Attack unban(long hi, long lo) throws DetectorUnavailableException;

    /** The detector is stopping or its evaluator did not answer in time. */
    final class DetectorUnavailableException extends Exception {
        public DetectorUnavailableException(String message) {
            super(message);
        }
    }
}
