package fastnetmon.action;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.Fingerprint;
import fastnetmon.detection.SamplePacket;
import fastnetmon.detection.SensorShare;
import fastnetmon.geoip.Origins;
import fastnetmon.packet.PacketRecord;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The attack text FastNetMon 1.2.4 hands to notify scripts and writes to attack_details_folder: the
 * description (get_attack_description), sample packet lines (print_simple_packet) and the details file name.
 */
public final class AttackText {
    private AttackText() {
    }

    private static final DateTimeFormatter SAMPLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("dd_MM_yy_HH:mm:ss");

    /** Per-protocol blocks of the description, in FastNetMon's order, with their names in the text. */
    private static final int[] CLASSES = {TrafficClass.FRAGMENTED, TrafficClass.TCP, TrafficClass.TCP_SYN,
            TrafficClass.UDP, TrafficClass.ICMP};
    private static final String[] CLASS_TEXT = {"ip fragmented", "tcp", "syn tcp", "udp", "icmp"};

    /**
     * The ban's text (script stdin, details file): the description, then with connection tracking the
     * host's flows ({@link FlowListText}), and for a ban by hand FastNetMon's marker where its flow list
     * would go, with no newline.
     */
    public static String banText(Attack a) {
        return banText(a, Origins.NONE);
    }

    /** The ban's text with the attack's origins in its description ({@link #description(Attack, Origins)}). */
    public static String banText(Attack a, Origins origins) {
        String description = description(a, origins);
        if (Attack.MANUAL_BAN.equals(a.reason)) {
            return description + "manually triggered attack";
        }
        return a.flows == null ? description : description + FlowListText.text(a.ip, a.flows);
    }

    /** "IP: ..." line, the attack summary and traffic counters, a blank line and the average packet sizes. */
    public static String description(Attack a) {
        return description(a, Origins.NONE);
    }

    /**
     * The description, then, when the GeoIP databases know them, the attack's origins:
     * {@code Top source ASNs: AS64500 Example Networks 62.5%, AS64501 Other 37.5%} and
     * {@code Top source countries: DE Germany 62.5%, ...} ("destination" for an outgoing attack: the other
     * end of its traffic); then, on an aggregator, which sensor saw how much of it:
     * {@code Traffic by sensor: sensor-a 62.5% (125000 packets), sensor-b 37.5% (75000 packets)}.
     * No line for what is empty.
     */
    public static String description(Attack a, Origins origins) {
        HostTraffic t = a.initial;
        StringBuilder sb = new StringBuilder(2048);
        sb.append("IP: ").append(a.ip).append('\n');
        sb.append("Attack type: ").append(attackTypeName(a.attackType)).append('\n');
        sb.append("Initial attack power: ").append(a.initialPps()).append(" packets per second\n");
        sb.append("Peak attack power: ").append(a.peakPps).append(" packets per second\n");
        sb.append("Attack direction: ").append(a.direction.text()).append('\n');
        sb.append("Attack protocol: ").append(a.protocol).append('\n');
        // FastNetMon fills its "Total" and "Average" fields from the same averaged counters.
        for (String p : new String[]{"Total", "Average"}) {
            sb.append(p).append(" incoming traffic: ").append(mbps(t, Direction.INCOMING, TrafficClass.TOTAL)).append(" mbps\n");
            sb.append(p).append(" outgoing traffic: ").append(mbps(t, Direction.OUTGOING, TrafficClass.TOTAL)).append(" mbps\n");
            sb.append(p).append(" incoming pps: ").append(pps(t, Direction.INCOMING, TrafficClass.TOTAL)).append(" packets per second\n");
            sb.append(p).append(" outgoing pps: ").append(pps(t, Direction.OUTGOING, TrafficClass.TOTAL)).append(" packets per second\n");
            sb.append(p).append(" incoming flows: ").append(flows(t, Direction.INCOMING)).append(" flows per second\n");
            sb.append(p).append(" outgoing flows: ").append(flows(t, Direction.OUTGOING)).append(" flows per second\n");
        }
        for (int i = 0; i < CLASSES.length; i++) {
            int c = CLASSES[i];
            String n = CLASS_TEXT[i];
            sb.append("Incoming ").append(n).append(" traffic: ").append(mbps(t, Direction.INCOMING, c)).append(" mbps\n");
            sb.append("Outgoing ").append(n).append(" traffic: ").append(mbps(t, Direction.OUTGOING, c)).append(" mbps\n");
            sb.append("Incoming ").append(n).append(" pps: ").append(pps(t, Direction.INCOMING, c)).append(" packets per second\n");
            sb.append("Outgoing ").append(n).append(" pps: ").append(pps(t, Direction.OUTGOING, c)).append(" packets per second\n");
        }
        sb.append('\n');
        sb.append("Average packet size for incoming traffic: ").append(averageSize(t, Direction.INCOMING)).append(" bytes \n");
        sb.append("Average packet size for outgoing traffic: ").append(averageSize(t, Direction.OUTGOING)).append(" bytes \n");
        String end = a.direction == Direction.OUTGOING ? "destination" : "source";
        originLine(sb, "Top " + end + " ASNs: ", origins.asns());
        originLine(sb, "Top " + end + " countries: ", origins.countries());
        sensorLine(sb, a.sensorShares);
        return sb.toString();
    }

    /** {@code Traffic by sensor: NAME 62.5% (N packets), ...} and a newline; nothing when there are no shares. */
    private static void sensorLine(StringBuilder sb, List<SensorShare> shares) {
        if (shares.isEmpty()) {
            return;
        }
        sb.append("Traffic by sensor: ");
        for (int i = 0; i < shares.size(); i++) {
            SensorShare s = shares.get(i);
            sb.append(i == 0 ? "" : ", ").append(s.sensor()).append(' ')
                    .append(String.format(Locale.ROOT, "%.1f%%", s.share() * 100))
                    .append(" (").append(s.packets()).append(" packets)");
        }
        sb.append('\n');
    }

    /** {@code LABEL CODE NAME 62.5%, ...} and a newline; nothing when there are no shares. */
    private static void originLine(StringBuilder sb, String label, List<Origins.Share> shares) {
        if (shares.isEmpty()) {
            return;
        }
        sb.append(label);
        for (int i = 0; i < shares.size(); i++) {
            Origins.Share s = shares.get(i);
            sb.append(i == 0 ? "" : ", ").append(s.code());
            if (s.name() != null && !s.name().isEmpty()) {
                sb.append(' ').append(s.name());
            }
            sb.append(' ').append(String.format(Locale.ROOT, "%.1f%%", s.share() * 100));
        }
        sb.append('\n');
    }

    /**
     * The attack_details stdin: description, a blank line, then one line per sample (send_attack_details),
     * as FastNetMon has it; then ours, after a blank line: the attack vector and the fingerprint
     * ({@link #vectorText}).
     */
    public static String details(Attack a, ZoneId zone) {
        return details(a, Origins.NONE, zone);
    }

    /** The attack_details stdin with the attack's origins in its description ({@link #description(Attack, Origins)}). */
    public static String details(Attack a, Origins origins, ZoneId zone) {
        List<SamplePacket> samples;
        synchronized (a.samples) {
            samples = List.copyOf(a.samples);
        }
        return details(description(a, origins), samples, zone) + "\n" + vectorText(a);
    }

    /**
     * {@code Attack vector: ntp_amplification}, then {@code Fingerprint of N sampled packets:} and one indented
     * line per dimension, e.g. {@code   src_port: 123 98%, 53 2%}. No line holds " > " (a sample line's mark).
     */
    public static String vectorText(Attack a) {
        Fingerprint f = a.fingerprint();
        StringBuilder sb = new StringBuilder(512);
        sb.append("Attack vector: ").append(a.attackVector()).append('\n');
        sb.append("Fingerprint of ").append(f.sampledPackets()).append(" sampled packets:\n");
        for (String line : f.lines()) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    static String details(String description, List<SamplePacket> samples, ZoneId zone) {
        StringBuilder sb = new StringBuilder(description.length() + 2 + samples.size() * 128);
        sb.append(description).append("\n\n");
        for (SamplePacket p : samples) {
            sb.append(sampleLine(p, zone)).append('\n');
        }
        return sb.toString();
    }

    /**
     * One sample as print_simple_packet prints it (without the final newline, with its two trailing spaces):
     * {@code 2014-07-04 13:59:54.778872 1.2.3.4:46804 > 10.10.0.5:80 protocol: tcp flags: syn frag: 0  packets: 1 size: 54 bytes ttl: 64 sample ratio: 1  }.
     * Time is local time in {@code zone}; flags only for TCP; we keep no sample ratio, so it is always 1.
     * A sample that came from a flow collector ends with what it stands for, after FastNetMon's fields:
     * {@code from netflow_v9 record: 12 packets 720 bytes} (sFlow: the sampled packet times the rate).
     */
    public static String sampleLine(SamplePacket p, ZoneId zone) {
        long nanos = p.timestampNanos() != 0 ? p.timestampNanos() : nowNanos(); // FastNetMon stamps unstamped packets with "now"
        Instant ts = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        StringBuilder sb = new StringBuilder(128);
        sb.append(SAMPLE_TIME.format(ts.atZone(zone))).append('.');
        String micros = Integer.toString(ts.getNano() / 1000);
        sb.append("000000", micros.length(), 6).append(micros).append(' ');
        sb.append(endpoint(p.srcIp(), p.srcPort())).append(" > ").append(endpoint(p.dstIp(), p.dstPort()))
                .append(" protocol: ").append(protocolName(p.protocol()));
        if (p.protocol() == 6) {
            sb.append(" flags: ").append(tcpFlags(p.tcpFlags()));
        }
        sb.append(" frag: ").append(p.fragmented() ? 1 : 0).append("  packets: ").append(p.packets())
                .append(" size: ").append(p.length()).append(" bytes ttl: ").append(p.ttl())
                .append(" sample ratio: 1  ");
        if (p.fromFlowRecord()) {
            sb.append("from ").append(originName(p.origin())).append(" record: ").append(p.packets()).append(" packets ")
                    .append(p.bytes()).append(" bytes");
        }
        return sb.toString();
    }

    /** FastNetMon's details file name: {@code IP_dd_mm_yy_HH:MM:SS.txt}, ban time in local time. */
    public static String detailsFileName(Attack a, ZoneId zone) {
        Instant ban = Instant.ofEpochSecond(Math.floorDiv(a.bannedAtNanos, 1_000_000_000L));
        return a.ip + "_" + FILE_TIME.format(ban.atZone(zone)) + ".txt";
    }

    /** The flow protocol of a sample's {@link PacketRecord#origin}, as FastNetMon's keys name it. */
    static String originName(int origin) {
        return switch (origin) {
            case PacketRecord.ORIGIN_SFLOW -> "sflow";
            case PacketRecord.ORIGIN_NETFLOW5 -> "netflow_v5";
            case PacketRecord.ORIGIN_NETFLOW9 -> "netflow_v9";
            case PacketRecord.ORIGIN_IPFIX -> "ipfix";
            default -> "flow";
        };
    }

    /** FastNetMon names IP fragmentation attacks "ip_fragmentation" in the text. */
    static String attackTypeName(String type) {
        return "ip_fragmentation_flood".equals(type) ? "ip_fragmentation" : type;
    }

    /** get_printable_protocol_name: only these three have names. */
    static String protocolName(int protocol) {
        switch (protocol) {
            case 6:
                return "tcp";
            case 17:
                return "udp";
            case 1:
                return "icmp";
            default:
                return "unknown";
        }
    }

    /** print_tcp_flags: fin,syn,rst,psh,ack,urg joined by commas; "-" when none of them is set. */
    static String tcpFlags(int flags) {
        String[] names = {"fin", "syn", "rst", "psh", "ack", "urg"};
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(names[bit]);
            }
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /**
     * Address and port as text. FastNetMon prints IPv6 zero-padded and ambiguous next to the port
     * (2001:0db8::0001:443); we print the RFC 5952 form in brackets: [2001:db8::1]:443.
     */
    static String endpoint(String ip, int port) {
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static long pps(HostTraffic t, Direction dir, int cls) {
        return Math.round(t.pps(dir, cls));
    }

    private static long flows(HostTraffic t, Direction dir) {
        return Math.round(t.flowsPerSecond(dir, TrafficClass.TOTAL));
    }

    private static long bytesPerSecond(HostTraffic t, Direction dir, int cls) {
        return Math.round(t.bytes[HostTraffic.index(dir, cls)] / t.seconds);
    }

    /** convert_speed_to_mbps: integer bytes per second to whole megabits, truncated. */
    private static long mbps(HostTraffic t, Direction dir, int cls) {
        return (long) ((double) bytesPerSecond(t, dir, cls) / 1000 / 1000 * 8);
    }

    /** Bytes per packet with one decimal, rounded like C++ std::fixed (half-even on the exact binary value). */
    private static String averageSize(HostTraffic t, Direction dir) {
        long packets = pps(t, dir, TrafficClass.TOTAL);
        double size = packets > 0 ? (double) bytesPerSecond(t, dir, TrafficClass.TOTAL) / packets : 0;
        return new BigDecimal(size).setScale(1, RoundingMode.HALF_EVEN).toPlainString();
    }
}
