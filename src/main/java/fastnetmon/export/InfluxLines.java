package fastnetmon.export;

import fastnetmon.counters.Direction;
import fastnetmon.detection.TrafficView;
import fastnetmon.detection.TrafficView.HostRate;

/**
 * One push of a view in InfluxDB's line protocol, with FastNetMon CE's measurements, tags and fields:
 * {@code total_traffic} (tag {@code direction}: packets, bits and, incoming and outgoing, flows per second)
 * and, per active host ({@link ActiveHosts}), {@code hosts_traffic} or, for IPv6 hosts,
 * {@code hosts_ipv6_traffic} (tag {@code host}: {@code packets_incoming}, {@code bits_incoming},
 * {@code flows_incoming} and the same {@code _outgoing}). Timestamps in whole seconds (write with
 * {@code precision=s}). Values are whole numbers written without the {@code i} suffix, as CE writes them, so
 * that InfluxDB stores them as floats and a database CE wrote to takes ours without a field type conflict.
 * Stateless.
 */
final class InfluxLines {
    static final String TOTALS = "total_traffic";
    static final String HOSTS = "hosts_traffic";
    static final String HOSTS_IPV6 = "hosts_ipv6_traffic";

    private InfluxLines() {
    }

    /** The view's lines at {@code second} (Unix time). Tag values need no escaping: directions and IP addresses. */
    static UnsentBatches.Batch of(TrafficView view, long second) {
        StringBuilder out = new StringBuilder(4096);
        int points = 0;
        for (Direction d : Direction.values()) {
            TrafficView.Rate r = view.totals().get(d);
            if (r == null) {
                continue;
            }
            out.append(TOTALS).append(",direction=").append(d.text())
                    .append(" packets=").append(Math.round(r.pps()))
                    .append(",bits=").append(Math.round(r.mbps() * 1e6));
            if (d.perHost()) {
                out.append(",flows=").append(Math.round(r.flows()));
            }
            out.append(' ').append(second).append('\n');
            points++;
        }
        for (ActiveHosts.Host h : ActiveHosts.of(view).hosts()) {
            out.append(h.ipv6() ? HOSTS_IPV6 : HOSTS).append(",host=").append(h.ip());
            char separator = ' ';
            for (Direction d : Direction.PER_HOST) {
                HostRate r = h.rate(d);
                if (r != null) {
                    out.append(separator).append("packets_").append(d.text()).append('=').append(Math.round(r.pps()))
                            .append(",bits_").append(d.text()).append('=').append(Math.round(r.mbps() * 1e6))
                            .append(",flows_").append(d.text()).append('=').append(Math.round(r.flows()));
                    separator = ',';
                }
            }
            out.append(' ').append(second).append('\n');
            points++;
        }
        return new UnsentBatches.Batch(out.toString(), points);
    }
}
