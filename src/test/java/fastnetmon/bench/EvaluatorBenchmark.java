package fastnetmon.bench;

import fastnetmon.Detector;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.TestPackets;
import fastnetmon.detection.Evaluator;
import fastnetmon.packet.PacketRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The evaluator's side with many active hosts, where {@link PipelineBenchmark}'s 2500 hosts hardly show
 * it: every second each of {@value #HOSTS} monitored hosts gets one packet, then the evaluator ticks.
 * Scores are hosts per second. Run with bench/jmh (never part of mvn test).
 *
 * <ul>
 * <li>{@code countAndTick}: count the second's packets, then the tick (read, rates, averages, checks,
 * top lists).</li>
 * <li>{@code countOnly}: the same packets without ticks; the difference is what the tick costs.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EvaluatorBenchmark {
    static final int HOSTS = 100_000;

    @State(Scope.Thread)
    public static class Running {
        Detector detector;
        CounterShard shard;
        Evaluator evaluator;
        PacketRecord[][] batches;
        long second = 1_767_225_600L;

        @Setup(Level.Trial)
        public void start() throws IOException {
            detector = BenchData.detector();
            shard = detector.newShard("bench");
            evaluator = detector.startEvaluator();
            batches = new PacketRecord[(HOSTS + 63) / 64][];
            for (int h = 0; h < HOSTS; h++) {
                if (h % 64 == 0) {
                    batches[h / 64] = new PacketRecord[Math.min(64, HOSTS - h)];
                }
                batches[h / 64][h % 64] = TestPackets.udp("198.51.100.7", 1000 + (h & 0x3fff),
                        "10." + (h >> 16) + "." + ((h >> 8) & 0xff) + "." + (h & 0xff), 53);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            detector.actions().close();
        }

        void countSecond() {
            shard.onSecond(second);
            for (PacketRecord[] batch : batches) {
                shard.countBatch(batch, batch.length);
            }
            shard.publish();
        }
    }

    @Benchmark
    @OperationsPerInvocation(HOSTS)
    public void countAndTick(Running s) {
        s.countSecond();
        s.evaluator.tick((s.second + 1) * 1_000_000_000L);
        s.second++;
    }

    @Benchmark
    @OperationsPerInvocation(HOSTS)
    public void countOnly(Running s) {
        s.countSecond();
        s.second++;
    }
}
