package fastnetmon.export;

import fastnetmon.counters.Direction;
import fastnetmon.detection.TrafficView;
import fastnetmon.detection.TrafficView.HostRate;

/**
 * One push of a view in carbon's plaintext protocol ({@code path value timestamp}), with FastNetMon CE's
 * paths: {@code PREFIX.total.DIRECTION.pps|bps} (and {@code .flows} for incoming and outgoing) for the four
 * directions, and {@code PREFIX.hosts.IP.DIRECTION.average.pps|bps|flows} per active host ({@link ActiveHosts})
 * and direction, the address's dots (and, for IPv6, colons) made underscores; a host's zero values are left
 * out, as CE does. Values are whole numbers per second, bits for bps. Stateless.
 */
final class GraphiteLines {
    private GraphiteLines() {
    }

    /** The view's lines at {@code second} (Unix time) under {@code prefix} (empty: none). */
    static UnsentBatches.Batch of(TrafficView view, long second, String prefix) {
        String root = prefix.isEmpty() ? "" : prefix + ".";
        String time = " " + second + "\n";
        StringBuilder out = new StringBuilder(4096);
        int points = 0;
        for (Direction d : Direction.values()) {
            TrafficView.Rate r = view.totals().get(d);
            if (r == null) {
                continue;
            }
            String path = root + "total." + d.text();
            if (d.perHost()) {
                out.append(path).append(".flows ").append(Math.round(r.flows())).append(time);
                points++;
            }
            out.append(path).append(".pps ").append(Math.round(r.pps())).append(time);
            out.append(path).append(".bps ").append(Math.round(r.mbps() * 1e6)).append(time);
            points += 2;
        }
        for (ActiveHosts.Host h : ActiveHosts.of(view).hosts()) {
            String host = root + "hosts." + h.ip().replace('.', '_').replace(':', '_') + ".";
            for (Direction d : Direction.PER_HOST) {
                HostRate r = h.rate(d);
                if (r == null) {
                    continue;
                }
                String path = host + d.text() + ".average";
                points += nonZero(out, path + ".pps", Math.round(r.pps()), time)
                        + nonZero(out, path + ".bps", Math.round(r.mbps() * 1e6), time)
                        + nonZero(out, path + ".flows", Math.round(r.flows()), time);
            }
        }
        return new UnsentBatches.Batch(out.toString(), points);
    }

    private static int nonZero(StringBuilder out, String path, long value, String time) {
        if (value == 0) {
            return 0;
        }
        out.append(path).append(' ').append(value).append(time);
        return 1;
    }
}
