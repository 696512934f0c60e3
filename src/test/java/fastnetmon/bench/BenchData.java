package fastnetmon.bench;

import fastnetmon.Detector;
import fastnetmon.source.file.CaptureFileReader;
import fastnetmon.config.ConfigException;
import fastnetmon.config.Configuration;
import fastnetmon.tools.PcapGenerator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The benchmarks' input: {@link #PACKETS} packets from {@link PcapGenerator} (seed 1, the same traffic
 * mix as bench/data/bench-5m.pcap: ~85-byte frames, 1 µs apart, so exactly one second of packet time),
 * written once to a cache file and loaded into a direct buffer with every frame's position.
 */
final class BenchData {
    /** Packets per benchmark invocation (a compile-time constant for @OperationsPerInvocation). */
    static final int PACKETS = 1_000_000;
    static final long SECOND = 1_000_000_000L;

    final int linkType;
    final ByteBuffer buffer;
    final int[] offset = new int[PACKETS], captured = new int[PACKETS], wire = new int[PACKETS];
    final long[] timestamp = new long[PACKETS];

    private BenchData(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            buffer = ByteBuffer.allocateDirect((int) ch.size());
            while (buffer.hasRemaining() && ch.read(buffer) >= 0) {
                // read it all
            }
            buffer.clear();
        }
        int n = 0, lt = -1;
        // The whole file is one mapping (it is far below the 1 GiB chunk), so offsets are file offsets.
        try (CaptureFileReader r = CaptureFileReader.open(file)) {
            while (r.next()) {
                if (n == PACKETS) {
                    throw new IllegalStateException(file + " has more than " + PACKETS + " packets");
                }
                lt = r.linkType();
                offset[n] = r.offset();
                captured[n] = r.capturedLength();
                wire[n] = r.wireLength();
                timestamp[n] = r.timestampNanos();
                n++;
            }
        }
        if (n != PACKETS) {
            throw new IllegalStateException(file + " has " + n + " packets, expected " + PACKETS);
        }
        linkType = lt;
    }

    static BenchData load() throws IOException {
        return new BenchData(file());
    }

    /** The capture file, generated on first use (kept in java.io.tmpdir, or -Dfastnetmon.bench.dir). */
    static Path file() throws IOException {
        Path dir = Path.of(System.getProperty("fastnetmon.bench.dir", System.getProperty("java.io.tmpdir")));
        Path file = dir.resolve("fastnetmon-bench-" + PACKETS + "-seed1.pcap");
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "fastnetmon-bench", ".pcap");
            PcapGenerator.generate(tmp, PACKETS, 1);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** The benchmark configuration (bench/fastnetmon.conf: monitors the generator's networks, no script). */
    static Detector detector() throws IOException {
        Path conf = Path.of(System.getProperty("fastnetmon.bench.conf", "bench/fastnetmon.conf"));
        try {
            return new Detector(Configuration.load(conf));
        } catch (ConfigException e) {
            throw new IOException(e.getMessage() + " (run the benchmarks from the repository root, or set -Dfastnetmon.bench.conf)", e);
        }
    }
}
