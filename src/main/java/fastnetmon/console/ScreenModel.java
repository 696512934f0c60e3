package fastnetmon.console;

import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console screen as text lines, laid out like FastNetMon's:
 * <pre>
 * FastNetMon 0.1.0 all IPs ordered by: packets
 * Incoming traffic        96667 pps 240 mbps 1210 flows
 * 10.10.0.5               7950 pps 3 mbps 40 flows
 * 192.0.2.7               7000 pps 3 mbps 38 flows AS64500 Example Networks    (its ASN, with an ASN database)
 * Outgoing traffic        ...
 * Internal traffic        0 pps 0 mbps
 * Other traffic           0 pps 0 mbps
 * Packets received:       6516913578
 * Packets dropped:        0 (0.0 %)
 * Ban list:
 * 10.10.0.5/20613 pps incoming syn_flood, banned 00:01:12 ago
 * Sensors:                                                  (only on an aggregator)
 * s1 up, 4012 pps 2 mbps in, 0 pps 0 mbps out
 * s4 down, no batch for 12 s
 * Threats:                                                  (only with threats from the abuse sensors)
 * portscan 198.51.100.2 seen by eth3, 1 destinations, 00:00:41 ago
 * </pre>
 * Pure: the same input gives the same lines. Lines are cut to the width (never wrapped); when the
 * height is short, the header, the totals, the packet counters and "Ban list:" stay, and host rows
 * and ban lines share what is left.
 */
public final class ScreenModel {
    /** Width of the label / IP column. */
    static final int COLUMN = 24;

    private ScreenModel() {
    }

    public static List<String> lines(ConsoleData data, SortKey sort, int maxIps, int width, int height) {
        if (width <= 0 || height <= 0) {
            return List.of();
        }
        List<String> in = hostRows(data, Direction.INCOMING, sort, maxIps);
        List<String> out = hostRows(data, Direction.OUTGOING, sort, maxIps);
        List<String> bans = new ArrayList<>(data.bans().size());
        for (ConsoleData.Ban b : data.bans()) {
            bans.add(banLine(b, data.nowMillis()));
        }
        // header, four totals, received, dropped, "Ban list:" (and the notice)
        int fixed = 8 + (data.notice() != null ? 1 : 0);
        int spare = Math.max(0, height - fixed);
        // Share the spare rows round-robin: incoming host, ban line, outgoing host, ...
        int nIn = 0, nOut = 0, nBan = 0;
        boolean gave = true;
        while (spare > 0 && gave) {
            gave = false;
            if (spare > 0 && nIn < in.size()) {
                nIn++;
                spare--;
                gave = true;
            }
            if (spare > 0 && nBan < bans.size()) {
                nBan++;
                spare--;
                gave = true;
            }
            if (spare > 0 && nOut < out.size()) {
                nOut++;
                spare--;
                gave = true;
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(header(data, sort));
        if (data.notice() != null) {
            lines.add(data.notice());
        }
        lines.add(total("Incoming traffic", data.total(Direction.INCOMING), true));
        lines.addAll(in.subList(0, nIn));
        lines.add(total("Outgoing traffic", data.total(Direction.OUTGOING), true));
        lines.addAll(out.subList(0, nOut));
        lines.add(total("Internal traffic", data.total(Direction.INTERNAL), false));
        lines.add(total("Other traffic", data.total(Direction.OTHER), false));
        lines.add(column("Packets received:") + data.packetsReceived());
        lines.add(column("Packets dropped:") + data.packetsDropped() + " ("
                + percent(data.packetsDropped(), data.packetsReceived()) + " %)");
        lines.add("Ban list:");
        lines.addAll(bans.subList(0, nBan));
        if (!data.sensors().isEmpty()) { // what room is left: the lines past the height are cut below
            lines.add("Sensors:");
            for (ConsoleData.Sensor s : data.sensors()) {
                lines.add(s.up() ? s.name() + " up, " + s.ppsIn() + " pps " + s.bitsIn() / 1_000_000 + " mbps in, "
                        + s.ppsOut() + " pps " + s.bitsOut() / 1_000_000 + " mbps out"
                        : s.name() + " down, no batch for " + s.secondsSinceLastBatch() + " s");
            }
        }
        if (!data.threats().isEmpty()) {
            lines.add("Threats:");
            for (ConsoleData.Threat t : data.threats()) {
                lines.add(t.type() + " " + t.offender() + " seen by " + t.observer() + ", " + t.destinations()
                        + " destinations, " + duration(data.nowMillis() - t.atMillis()) + " ago");
            }
        }
        List<String> shown = new ArrayList<>(Math.min(height, lines.size()));
        for (String l : lines.subList(0, Math.min(height, lines.size()))) {
            shown.add(cut(l, width));
        }
        return shown;
    }

    static String header(ConsoleData data, SortKey sort) {
        return "FastNetMon " + data.version() + " all IPs ordered by: " + sort.text();
    }

    private static List<String> hostRows(ConsoleData data, Direction d, SortKey sort, int maxIps) {
        List<ConsoleData.Host> hosts = data.top(d, sort);
        List<String> rows = new ArrayList<>(Math.min(maxIps, hosts.size()));
        for (ConsoleData.Host h : hosts.subList(0, Math.min(maxIps, hosts.size()))) {
            rows.add(column(h.ip()) + rates(h.pps(), h.mbps(), h.flows(), true) + (h.asn() == null ? "" : " " + h.asn()));
        }
        return rows;
    }

    private static String total(String label, ConsoleData.Rate r, boolean flows) {
        return column(label) + rates(r.pps(), r.mbps(), r.flows(), flows);
    }

    static String rates(double pps, double mbps, double flows, boolean withFlows) {
        String s = integer(pps) + " pps " + integer(mbps) + " mbps";
        return withFlows ? s + " " + integer(flows) + " flows" : s;
    }

    /** Rounded to a whole number, as FastNetMon shows rates. */
    static long integer(double v) {
        return Double.isFinite(v) ? Math.round(Math.max(0, v)) : 0;
    }

    /** The text padded to the column, or followed by one space when it is as wide or wider (IPv6). */
    static String column(String s) {
        if (s.length() >= COLUMN) {
            return s + " ";
        }
        return s + " ".repeat(COLUMN - s.length());
    }

    /** Dropped as a share of received, one decimal. */
    static String percent(long dropped, long received) {
        double p = received > 0 ? Math.min(100.0, 100.0 * dropped / received) : 0.0;
        return String.format(Locale.ROOT, "%.1f", p);
    }

    /** "IP/PPS pps DIRECTION TYPE[ VECTOR], banned HH:MM:SS ago": the vector when known and saying more than the type. */
    static String banLine(ConsoleData.Ban b, long nowMillis) {
        String v = b.attackVector();
        String vector = v == null || v.isEmpty() || v.equals("unknown") || v.equals(b.attackType()) ? "" : " " + v;
        return b.ip() + "/" + b.pps() + " pps " + b.direction() + " " + b.attackType() + vector
                + ", banned " + duration(nowMillis - b.bannedAtMillis()) + " ago";
    }

    /** HH:MM:SS (hours grow past 99 as needed); negative durations (clock steps) show as zero. */
    static String duration(long millis) {
        long s = Math.max(0, millis) / 1000;
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Cut to the width; control characters (which would move the cursor) shown as '?'. */
    static String cut(String line, int width) {
        String s = line.length() <= width ? line : line.substring(0, width);
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                StringBuilder b = new StringBuilder(s);
                for (int j = i; j < b.length(); j++) {
                    if (Character.isISOControl(b.charAt(j))) {
                        b.setCharAt(j, '?');
                    }
                }
                return b.toString();
            }
        }
        return s;
    }
}
