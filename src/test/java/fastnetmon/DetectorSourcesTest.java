package fastnetmon;

import fastnetmon.testing.Eventually;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.ShardFactory;
import fastnetmon.detection.Evaluator;
import fastnetmon.packet.PacketParser;
import fastnetmon.source.PacketCounter;
import fastnetmon.source.Source;
import fastnetmon.source.SourceRunner;
import fastnetmon.tools.FrameBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sources started before and after the evaluator count into one detector, each in its own shard. */
class DetectorSourcesTest {
    @TempDir
    Path dir;

    private Configuration config() throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\nnotify_script_enabled = off\nprometheus = off\n"
                + "attack_details_folder = " + dir.resolve("attacks") + "\n");
        return Configuration.load(f);
    }

    /** Sends {@code total} copies of one frame, {@code perRound} per round, then idles. */
    static final class FrameSource implements Source {
        private final String name;
        private final PacketCounter counter;
        private final ByteBuffer frame;
        private final int total, perRound;
        private final AtomicInteger sent = new AtomicInteger();

        FrameSource(String name, ShardFactory shards, byte[] frame, int total, int perRound) {
            this.name = name;
            this.counter = new PacketCounter(shards.newShard(name));
            this.frame = ByteBuffer.wrap(frame);
            this.total = total;
            this.perRound = perRound;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int doWork() {
            int n = Math.min(perRound, total - sent.get());
            if (n == 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            }
            for (int i = 0; i < n; i++) {
                counter.frame(PacketParser.LINKTYPE_ETHERNET, frame, 0, frame.limit(), frame.limit(), System.nanoTime());
            }
            counter.endBatch();
            sent.addAndGet(n);
            return n;
        }

        @Override
        public void onSecond(long epochSecond) {
            counter.onSecond(epochSecond);
        }

        @Override
        public long received() {
            return sent.get();
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static long incoming(Evaluator e) {
        return e.totals()[CounterShard.totalIndex(Direction.INCOMING, 4, 0)];
    }

    @Test
    void aSourceStartedAfterTheEvaluatorIsCountedFromTheNextTick() throws Exception {
        Detector detector = new Detector(config());
        byte[] toA = FrameBuilder.ipv4("192.0.2.1", "10.0.0.1").udp(1000, 53).ethernet();
        byte[] toB = FrameBuilder.ipv4("192.0.2.2", "10.0.0.2").tcp(1000, 80, 0x02).ethernet();
        FrameSource a = new FrameSource("a", detector, toA, 1000, 100);
        Evaluator evaluator = detector.startEvaluator();
        SourceRunner ra = detector.startSource(a);
        waitFor(() -> a.received() == 1000);
        evaluator.tick(System.currentTimeMillis() * 1_000_000L);
        assertEquals(1000, incoming(evaluator));

        FrameSource b = new FrameSource("b", detector, toB, 777, 64); // shard made after the start
        detector.startSource(b);
        waitFor(() -> b.received() == 777);
        evaluator.tick(System.currentTimeMillis() * 1_000_000L);
        assertEquals(1777, incoming(evaluator));
        assertEquals(2, detector.shards().size());
        assertEquals(2, detector.sources().size());
        assertEquals(1777, detector.sources().stream().mapToLong(Source::received).sum());

        detector.stopSources();
        assertFalse(ra.running());
        detector.actions().close(Duration.ofSeconds(10));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Eventually.until(java.time.Duration.ofSeconds(10), condition, "the condition");
    }
}
