package fastnetmon.source;

import fastnetmon.source.file.CaptureFileReader;
import fastnetmon.counters.CounterShard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Replays a capture file through the pipeline as fast as it can be read: parse, count, and hand every
 * second boundary of the packets' own timestamps to {@code secondEnded} (the replay mode ticks the
 * evaluator there), so a replay is deterministic. Single thread: the caller's.
 */
public final class FileReplay {
    private FileReplay() {
    }

    /** What was read. Bytes are wire lengths. */
    public record Result(long packets, long bytes, long firstNanos, long lastNanos, boolean truncatedAtEnd) {
        public double seconds() {
            return packets == 0 ? 0 : (lastNanos - firstNanos) / 1e9;
        }
    }

    /**
     * @param secondEnded called with the end of each second of packet time (epoch nanoseconds) once that
     *                    second's packets are counted and published, last after the last packet
     */
    public static Result run(Path file, CounterShard shard, LongConsumer secondEnded) throws IOException {
        Pipeline p = new Pipeline(shard, secondEnded);
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
     * end the second when a packet starts a later second (after the earlier second's packets are
     * counted). Benchmarks feed it frames from memory. Single thread, allocation-free.
     */
    public static final class Pipeline {
        private final PacketCounter counter;
        private final LongConsumer secondEnded;
        private long packets, bytes, first, last;
        private long currentSecond = Long.MIN_VALUE;
        /** Where the second after {@code currentSecond} starts: one comparison per packet instead of a division. */
        private long nextSecondNanos = Long.MIN_VALUE;

        public Pipeline(CounterShard shard, LongConsumer secondEnded) {
            this.counter = new PacketCounter(shard);
            this.secondEnded = secondEnded;
        }

        /** One captured frame: {@code capturedLength} bytes at {@code offset} in {@code buf}, read with absolute gets. */
        public void packet(int linkType, ByteBuffer buf, int offset, int capturedLength, int wireLength, long ts) {
            // Packets a little out of order stay in the current second; time never runs backwards.
            if (ts >= nextSecondNanos) {
                long sec = Math.floorDiv(ts, 1_000_000_000L);
                if (sec > currentSecond) {
                    newSecond(sec, ts);
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

        private void newSecond(long sec, long ts) {
            if (currentSecond != Long.MIN_VALUE) {
                counter.endBatch();
                secondEnded.accept((currentSecond + 1) * 1_000_000_000L);
            } else {
                first = ts;
            }
            currentSecond = sec;
            nextSecondNanos = sec < Long.MAX_VALUE / 1_000_000_000L ? (sec + 1) * 1_000_000_000L : Long.MAX_VALUE;
            counter.onSecond(sec);
        }

        /** Counts what is pending and evaluates the last second; call once after the last packet. */
        public void finish() {
            counter.endBatch();
            if (currentSecond != Long.MIN_VALUE) {
                secondEnded.accept((currentSecond + 1) * 1_000_000_000L);
            }
        }

        public Result result(boolean truncatedAtEnd) {
            return new Result(packets, bytes, first, last, truncatedAtEnd);
        }
    }
}
