package fastnetmon.source;

import fastnetmon.source.file.CaptureFileReader;
import fastnetmon.counters.CounterShard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Replays a capture file through the pipeline as fast as it can be read: parse, count, and hand the end
 * of every tick period of the packets' own timestamps to a {@link Ticks} (the replay mode ticks the
 * evaluator there), so a replay is deterministic. Single thread: the caller's.
 */
public final class FileReplay {
    private FileReplay() {
    }

    /** Where a replay's ticks go: the evaluator's. */
    @FunctionalInterface
    public interface Ticks {
        /** The traffic of the {@code coveredNanos} before {@code endNanos} (packet time) is counted and published. */
        void tick(long endNanos, long coveredNanos);
    }

    /** What was read. Bytes are wire lengths. */
    public record Result(long packets, long bytes, long firstNanos, long lastNanos, boolean truncatedAtEnd) {
        public double seconds() {
            return packets == 0 ? 0 : (lastNanos - firstNanos) / 1e9;
        }
    }

    /**
     * @param tickNanos how long a tick period is (an evaluator setting)
     * @param ticks     called with the end of each period of packet time that had packets, once its packets
     *                  are counted and published, last after the last packet; also at the start of a
     *                  second after a quiet gap (with nothing counted), so every second's ticks add up to
     *                  that second alone
     */
    public static Result run(Path file, CounterShard shard, long tickNanos, Ticks ticks) throws IOException {
        Pipeline p = new Pipeline(shard, tickNanos, ticks);
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            try {
                while (reader.next()) {
                    p.packet(reader.linkType(), reader.buffer(), reader.offset(), reader.capturedLength(),
                            reader.wireLength(), reader.timestampNanos());
                }
            } catch (IOException | RuntimeException e) {
                p.flush(); // what was read before a corrupt record is counted, as when counting one by one
                throw e;
            }
            p.finish();
            return p.result(reader.truncatedAtEnd());
        }
    }

    /**
     * The per-packet stage of a replay without the file: count through a {@link PacketCounter}, and
     * end the period when a packet starts a later one (after the earlier period's packets are counted).
     * Benchmarks feed it frames from memory. Single thread, allocation-free.
     */
    public static final class Pipeline {
        private static final long SECOND = 1_000_000_000L;
        private final PacketCounter counter;
        private final long tickNanos;
        private final Ticks ticks;
        private long packets, bytes, first, last;
        private long currentPeriod = Long.MIN_VALUE;
        private long currentSecond = Long.MIN_VALUE;
        /** Where the period after {@code currentPeriod} starts: one comparison per packet instead of a division. */
        private long nextPeriodNanos = Long.MIN_VALUE;

        public Pipeline(CounterShard shard, long tickNanos, Ticks ticks) {
            if (tickNanos <= 0) {
                throw new IllegalArgumentException("a tick period must be positive: " + tickNanos + " ns");
            }
            this.counter = new PacketCounter(shard);
            this.tickNanos = tickNanos;
            this.ticks = ticks;
        }

        /** One captured frame: {@code capturedLength} bytes at {@code offset} in {@code buf}, read with absolute gets. */
        public void packet(int linkType, ByteBuffer buf, int offset, int capturedLength, int wireLength, long ts) {
            // Packets a little out of order stay in the current period; time never runs backwards.
            if (ts >= nextPeriodNanos) {
                long period = Math.floorDiv(ts, tickNanos);
                if (period > currentPeriod) {
                    newPeriod(period, ts);
                }
            }
            counter.frame(linkType, buf, offset, capturedLength, wireLength, ts);
            packets++;
            bytes += wireLength;
            if (ts > last) {
                last = ts;
            }
        }

        /** Counts what was read so far (before a corrupt record ends the replay). */
        void flush() {
            counter.endBatch();
        }

        private void newPeriod(long period, long ts) {
            long start = period * tickNanos;
            long second = Math.floorDiv(start, SECOND);
            if (currentPeriod != Long.MIN_VALUE) {
                endPeriod();
                long secondStart = second * SECOND;
                if (second > currentSecond && secondStart < start && secondStart > (currentPeriod + 1) * tickNanos) {
                    ticks.tick(secondStart, tickNanos); // after a gap: the new second's ticks start on its own
                }
            } else {
                first = ts;
            }
            currentPeriod = period;
            nextPeriodNanos = period < Long.MAX_VALUE / tickNanos ? start + tickNanos : Long.MAX_VALUE;
            if (second != currentSecond) {
                currentSecond = second;
                counter.onSecond(second);
            }
        }

        private void endPeriod() {
            counter.endBatch();
            long end = (currentPeriod + 1) * tickNanos;
            // The first period counts from the first packet: the replay saw nothing before it.
            ticks.tick(end, Math.min(tickNanos, end - first));
        }

        /** Counts what is pending and evaluates the last period; call once after the last packet. */
        public void finish() {
            if (currentPeriod != Long.MIN_VALUE) {
                endPeriod();
            } else {
                counter.endBatch();
            }
        }

        public Result result(boolean truncatedAtEnd) {
            return new Result(packets, bytes, first, last, truncatedAtEnd);
        }
    }
}
