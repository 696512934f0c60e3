package fastnetmon.counters;

import fastnetmon.config.TrafficClass;

/**
 * One host's traffic over an interval: packets, bytes and flows for incoming and outgoing traffic in
 * every {@link TrafficClass}. Per-second values when {@link #seconds} is 1; an average otherwise.
 * Internal traffic counts as incoming for its destination and outgoing for its source, as in FastNetMon.
 */
public final class HostTraffic {
    public static final int SIZE = 2 * TrafficClass.COUNT;

    public final double[] packets = new double[SIZE];
    public final double[] bytes = new double[SIZE];
    public final double[] flows = new double[SIZE];
    public double seconds = 1;

    /** Index into the arrays for a direction of {@link Direction#PER_HOST} and a {@link TrafficClass}. */
    public static int index(Direction dir, int cls) {
        return dir.hostIndex() * TrafficClass.COUNT + cls;
    }

    // The rates of a direction not kept per host (a manual ban's "other") are 0.
    public double pps(Direction dir, int cls) {
        return dir.perHost() ? packets[index(dir, cls)] / seconds : 0;
    }

    public double bps(Direction dir, int cls) {
        return dir.perHost() ? bytes[index(dir, cls)] * 8 / seconds : 0;
    }

    public double mbps(Direction dir, int cls) {
        return bps(dir, cls) / 1_000_000.0;
    }

    public double flowsPerSecond(Direction dir, int cls) {
        return dir.perHost() ? flows[index(dir, cls)] / seconds : 0;
    }

    public HostTraffic copy() {
        HostTraffic c = new HostTraffic();
        System.arraycopy(packets, 0, c.packets, 0, SIZE);
        System.arraycopy(bytes, 0, c.bytes, 0, SIZE);
        System.arraycopy(flows, 0, c.flows, 0, SIZE);
        c.seconds = seconds;
        return c;
    }
}
