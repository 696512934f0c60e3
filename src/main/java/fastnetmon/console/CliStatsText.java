package fastnetmon.console;

import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The screen file's text in FastNetMon 1.2.4's layout (what its {@code fastnetmon_client} shows), e.g.:
 * <pre>
 * FastNetMon 0.1.0 (Java)
 * IPs ordered by: packets
 * Incoming traffic\t   339 pps      0 mbps    694 flows
 * 10.0.0.5\t\t   240 pps      0 mbps    358 flows
 * 10.0.0.123\t\t    97 pps      0 mbps    145 flows  *banned*
 * (blank)
 * Outgoing traffic\t ...
 * Internal traffic\t     0 pps      0 mbps
 * Other traffic\t\t     0 pps      0 mbps
 * Screen updated in:\t\t0.00044 sec
 * Traffic calculated in:\t\t0 sec 84 microseconds
 * Not processed packets: 0 pps
 * (blank)
 * Ban list:
 * 10.0.0.9/0 pps other at 30_11_26_21:27:05
 * </pre>
 * Rates are whole numbers right-aligned in 6 columns, as FastNetMon prints them; IPv6 hosts are listed in
 * the same file. Pure: the same input gives the same text.
 */
public final class CliStatsText {
    private static final DateTimeFormatter BANNED_AT = DateTimeFormatter.ofPattern("dd_MM_yy_HH:mm:ss", Locale.ROOT);

    private CliStatsText() {
    }

    /**
     * @param renderNanos how long the previous screen took to make ("Screen updated in")
     * @param calcNanos   how long the last evaluation took ("Traffic calculated in")
     * @param unparsedPps packets per second that could not be parsed
     */
    public static String render(ConsoleData data, SortKey sort, int maxIps, long renderNanos, long calcNanos,
                                long unparsedPps, ZoneId zone) {
        Set<String> banned = new HashSet<>();
        for (ConsoleData.Ban b : data.bans()) {
            banned.add(b.ip());
        }
        StringBuilder out = new StringBuilder(2048);
        out.append("FastNetMon ").append(data.version()).append(" (Java)\n");
        out.append("IPs ordered by: ").append(sort.text()).append('\n');
        channel(out, "Incoming traffic\t", data.total(Direction.INCOMING), true);
        hosts(out, data.top(Direction.INCOMING, sort), maxIps, banned);
        out.append('\n');
        channel(out, "Outgoing traffic\t", data.total(Direction.OUTGOING), true);
        hosts(out, data.top(Direction.OUTGOING, sort), maxIps, banned);
        out.append('\n');
        channel(out, "Internal traffic\t", data.total(Direction.INTERNAL), false);
        out.append('\n');
        channel(out, "Other traffic\t\t", data.total(Direction.OTHER), false);
        out.append('\n');
        out.append("Screen updated in:\t\t").append(twoDigits(renderNanos / 1e9)).append(" sec\n");
        out.append("Traffic calculated in:\t\t").append(calcNanos / 1_000_000_000L).append(" sec ")
                .append(calcNanos % 1_000_000_000L / 1000).append(" microseconds\n");
        out.append("Not processed packets: ").append(unparsedPps).append(" pps\n");
        if (!data.bans().isEmpty()) {
            out.append("\nBan list:\n");
            for (ConsoleData.Ban b : data.bans()) {
                out.append(b.ip()).append('/').append(b.pps()).append(" pps ").append(b.direction()).append(" at ")
                        .append(BANNED_AT.format(Instant.ofEpochMilli(b.bannedAtMillis()).atZone(zone))).append('\n');
            }
        }
        return out.toString();
    }

    private static void channel(StringBuilder out, String label, ConsoleData.Rate r, boolean flows) {
        out.append(label).append(rates(r.pps(), r.mbps())).append(flows ? " " + six(r.flows()) + " flows" : "").append('\n');
    }

    private static void hosts(StringBuilder out, List<ConsoleData.Host> hosts, int maxIps, Set<String> banned) {
        for (ConsoleData.Host h : hosts.subList(0, Math.min(maxIps, hosts.size()))) {
            out.append(ScreenModel.cut(h.ip(), 64)).append("\t\t").append(rates(h.pps(), h.mbps())).append(' ')
                    .append(six(h.flows())).append(" flows ").append(banned.contains(h.ip()) ? " *banned* " : "").append('\n');
        }
    }

    private static String rates(double pps, double mbps) {
        return six(pps) + " pps " + six(mbps) + " mbps";
    }

    private static String six(double v) {
        return String.format(Locale.ROOT, "%6d", ScreenModel.integer(v));
    }

    /** Two significant digits without trailing zeros, as C++ streams print with setprecision(2). */
    static String twoDigits(double seconds) {
        if (!(seconds > 0) || !Double.isFinite(seconds)) {
            return "0";
        }
        return new BigDecimal(seconds).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }
}
