package fastnetmon.source.flow;

import java.nio.ByteBuffer;

/**
 * NetFlow v9 / IPFIX data sets that arrived before their template, held (copied) for at most
 * {@link #MAX_AGE_NANOS} of arrival time and at most {@code max} sets per decoder (each at most 64 KiB), and
 * decoded when the template arrives. What does not fit or grows too old is dropped and counted on its
 * exporter. Allocates only on this rare path. Decoding thread only.
 */
final class PendingSets {
    static final long MAX_AGE_NANOS = 30_000_000_000L;

    /** One held data set and what its datagram's header said. */
    static final class Held {
        ExporterState st;
        FlowProtocol protocol;
        long domain, sysUptime, exportNanos, arrivalNanos;
        int templateId;
        ByteBuffer set; // the set's records, position 0 to limit

        void clear() {
            st = null;
            set = null;
        }
    }

    private final Held[] ring;
    private int head, size;

    PendingSets(int max) {
        ring = new Held[max];
        for (int i = 0; i < max; i++) {
            ring[i] = new Held();
        }
    }

    /** Holds a copy of {@code buf[from, to)} (a data set's records); drops the oldest when full. */
    void hold(ExporterState st, FlowProtocol protocol, long domain, int templateId, long sysUptime, long exportNanos,
              long arrivalNanos, ByteBuffer buf, int from, int to) {
        if (ring.length == 0) {
            return;
        }
        expire(arrivalNanos);
        if (size == ring.length) {
            drop(ring[head]);
            head = (head + 1) % ring.length;
            size--;
        }
        Held h = ring[(head + size) % ring.length];
        size++;
        byte[] copy = new byte[to - from];
        buf.get(from, copy);
        h.st = st;
        h.protocol = protocol;
        h.domain = domain;
        h.templateId = templateId;
        h.sysUptime = sysUptime;
        h.exportNanos = exportNanos;
        h.arrivalNanos = arrivalNanos;
        h.set = ByteBuffer.wrap(copy);
    }

    /** Takes out, oldest first, the sets held for this template and gives each to {@code decode}. */
    void release(ExporterState st, FlowProtocol protocol, long domain, int templateId, long nowNanos, java.util.function.Consumer<Held> decode) {
        expire(nowNanos);
        int kept = 0;
        int n = size;
        for (int i = 0; i < n; i++) {
            Held h = ring[(head + i) % ring.length];
            if (h.st == st && h.protocol == protocol && h.domain == domain && h.templateId == templateId) {
                decode.accept(h);
                st.exporter.add(FlowExporter.PENDING_DECODED, 1);
                h.clear();
            } else {
                // compact: keep the others in order
                Held target = ring[(head + kept) % ring.length];
                if (target != h) {
                    ring[(head + kept) % ring.length] = h;
                    ring[(head + i) % ring.length] = target;
                }
                kept++;
            }
        }
        size = kept;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private void expire(long nowNanos) {
        while (size > 0 && nowNanos - ring[head].arrivalNanos > MAX_AGE_NANOS) {
            drop(ring[head]);
            head = (head + 1) % ring.length;
            size--;
        }
    }

    private static void drop(Held h) {
        h.st.exporter.add(FlowExporter.PENDING_DROPPED, 1);
        h.clear();
    }
}
