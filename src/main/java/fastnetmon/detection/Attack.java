package fastnetmon.detection;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;

import java.util.ArrayList;
import java.util.List;

/**
 * A detected attack on one host: what triggered it and what is known since. Created by the evaluator;
 * read by the actions (notify script, details file) and the summary.
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
    public volatile long peakPps;
    public volatile double peakMbps;
    /** Set by the evaluator once attack_details has been requested; no samples are added after. */
    public volatile boolean detailsSent;
    /** For manual bans: attack_details goes out at this time even with fewer samples (0: no deadline). */
    public volatile long detailsDeadlineNanos;
    /** The ban outlasted ban_time because the attack went on (unban_only_if_attack_finished). */
    public volatile boolean unbanPostponed;
    /** Sample packets of the host's traffic in the attack direction, collected after the ban. */
    public final List<SamplePacket> samples = new ArrayList<>();

    public Attack(String ip, long ipHi, long ipLo, Direction direction, String attackType, String protocol,
                  HostTraffic initial, String reason, String hostgroup, long bannedAtNanos) {
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
        int d = direction == Direction.OUTGOING ? HostTraffic.OUT : HostTraffic.IN;
        this.peakPps = Math.round(initial.pps(d, 0));
        this.peakMbps = initial.mbps(d, 0);
    }

    /** Index into {@link HostTraffic} arrays for this attack's direction. */
    public int trafficDirection() {
        return direction == Direction.OUTGOING ? HostTraffic.OUT : HostTraffic.IN;
    }

    /** Packets per second of the triggering second in the attack direction: the script's third argument. */
    public long initialPps() {
        return Math.round(initial.pps(trafficDirection(), 0));
    }
}
