package fastnetmon.bench;

import fastnetmon.Detector;
import fastnetmon.cluster.CounterBatch;
import fastnetmon.cluster.WantedSamples;
import fastnetmon.cluster.SensorCounters;
import fastnetmon.cluster.SensorBatches;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.TestShards;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.detection.Evaluator;
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
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The aggregator's evaluator side: each of {@value #SENSORS} sensors sends the same {@value #HOSTS}
 * hosts (one packet each, in batches of {@value #BATCH_HOSTS}), which its {@link SensorCounters} decodes and applies in
 * {@link HostCounters#read}. Scores are host records per second on one core (sensors times hosts per
 * invocation). Run with bench/jmh (never part of mvn test).
 *
 * <ul>
 * <li>{@code decodeAndApply}: the four reads into changes that do nothing (the counters' own cost).</li>
 * <li>{@code decodeApplyAndTick}: the same read by a real evaluator's tick (host table, sliding window,
 * averages, checks, top lists).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SensorCountersBenchmark {
    static final int HOSTS = 100_000;
    static final int SENSORS = 4;
    /** Hosts in a sensor's batch at most (its publisher's PartitionBatches.MAX_HOSTS). */
    static final int BATCH_HOSTS = 16_384;
    static final long NANOS = 1_000_000_000L;


    @State(Scope.Thread)
    public static class Sensors {
        final long second = 1_767_225_600L;
        final SensorCounters[] counters = new SensorCounters[SENSORS];
        /** Per sensor, its batches of at most {@value #BATCH_HOSTS} hosts (as a sensor splits them). */
        final byte[][][] batches = new byte[SENSORS][][];
        Detector detector;
        Evaluator evaluator;
        long tickSecond = second;

        @Setup(Level.Trial)
        public void start() throws IOException {
            WantedSamples requests = new WantedSamples();
            for (int s = 0; s < SENSORS; s++) {
                counters[s] = new SensorCounters("s" + s, false, 4 * HOSTS, requests, MonitoredNetworks.NONE,
                        Duration.ofSeconds(5), () -> second * NANOS);
                batches[s] = new byte[(HOSTS + BATCH_HOSTS - 1) / BATCH_HOSTS][];
                for (int i = 0; i < batches[s].length; i++) {
                    CounterBatch b = SensorBatches.batch("s" + s, 0, i, second * NANOS);
                    for (int h = i * BATCH_HOSTS; h < Math.min(HOSTS, (i + 1) * BATCH_HOSTS); h++) {
                        SensorBatches.host(b, "10." + (h >> 16) + "." + ((h >> 8) & 0xff) + "." + (h & 0xff), 1, 64);
                    }
                    batches[s][i] = SensorBatches.bytes(b);
                }
            }
        }

        /** The evaluator over the same counters (made for the benchmark that needs it). */
        Evaluator evaluator() throws IOException {
            if (evaluator == null) {
                detector = BenchData.detector();
                evaluator = detector.startEvaluator();
                for (SensorCounters c : counters) {
                    evaluator.addCounters(c);
                }
            }
            return evaluator;
        }

        void offer() {
            for (int s = 0; s < SENSORS; s++) {
                for (byte[] b : batches[s]) {
                    if (!counters[s].offer(b, second * NANOS)) {
                        throw new IllegalStateException("batch dropped");
                    }
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (detector != null) {
                detector.actions().close();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SENSORS * HOSTS)
    public void decodeAndApply(Sensors s) {
        s.offer();
        for (SensorCounters c : s.counters) {
            c.read(s.second, TestShards.NO_CHANGES);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SENSORS * HOSTS)
    public void decodeApplyAndTick(Sensors s) throws IOException {
        Evaluator e = s.evaluator();
        s.offer();
        e.tick((s.tickSecond + 1) * NANOS);
        s.tickSecond++;
    }
}
