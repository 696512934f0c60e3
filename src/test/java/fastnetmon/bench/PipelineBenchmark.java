package fastnetmon.bench;

import fastnetmon.Detector;
import fastnetmon.source.FileReplay;
import fastnetmon.counters.CounterShard;
import fastnetmon.detection.Evaluator;
import fastnetmon.packet.PacketParser;
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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Sustained packet rate of the replay pipeline on one thread; every score is packets per second.
 * Run with bench/jmh (never part of mvn test).
 *
 * <ul>
 * <li>{@code pipeline}: the FileReplay loop minus file I/O: parse, count, and an evaluator tick at every
 * second boundary, over one second (1M packets) of frames held in memory. Each invocation is the next
 * second of a long-running detector (timestamps move on), so counters, flow table and evaluator are in
 * their steady state.</li>
 * <li>{@code pipelineOneByOne}: the same, counting each packet on its own ({@code CounterShard.count}) where
 * the replay counts them in batches ({@code countBatch}).</li>
 * <li>{@code parseOnly}: the parser alone over the same frames (what counting costs is the difference).</li>
 * <li>{@code mappedFile}: {@link FileReplay#run} over the 1M-packet capture file (page cache warm),
 * with a fresh detector per invocation, as a replay process does.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBenchmark {

    @State(Scope.Benchmark)
    public static class Frames {
        BenchData data;

        @Setup(Level.Trial)
        public void load() throws IOException {
            data = BenchData.load();
        }
    }

    /** One long-running detector fed one more second of packets per invocation. */
    @State(Scope.Thread)
    public static class Running {
        Detector detector;
        FileReplay.Pipeline pipeline;
        long shift;

        @Setup(Level.Trial)
        public void start() throws IOException {
            detector = BenchData.detector();
            CounterShard shard = detector.newShard("bench");
            Evaluator evaluator = detector.startEvaluator();
            pipeline = new FileReplay.Pipeline(shard, evaluator.tickNanos(), evaluator::tick);
        }

        @TearDown(Level.Trial)
        public void stop() {
            pipeline.finish();
            detector.actions().close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.PACKETS)
    public void pipeline(Frames frames, Running running) {
        BenchData d = frames.data;
        FileReplay.Pipeline p = running.pipeline;
        ByteBuffer buf = d.buffer;
        int lt = d.linkType;
        long shift = running.shift;
        int[] off = d.offset, cap = d.captured, wire = d.wire;
        long[] ts = d.timestamp;
        for (int i = 0; i < BenchData.PACKETS; i++) {
            p.packet(lt, buf, off[i], cap[i], wire[i], ts[i] + shift);
        }
        running.shift = shift + BenchData.SECOND;
    }

    /** The same detector state, counted one packet at a time ({@link CounterShard#count}) instead of in batches. */
    @State(Scope.Thread)
    public static class RunningOneByOne {
        Detector detector;
        CounterShard shard;
        Evaluator evaluator;
        final PacketRecord rec = new PacketRecord();
        long shift;
        long second = Long.MIN_VALUE;

        @Setup(Level.Trial)
        public void start() throws IOException {
            detector = BenchData.detector();
            shard = detector.newShard("bench");
            evaluator = detector.startEvaluator();
        }

        @TearDown(Level.Trial)
        public void stop() {
            detector.actions().close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.PACKETS)
    public void pipelineOneByOne(Frames frames, RunningOneByOne s) {
        BenchData d = frames.data;
        ByteBuffer buf = d.buffer;
        int lt = d.linkType;
        long shift = s.shift;
        int[] off = d.offset, cap = d.captured, wire = d.wire;
        long[] ts = d.timestamp;
        CounterShard shard = s.shard;
        PacketRecord rec = s.rec;
        for (int i = 0; i < BenchData.PACKETS; i++) {
            long t = ts[i] + shift;
            long sec = Math.floorDiv(t, BenchData.SECOND);
            if (sec > s.second) {
                if (s.second != Long.MIN_VALUE) {
                    shard.publish();
                    s.evaluator.tick((s.second + 1) * BenchData.SECOND);
                }
                s.second = sec;
                shard.onSecond(sec);
            }
            if (PacketParser.parse(lt, buf, off[i], cap[i], wire[i], rec) == PacketParser.PARSED) {
                rec.timestampNanos = t;
                shard.count(rec);
            } else {
                shard.countUnparsed();
            }
        }
        s.shift = shift + BenchData.SECOND;
    }

    @State(Scope.Thread)
    public static class Record {
        final PacketRecord rec = new PacketRecord();
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.PACKETS)
    public long parseOnly(Frames frames, Record r) {
        BenchData d = frames.data;
        PacketRecord rec = r.rec;
        ByteBuffer buf = d.buffer;
        int lt = d.linkType;
        int[] off = d.offset, cap = d.captured, wire = d.wire;
        long sum = 0;
        for (int i = 0; i < BenchData.PACKETS; i++) {
            if (PacketParser.parse(lt, buf, off[i], cap[i], wire[i], rec) == PacketParser.PARSED) {
                sum += rec.dst4 + rec.srcLo + rec.dstPort + rec.protocol;
            }
        }
        return sum;
    }

    /** A fresh detector for every replay of the file. */
    @State(Scope.Thread)
    public static class Replay {
        Path file;
        Detector detector;
        CounterShard shard;
        Evaluator evaluator;

        @Setup(Level.Trial)
        public void file() throws IOException {
            file = BenchData.file();
        }

        @Setup(Level.Invocation)
        public void start() throws IOException {
            detector = BenchData.detector();
            shard = detector.newShard("bench");
            evaluator = detector.startEvaluator();
        }

        @TearDown(Level.Invocation)
        public void stop() {
            detector.actions().close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.PACKETS)
    public FileReplay.Result mappedFile(Replay r) throws IOException {
        return FileReplay.run(r.file, r.shard, r.evaluator.tickNanos(), r.evaluator::tick);
    }
}
