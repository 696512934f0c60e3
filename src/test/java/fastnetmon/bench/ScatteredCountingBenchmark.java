package fastnetmon.bench;

import fastnetmon.Detector;
import fastnetmon.counters.CounterShard;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Counting alone ({@link CounterShard#countBatch}) of records scattered as bench/flow-bench's are: each
 * to a random host of a /16 (65,536 monitored hosts) from a random source, so every record misses the
 * caches on its host's index entry, its host's counters and its flow-table entry. There are
 * {@value #DISTINCT} distinct records, as many as in the flow benchmark's NetFlow corpus (16 exporters of
 * 256 datagrams of 40 records) and drawn as its are; each invocation counts {@value #RECORDS} of them in batches of 40 (a
 * datagram), as one second of a long-running collector thread, then the evaluator's tick. Score:
 * records per second on one thread. Run with bench/jmh.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class ScatteredCountingBenchmark {
    static final int DISTINCT = 16 * 256 * 40, RECORDS = 1_000_000, PER_BATCH = 40;

    private final PacketRecord[] records = new PacketRecord[DISTINCT];
    private final PacketRecord[] batch = new PacketRecord[PER_BATCH];
    private Detector detector;
    private CounterShard shard;
    private Evaluator evaluator;
    private long second = 1_700_000_000L;
    private int next;

    @Setup(Level.Trial)
    public void start() throws IOException {
        Random rnd = new Random(7);
        for (int i = 0; i < DISTINCT; i++) {
            PacketRecord r = new PacketRecord();
            r.setIpv4(rnd.nextInt(), 0x0a0a0000 | rnd.nextInt(1 << 16));
            r.protocol = PacketRecord.TCP;
            r.srcPort = rnd.nextInt(1 << 16);
            r.dstPort = 80;
            r.tcpFlags = PacketRecord.TCP_SYN;
            r.packets = 1;
            r.bytes = 60;
            r.length = 60;
            r.ipLength = 60;
            r.origin = PacketRecord.ORIGIN_NETFLOW9;
            records[i] = r;
        }
        detector = BenchData.detector();
        shard = detector.newShard("bench", true);
        evaluator = detector.startEvaluator();
    }

    @TearDown(Level.Trial)
    public void stop() {
        detector.actions().close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void countScattered() {
        long sec = second++;
        shard.onSecond(sec);
        long t = sec * BenchData.SECOND;
        int k = next;
        for (int done = 0; done < RECORDS; done += PER_BATCH) {
            for (int j = 0; j < PER_BATCH; j++) {
                PacketRecord r = records[k];
                r.timestampNanos = t;
                batch[j] = r;
                k = k + 1 == DISTINCT ? 0 : k + 1;
            }
            shard.countBatch(batch, PER_BATCH);
            shard.publish();
        }
        next = k;
        evaluator.tick((sec + 1) * BenchData.SECOND);
    }
}
