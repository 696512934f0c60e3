package fastnetmon.capture;

import fastnetmon.capture.file.CaptureFileReader;
import fastnetmon.counters.CounterShard;
import fastnetmon.detection.Evaluator;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Replays a capture file through the pipeline as fast as it can be read: parse, count, and run the
 * evaluator at every second boundary of the packets' own timestamps, so a replay is deterministic.
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

    public static Result run(Path file, CounterShard shard, Evaluator evaluator) throws IOException {
        PacketRecord rec = new PacketRecord();
        long packets = 0, bytes = 0, first = 0, last = 0;
        long currentSecond = Long.MIN_VALUE;
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            while (reader.next()) {
                long ts = reader.timestampNanos();
                long sec = Math.floorDiv(ts, 1_000_000_000L);
                // Packets a little out of order stay in the current second; time never runs backwards.
                if (sec > currentSecond) {
                    if (currentSecond != Long.MIN_VALUE) {
                        shard.publish();
                        evaluator.tick((currentSecond + 1) * 1_000_000_000L);
                    } else {
                        first = ts;
                    }
                    currentSecond = sec;
                    shard.onSecond(sec);
                }
                int wire = reader.wireLength();
                if (PacketParser.parse(reader.linkType(), reader.buffer(), reader.offset(), reader.capturedLength(), wire,
                        rec) == PacketParser.PARSED) {
                    rec.timestampNanos = ts;
                    shard.count(rec);
                } else {
                    shard.countUnparsed();
                }
                packets++;
                bytes += wire;
                if (ts > last) {
                    last = ts;
                }
            }
            if (currentSecond != Long.MIN_VALUE) {
                shard.publish();
                evaluator.tick((currentSecond + 1) * 1_000_000_000L);
            }
            return new Result(packets, bytes, first, last, reader.truncatedAtEnd());
        }
    }
}
