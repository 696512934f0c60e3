package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;

import java.util.List;
import java.util.Objects;

/**
 * A ban as it stood at one moment: what triggered it and what was known of it then. Immutable (the
 * {@link #initial} traffic is not to be modified either), so any thread may read it: the evaluator makes
 * a fresh one for every {@link BanEvent} and every published view, and the actions, the API and the
 * summary read them. Its {@link #attackVector()} and {@link #fingerprint()} are derived from the samples
 * on first use and cached (benign race: any thread may compute them, all get the same value).
 *
 * <p>Two snapshots of the same ban (host, direction and ban time) are {@link #equals equal}, whatever
 * their peak, samples and sensor shares.
 */
public final class Attack {
    /** The reason of a ban made by hand (API): its ban text ends with FastNetMon's "manually triggered attack". */
    public static final String MANUAL_BAN = "manual ban";
    /** Host address as text (dotted quad or compressed IPv6). */
    public final String ip;
    public final long ipHi, ipLo;
    public final Direction direction;
    /** syn_flood, udp_flood, icmp_flood, ip_fragmentation_flood or unknown. */
    public final String attackType;
    /** tcp, udp, icmp or unknown: the dominant protocol in the attack direction. */
    public final String protocol;
    /** The rates of the second that triggered the ban. */
    public final HostTraffic initial;
    /** Which threshold was crossed, e.g. "pps 50012 > 20000" (for logs). */
    public final String reason;
    /** Host group whose thresholds applied ("global" when none). */
    public final String hostgroup;
    /** Packet time (replay) or wall time (live) of the ban, in nanoseconds since the epoch. */
    public final long bannedAtNanos;
    /** Highest per-second packet rate seen in the attack direction since the ban. */
    public final long peakPps;
    public final double peakMbps;
    /** The ban outlasted ban_time because the attack went on (unban_only_if_attack_finished). */
    public final boolean unbanPostponed;
    /** Sample packets of the host's traffic in the attack direction collected after the ban, unmodifiable. */
    public final List<SamplePacket> samples;
    /** The host's flows at the ban (enable_connection_tracking), or null when none were tracked. */
    public final AttackFlows flows;
    /**
     * Which cluster sensor saw how much of the attack since the ban, most packets first, unmodifiable;
     * empty unless the counters are sensors' (an aggregator's).
     */
    public final List<SensorShare> sensorShares;
    /**
     * {@link #attackVector()} and {@link #fingerprint()}, worked out from the samples on first use (off the
     * hot path, by whoever reads the ban). Racing readers may each compute them: same result, so no lock.
     */
    private volatile String attackVector;
    private volatile Fingerprint fingerprint;

    /** A ban at its start: the peak is the triggering second's rate, no samples yet. */
    public Attack(String ip, long ipHi, long ipLo, Direction direction, String attackType, String protocol,
                  HostTraffic initial, String reason, String hostgroup, long bannedAtNanos) {
        this(ip, ipHi, ipLo, direction, attackType, protocol, initial, reason, hostgroup, bannedAtNanos,
                Math.round(initial.pps(direction, 0)), initial.mbps(direction, 0), false, List.of());
    }

    public Attack(String ip, long ipHi, long ipLo, Direction direction, String attackType, String protocol,
                  HostTraffic initial, String reason, String hostgroup, long bannedAtNanos,
                  long peakPps, double peakMbps, boolean unbanPostponed, List<SamplePacket> samples) {
        this(ip, ipHi, ipLo, direction, attackType, protocol, initial, reason, hostgroup, bannedAtNanos, peakPps, peakMbps,
                unbanPostponed, samples, null);
    }

    public Attack(String ip, long ipHi, long ipLo, Direction direction, String attackType, String protocol,
                  HostTraffic initial, String reason, String hostgroup, long bannedAtNanos,
                  long peakPps, double peakMbps, boolean unbanPostponed, List<SamplePacket> samples, AttackFlows flows) {
        this(ip, ipHi, ipLo, direction, attackType, protocol, initial, reason, hostgroup, bannedAtNanos, peakPps, peakMbps,
                unbanPostponed, samples, flows, List.of());
    }

    private Attack(String ip, long ipHi, long ipLo, Direction direction, String attackType, String protocol,
                   HostTraffic initial, String reason, String hostgroup, long bannedAtNanos, long peakPps,
                   double peakMbps, boolean unbanPostponed, List<SamplePacket> samples, AttackFlows flows,
                   List<SensorShare> sensorShares) {
        this.ip = ip;
        this.ipHi = ipHi;
        this.ipLo = ipLo;
        this.direction = direction;
        this.attackType = attackType;
        this.protocol = protocol;
        this.initial = initial;
        this.reason = reason;
        this.hostgroup = hostgroup;
        this.bannedAtNanos = bannedAtNanos;
        this.peakPps = peakPps;
        this.peakMbps = peakMbps;
        this.unbanPostponed = unbanPostponed;
        this.samples = List.copyOf(samples);
        this.flows = flows;
        this.sensorShares = List.copyOf(sensorShares);
    }

    /** The same ban with another peak. */
    public Attack withPeak(long pps, double mbps) {
        return new Attack(ip, ipHi, ipLo, direction, attackType, protocol, initial, reason, hostgroup, bannedAtNanos,
                pps, mbps, unbanPostponed, samples, flows, sensorShares);
    }

    /** The same ban with these samples. */
    public Attack withSamples(List<SamplePacket> samples) {
        return new Attack(ip, ipHi, ipLo, direction, attackType, protocol, initial, reason, hostgroup, bannedAtNanos,
                peakPps, peakMbps, unbanPostponed, samples, flows, sensorShares);
    }

    /** The same ban with these per-sensor shares. */
    public Attack withSensorShares(List<SensorShare> shares) {
        return new Attack(ip, ipHi, ipLo, direction, attackType, protocol, initial, reason, hostgroup, bannedAtNanos,
                peakPps, peakMbps, unbanPostponed, samples, flows, shares);
    }

    /**
     * What the traffic is (ntp_amplification, syn_flood, ...; see {@link AttackVector}): from the samples
     * once there are any, else from the triggering second's counters.
     */
    public String attackVector() {
        String v = attackVector;
        if (v == null) {
            v = AttackVector.of(samples, initial, direction);
            attackVector = v;
        }
        return v;
    }

    /** Top values of the sampled packets ({@link Fingerprint#EMPTY} while there are no samples). */
    public Fingerprint fingerprint() {
        Fingerprint f = fingerprint;
        if (f == null) {
            f = samples.isEmpty() ? Fingerprint.EMPTY : Fingerprint.of(samples);
            fingerprint = f;
        }
        return f;
    }

    /** Packets per second of the triggering second in the attack direction: the script's third argument. */
    public long initialPps() {
        return Math.round(initial.pps(direction, 0));
    }

    /** Snapshots of the same ban: host, direction and ban time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Attack a && a.ipHi == ipHi && a.ipLo == ipLo && a.direction == direction
                && a.bannedAtNanos == bannedAtNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipHi, ipLo, direction, bannedAtNanos);
    }

    @Override
    public String toString() {
        return "Attack[" + ip + " " + direction.text() + " " + attackType + " at " + bannedAtNanos + " peak " + peakPps
                + " pps, " + samples.size() + " samples" + (unbanPostponed ? ", unban postponed" : "") + "]";
    }
}
