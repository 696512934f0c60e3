package fastnetmon.sensor;

/**
 * What sensors have seen, for metrics. Immutable.
 *
 * @param records   records looked at
 * @param matched   records that matched a sensor's rule and scope (summed over sensors)
 * @param events    threat events reported
 * @param untracked matched records of sources not tracked because the key table was full
 * @param tracked   sources tracked now
 */
public record SensorStats(long records, long matched, long events, long untracked, long tracked) {
    public static final SensorStats ZERO = new SensorStats(0, 0, 0, 0, 0);

    /** The sum of both, except records (each sensor sees the same records): the larger is kept. */
    SensorStats plus(SensorStats o) {
        return new SensorStats(Math.max(records, o.records), matched + o.matched, events + o.events,
                untracked + o.untracked, tracked + o.tracked);
    }
}
