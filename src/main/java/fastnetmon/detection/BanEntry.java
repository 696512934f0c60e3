package fastnetmon.detection;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;

import java.util.ArrayList;
import java.util.List;

/**
 * The ban book's own record of one ban: the ban as made, and what changes while it lasts (peak, sample
 * packets being collected, whether attack_details went out, the postponed unban, the sensors' shares).
 * Hands out immutable {@link Attack} snapshots, made anew only after a change.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class BanEntry {
    final int host;
    private final Attack start;
    private long peakPps;
    private double peakMbps;
    private boolean unbanPostponed;
    private final List<SamplePacket> samples = new ArrayList<>();
    /** attack_details has been requested; no samples are added after. */
    boolean detailsSent;
    /** For manual bans: attack_details goes out at this time even with fewer samples (0: no deadline). */
    long detailsDeadlineNanos;
    private Attack snapshot;
    /** The host's flows being added up before the ban goes out (connection tracking), or null. */
    private FlowTable flowTable;
    private AttackFlows flows;
    /** What sensors count of the attack while the ban is in force, or null (not counted, or unbanned). */
    private SensorShares.Tally tally;
    private List<SensorShare> shares;

    BanEntry(int host, Attack start, SensorShares.Tally tally) {
        this.host = host;
        this.start = start;
        this.peakPps = start.peakPps;
        this.peakMbps = start.peakMbps;
        this.unbanPostponed = start.unbanPostponed;
        this.samples.addAll(start.samples);
        this.flows = start.flows;
        this.tally = tally;
        this.shares = start.sensorShares;
        this.snapshot = start;
    }

    /** The ban as it stands now. */
    Attack snapshot() {
        if (tally != null && tally.takeChanged()) {
            shares = tally.shares();
            snapshot = null;
        }
        if (snapshot == null) {
            Attack a = new Attack(start.ip, start.ipHi, start.ipLo, start.direction, start.attackType, start.protocol,
                    start.initial, start.reason, start.hostgroup, start.bannedAtNanos, peakPps, peakMbps,
                    unbanPostponed, samples, flows);
            snapshot = shares.isEmpty() ? a : a.withSensorShares(shares);
        }
        return snapshot;
    }

    /** At unban: the shares stay as they are now. */
    void stopShares() {
        snapshot();
        tally = null;
    }

    Attack start() {
        return start;
    }

    /** Takes in a second of the attack direction's traffic. */
    /** Takes in the last second of the host's (or network's) traffic: the attack direction's rates. */
    void peak(HostTraffic lastSecond) {
        Direction d = start.direction;
        peak(Math.round(lastSecond.pps(d, TrafficClass.TOTAL)), lastSecond.mbps(d, TrafficClass.TOTAL));
    }

    private void peak(long pps, double mbps) {
        if (pps > peakPps || mbps > peakMbps) {
            peakPps = Math.max(peakPps, pps);
            peakMbps = Math.max(peakMbps, mbps);
            snapshot = null;
        }
    }

    /** Returns true the first time. */
    boolean postponeUnban() {
        if (unbanPostponed) {
            return false;
        }
        unbanPostponed = true;
        snapshot = null;
        return true;
    }

    int sampleCount() {
        return samples.size();
    }

    /** Starts adding up the host's flows; the ban is held back until {@link #finishFlows}. */
    void trackFlows() {
        flowTable = new FlowTable();
    }

    /** Flows are being added up: the ban has not gone out yet. */
    FlowTable flowTable() {
        return flowTable;
    }

    /** Ends flow tracking with the list for the ban text. */
    void finishFlows(int detailsCount) {
        flows = flowTable.list(detailsCount);
        flowTable = null;
        snapshot = null;
    }

    void addSample(SamplePacket p) {
        samples.add(p);
        snapshot = null;
    }
}
