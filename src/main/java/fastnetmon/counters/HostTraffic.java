package fastnetmon.counters;

/**
 * One host's traffic over an interval: packets, bytes and flows for incoming and outgoing traffic in
 * every {@link TrafficClass}. Per-second values when {@link #seconds} is 1; an average otherwise.
 * Internal traffic counts as incoming for its destination and outgoing for its source, as in FastNetMon.
 */
public final class HostTraffic {
    /** Index of the incoming and outgoing halves (only these two directions are kept per host). */
    public static final int IN = 0, OUT = 1;
    public static final int SIZE = 2 * TrafficClass.COUNT;

    public final double[] packets = new double[SIZE];
    public final double[] bytes = new double[SIZE];
    public final double[] flows = new double[SIZE];
    public double seconds = 1;

    public static int index(int dir, int cls) {
        return dir * TrafficClass.COUNT + cls;
    }

    public double pps(int dir, int cls) {
        return packets[index(dir, cls)] / seconds;
    }

    public double bps(int dir, int cls) {
        return bytes[index(dir, cls)] * 8 / seconds;
    }

    public double mbps(int dir, int cls) {
        return bps(dir, cls) / 1_000_000.0;
    }

    public double flowsPerSecond(int dir, int cls) {
        return flows[index(dir, cls)] / seconds;
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
