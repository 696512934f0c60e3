package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.config.TrafficClass;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The busiest hosts by average, per direction and sort key, for the view. Only this second's hosts and
 * the previous top hosts can be in the next top lists (every other host's average only decayed), so
 * each tick looks at those alone, with a min-heap of the best so far in primitive arrays.
 *
 * <p>Threading: the evaluator's thread only; the lists it returns are immutable.
 */
final class TopHosts {
    /** How many hosts each top list keeps (the console shows max_ips_in_list of them, the API up to this). */
    static final int SIZE = 100;

    private final HostTable hosts;
    private final Averages averages;
    private int[] candidates = new int[0];
    private final int[] heap = new int[SIZE];

    TopHosts(HostTable hosts, Averages averages) {
        this.hosts = hosts;
        this.averages = averages;
    }

    /** The top lists (unmodifiable) after the second ending at {@code nowSecond}, whose hosts are in {@code second}. */
    Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> update(CountsByHost second, long nowSecond) {
        int[] pool = Arrays.copyOf(second.hosts(), second.size() + candidates.length);
        int n = second.size();
        for (int host : candidates) {
            if (averages.averagedAt(host) != nowSecond) {
                averages.decayTo(host, nowSecond);
                pool[n++] = host;
            }
        }
        Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> top = new EnumMap<>(Direction.class);
        int[] next = new int[Direction.PER_HOST.size() * SortKey.values().length * SIZE];
        int nextCount = 0;
        for (Direction dir : Direction.PER_HOST) {
            Map<SortKey, List<TrafficView.HostRate>> byKey = new EnumMap<>(SortKey.class);
            for (SortKey key : SortKey.values()) {
                int off = CounterShard.counter(dir, TrafficClass.TOTAL, key.ordinal()); // packets, bytes, flows
                int size = select(pool, n, off);
                List<TrafficView.HostRate> list = new ArrayList<>(size);
                for (int k = 0; k < size; k++) {
                    list.add(rate(heap[k], dir));
                    next[nextCount++] = heap[k];
                }
                byKey.put(key, List.copyOf(list));
            }
            top.put(dir, Collections.unmodifiableMap(byKey));
        }
        candidates = Arrays.copyOf(next, nextCount);
        return Collections.unmodifiableMap(top);
    }

    /**
     * The up to {@link #SIZE} hosts of {@code pool[0, n)} with the highest average at counter offset
     * {@code off} (at least 0.5 a second), into {@code heap} busiest first; returns how many.
     */
    private int select(int[] pool, int n, int off) {
        int size = 0;
        for (int c = 0; c < n; c++) {
            int host = pool[c];
            double v = averages.value(host, off);
            if (v < 0.5) {
                continue;
            }
            if (size < heap.length) {
                heap[size] = host;
                siftUp(size++, off);
            } else if (v > averages.value(heap[0], off)) {
                heap[0] = host;
                siftDown(size, off);
            }
        }
        // Heap sort into descending order: repeatedly move the smallest to the end.
        for (int end = size - 1; end > 0; end--) {
            int t = heap[0];
            heap[0] = heap[end];
            heap[end] = t;
            siftDown(end, off);
        }
        return size;
    }

    private void siftUp(int i, int off) {
        int[] h = heap;
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (averages.value(h[i], off) >= averages.value(h[parent], off)) {
                return;
            }
            int t = h[i];
            h[i] = h[parent];
            h[parent] = t;
            i = parent;
        }
    }

    private void siftDown(int size, int off) {
        int[] h = heap;
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, smallest = i;
            if (l < size && averages.value(h[l], off) < averages.value(h[smallest], off)) {
                smallest = l;
            }
            if (r < size && averages.value(h[r], off) < averages.value(h[smallest], off)) {
                smallest = r;
            }
            if (smallest == i) {
                return;
            }
            int t = h[i];
            h[i] = h[smallest];
            h[smallest] = t;
            i = smallest;
        }
    }

    private TrafficView.HostRate rate(int host, Direction dir) {
        return new TrafficView.HostRate(hosts.ip(host),
                averages.value(host, CounterShard.counter(dir, TrafficClass.TOTAL, 0)),
                averages.value(host, CounterShard.counter(dir, TrafficClass.TOTAL, 1)) * 8 / 1e6,
                averages.value(host, CounterShard.counter(dir, TrafficClass.TOTAL, 2)));
    }
}
