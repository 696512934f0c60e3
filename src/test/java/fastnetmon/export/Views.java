package fastnetmon.export;

import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import fastnetmon.detection.TrafficView.HostRate;
import fastnetmon.detection.TrafficView.Rate;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Detector views for the export tests, as the evaluator publishes them. */
final class Views {
    private Views() {
    }

    /**
     * The view of Unix second {@code second}, every figure times {@code k}: totals per direction; incoming top
     * lists 10.0.0.1 (every list) and 10.0.0.2 (packets only, no flows); outgoing 10.0.0.1 and 2001:db8::5.
     */
    static TrafficView at(long second, int k) {
        Map<Direction, Rate> totals = new EnumMap<>(Direction.class);
        totals.put(Direction.INCOMING, new Rate(1000 * k, 8.0 * k, 12 * k));
        totals.put(Direction.OUTGOING, new Rate(500 * k, 2.5 * k, 7 * k));
        totals.put(Direction.INTERNAL, new Rate(10 * k, 0.08 * k, 0));
        totals.put(Direction.OTHER, new Rate(0, 0, 0));
        HostRate in1 = new HostRate("10.0.0.1", 600 * k, 4.8 * k, 5 * k);
        HostRate in2 = new HostRate("10.0.0.2", 300 * k, 2.4 * k, 0);
        HostRate out1 = new HostRate("10.0.0.1", 200 * k, 1.6 * k, 2 * k);
        HostRate out6 = new HostRate("2001:db8::5", 100 * k, 0.8 * k, 1 * k);
        Map<Direction, Map<SortKey, List<HostRate>>> top = new EnumMap<>(Direction.class);
        top.put(Direction.INCOMING, Map.of(SortKey.PACKETS, List.of(in1, in2), SortKey.BYTES, List.of(in1),
                SortKey.FLOWS, List.of(in1)));
        top.put(Direction.OUTGOING, Map.of(SortKey.PACKETS, List.of(out1, out6), SortKey.BYTES, List.of(out1, out6),
                SortKey.FLOWS, List.of(out6, out1)));
        return new TrafficView(second * 1_000_000_000L + 250_000_000L, totals, top, List.of());
    }

    /** A view of {@code hosts} incoming hosts (10.x.y.z), each in the packets list: a large push. */
    static TrafficView large(long second, int hosts) {
        List<HostRate> list = new ArrayList<>(hosts);
        for (int i = 0; i < hosts; i++) {
            list.add(new HostRate("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1000 + i, 12.5, 3));
        }
        TrafficView small = at(second, 1);
        return new TrafficView(small.timeNanos(), small.totals(),
                Map.of(Direction.INCOMING, Map.of(SortKey.PACKETS, list)), List.of());
    }
}
