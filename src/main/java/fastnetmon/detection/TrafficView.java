package fastnetmon.detection;

import fastnetmon.counters.Direction;

import java.util.List;
import java.util.Map;

/**
 * What the console and the API show, published by the evaluator at the end of every tick and safe to
 * read from any thread: traffic per direction, the top hosts per direction and sort key, and the bans.
 * Rates are averages over average_calculation_time, as on FastNetMon's screen.
 *
 * @param totals per direction (incoming, outgoing, internal, other): packets/s, megabits/s and, for
 *               incoming and outgoing, flows/s summed over hosts
 * @param top    for incoming and outgoing, the busiest hosts by each sort key, busiest first
 */
public record TrafficView(long timeNanos, Map<Direction, Rate> totals, Map<Direction, Map<SortKey, List<HostRate>>> top,
                          List<Attack> bans) {

    public record Rate(double pps, double mbps, double flows) {
    }

    public record HostRate(String ip, double pps, double mbps, double flows) {
        public double value(SortKey key) {
            return switch (key) {
                case PACKETS -> pps;
                case BYTES -> mbps;
                case FLOWS -> flows;
            };
        }
    }

    public List<HostRate> top(Direction direction, SortKey key) {
        Map<SortKey, List<HostRate>> byKey = top.get(direction);
        return byKey == null ? List.of() : byKey.getOrDefault(key, List.of());
    }

    /**
     * The hosts of one direction's top lists, each once: the first {@code perKey} of the packets list, then
     * of the bytes list, then of the flows list, in that order (what the metrics, the time series and
     * Redis's live view show of the busiest hosts).
     */
    public List<HostRate> busiest(Direction direction, int perKey) {
        Map<String, HostRate> byIp = new java.util.LinkedHashMap<>();
        for (SortKey key : SortKey.values()) {
            List<HostRate> list = top(direction, key);
            for (HostRate h : list.subList(0, Math.min(perKey, list.size()))) {
                byIp.putIfAbsent(h.ip(), h);
            }
        }
        return List.copyOf(byIp.values());
    }

    public static TrafficView empty() {
        Map<Direction, Rate> t = new java.util.EnumMap<>(Direction.class);
        for (Direction d : Direction.values()) {
            t.put(d, new Rate(0, 0, 0));
        }
        return new TrafficView(0, t, Map.of(), List.of());
    }
}
