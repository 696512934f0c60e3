package fastnetmon.source.flow;

import fastnetmon.counters.CounterShard;
import fastnetmon.source.file.CaptureFileReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Replays a capture file of exported datagrams (what {@code tcpdump -w} records on the collector's port)
 * through the same decoders and time attribution as the live collectors, on the capture's timestamps:
 * the clock is the packet time, a second is counted when the packet time has moved the export lag past
 * it, and the evaluator ticks after each counted second. One thread, so the result is deterministic.
 */
public final class ExportReplay {
    private ExportReplay() {
    }

    /**
     * What was read. {@code frames}: packets in the file; {@code datagrams}: the UDP datagrams among them
     * handed to the decoders; {@code exporters}: by address.
     */
    public record Result(long frames, long bytes, long datagrams, long records, long firstNanos, long lastNanos,
                         boolean truncatedAtEnd, int lagSeconds, long movedForward, List<FlowExporter> exporters) {
        public double seconds() {
            return frames == 0 ? 0 : (lastNanos - firstNanos) / 1e9;
        }
    }

    /**
     * @param s     the ports decide the protocol as in the live collectors (a datagram to another port is
     *              decoded by its version field); buffer size and lag bound as configured
     * @param tick  called with the capture's time (ns, whole seconds) at which a second is counted, to run the evaluator
     */
    public static Result run(Path file, FlowSettings s, CounterShard shard, LongConsumer tick) throws IOException {
        FlowPorts ports = new FlowPorts(s.sflowPorts(), s.netflowPorts());
        UdpLocator udp = new UdpLocator();
        long frames = 0, bytes = 0, datagrams = 0, first = 0, last = 0;
        long second = Long.MIN_VALUE;
        try (FlowPipeline p = new FlowPipeline("export replay " + file.getFileName(), ports, s.decoder(), shard,
                s.bufferRecords(), s.maxLag(), null);
             CaptureFileReader reader = CaptureFileReader.open(file)) {
            p.attribution().onReleased((sec, at) -> tick.accept(at * 1_000_000_000L));
            try {
                while (reader.next()) {
                    long ts = reader.timestampNanos();
                    if (frames == 0) {
                        first = ts;
                    }
                    frames++;
                    bytes += reader.wireLength();
                    last = Math.max(last, ts);
                    long sec = Math.floorDiv(ts, 1_000_000_000L);
                    if (sec > second) { // a packet a little out of order stays in the current second
                        p.endOfRound();
                        second = sec;
                        p.onSecond(sec);
                    }
                    if (udp.locate(reader.linkType(), reader.buffer(), reader.offset(), reader.capturedLength())) {
                        datagrams++;
                        p.datagram(reader.buffer(), udp.payloadOffset, udp.payloadLength, udp.dstPort, udp.srcHi, udp.srcLo,
                                Math.max(ts, second * 1_000_000_000L));
                    }
                }
            } finally {
                // what was read before a corrupt record is counted and evaluated
                p.endOfRound();
                p.drain();
            }
            List<FlowExporter> exporters = new ArrayList<>(p.exporters());
            exporters.sort(Comparator.comparing(FlowExporter::address));
            return new Result(frames, bytes, datagrams, p.records(), first, last, reader.truncatedAtEnd(), p.lagSeconds(),
                    p.movedForward(), exporters);
        }
    }
}
