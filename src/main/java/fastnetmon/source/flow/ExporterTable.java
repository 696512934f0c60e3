package fastnetmon.source.flow;

import fastnetmon.networks.IpAddresses;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded table of exporters of one {@link FlowDecoder}, keyed by the datagrams' source address.
 * Threading: {@link #find} only on the decoding thread; {@link #exporters()} and {@link #refused()} from any
 * thread (a new exporter is published through a copy-on-write list, which only changes when one appears).
 * Exporters are never removed: a full table refuses new ones and counts their datagrams.
 */
final class ExporterTable {
    private final int max;
    private final FlowDecoderSettings settings;
    // Open addressing on (hi, lo), never more than half full, no removal.
    private final long[] his, los;
    private final ExporterState[] states;
    private final int mask;
    private final List<FlowExporter> published = new CopyOnWriteArrayList<>();
    private final AtomicLong refused = new AtomicLong();
    /** Shared by the exporters' template tables. */
    final TemplateBudget budget = new TemplateBudget();
    private int size;
    private ExporterState last;

    ExporterTable(FlowDecoderSettings settings) {
        this.settings = settings;
        this.max = settings.maxExporters();
        int cap = Integer.highestOneBit(Math.max(4, max) * 2 - 1) << 1;
        his = new long[cap];
        los = new long[cap];
        states = new ExporterState[cap];
        mask = cap - 1;
    }

    /** The exporter's state, created on its first datagram; null when the table is full (counted). */
    ExporterState find(long hi, long lo) {
        ExporterState s = last;
        if (s != null && s.exporter.addressHi() == hi && s.exporter.addressLo() == lo) {
            return s;
        }
        int i = hash(hi, lo) & mask;
        while (true) {
            s = states[i];
            if (s == null) {
                break;
            }
            if (his[i] == hi && los[i] == lo) {
                last = s;
                return s;
            }
            i = (i + 1) & mask;
        }
        if (size >= max) {
            refused.incrementAndGet();
            return null;
        }
        s = new ExporterState(new FlowExporter(IpAddresses.format(hi, lo), hi, lo), settings, budget);
        his[i] = hi;
        los[i] = lo;
        states[i] = s;
        size++;
        published.add(s.exporter);
        last = s;
        return s;
    }

    Collection<FlowExporter> exporters() {
        return Collections.unmodifiableList(published);
    }

    long refused() {
        return refused.get();
    }

    private static int hash(long hi, long lo) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ lo;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 31) ^ (h >>> 47));
    }
}
