package fastnetmon.detection;

import fastnetmon.config.AtomicFile;
import fastnetmon.config.RegularFile;
import fastnetmon.counters.Direction;
import fastnetmon.networks.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline state file (baseline_state_path): text, a line per host and direction,
 * {@code ip direction first_learned weight pps mbps flows}, between a header line and an end line that
 * counts them, so a file cut short is known. Written whole ({@link AtomicFile}) on a thread of its own from
 * a snapshot the evaluator hands over (a newer snapshot replaces one not yet written); read at start,
 * bounded in size: a bad line is skipped, and the first one is said in one line naming the file and line;
 * a file that is not one is said in one line and the start goes on without it.
 *
 * <p>Threading: {@link #load}, {@link #writeLater} and {@link #writeNow} on the evaluator's thread; the
 * writing on the writer's.
 */
final class BaselineFile {
    private static final Logger log = LoggerFactory.getLogger(BaselineFile.class);
    static final String HEADER = "# fastnetmon-java baselines 1";
    static final String COLUMNS = "# ip direction first_learned weight pps mbps flows";
    static final String END = "# end ";
    /** A baseline file past this is not read (about 70 bytes a line: room for far more than the shelf). */
    static final long MAX_BYTES = 256L << 20;

    private final Path path;
    private final AtomicReference<Snapshot> pending = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "baseline-state");
        t.setDaemon(true);
        return t;
    });
    private boolean failed; // writer thread only

    BaselineFile(Path path) {
        this.path = path;
    }

    /** Every baseline by address, copied for the writer. */
    static final class Snapshot {
        private int n;
        private long[] hi, lo;
        private final BaselineRows rows = new BaselineRows();

        Snapshot(int expected) {
            hi = new long[Math.max(16, expected)];
            lo = new long[hi.length];
            rows.resize(hi.length);
        }

        void add(long h, long l, BaselineRows from, int row) {
            if (n == hi.length) {
                hi = Arrays.copyOf(hi, n * 2);
                lo = Arrays.copyOf(lo, n * 2);
                rows.resize(n * 2);
            }
            hi[n] = h;
            lo[n] = l;
            rows.copy(from, row, n++);
        }

        int size() {
            return n;
        }

        /** Writes it in the file's format. */
        void writeTo(OutputStream out) throws IOException {
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append(HEADER).append('\n').append(COLUMNS).append('\n');
            long lines = 0;
            for (int i = 0; i < n; i++) {
                String ip = IpAddresses.format(hi[i], lo[i]);
                for (Direction dir : Direction.PER_HOST) {
                    int d = dir.hostIndex();
                    if (!rows.learned(i, d)) {
                        continue;
                    }
                    lines++;
                    sb.append(ip).append(' ').append(dir.text()).append(' ').append(rows.since(i, d)).append(' ')
                            .append(round(rows.weight(i, d))).append(' ')
                            .append(round(rows.baseline(i, d, BaselineRows.PPS))).append(' ')
                            .append(round(rows.baseline(i, d, BaselineRows.MBPS))).append(' ')
                            .append(round(rows.baseline(i, d, BaselineRows.FLOWS))).append('\n');
                }
                if (sb.length() > 1 << 16) {
                    out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                    sb.setLength(0);
                }
            }
            sb.append(END).append(lines).append('\n');
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }

        private static double round(double v) {
            return Math.round(v * 1e6) / 1e6;
        }
    }

    /**
     * Reads the file into the shelf; returns the hosts read (0 when it does not exist, and on a file that
     * cannot be read, said in one line). The seconds the detector was down do not count as quiet: each
     * baseline is taken as learned up to {@code nowSecond}.
     */
    int load(long nowSecond, BaselineShelf into) {
        if (!Files.exists(path)) {
            return 0;
        }
        try {
            RegularFile.require(path, "baseline state file", MAX_BYTES);
        } catch (RegularFile.Refused e) {
            log.warn("{} (baseline_state_path): starting without learned baselines", e.getMessage());
            return 0;
        }
        int hosts = into.size();
        long lines = 0, bad = 0, chars = 0;
        String firstBad = null;
        String end = null;
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.equals(HEADER)) {
                log.warn("{}:1: not a baseline state file (its first line is not '{}'): starting without learned baselines",
                        path, HEADER);
                return 0;
            }
            int number = 1;
            for (String line; (line = in.readLine()) != null && chars <= MAX_BYTES; ) {
                number++;
                chars += line.length() + 1;
                if (line.startsWith(END)) {
                    end = line.substring(END.length()).trim();
                    break;
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String problem = parse(line, nowSecond, into);
                if (problem == null) {
                    lines++;
                } else {
                    bad++;
                    if (firstBad == null) {
                        firstBad = path + ":" + number + ": " + problem;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("baseline state file {} cannot be read ({}): going on with the {} baselines read", path, e.toString(), lines);
            return into.size() - hosts;
        }
        int read = into.size() - hosts;
        if (firstBad != null) {
            log.warn("{} ({} bad line{} skipped, {} host baselines read)", firstBad, bad, bad == 1 ? "" : "s", read);
        }
        if (end == null) {
            log.warn("baseline state file {} is cut short (no end line): going on with the {} host baselines read", path, read);
        } else if (!end.equals(Long.toString(lines + bad))) {
            log.warn("baseline state file {} says it holds {} lines but has {}: going on with the {} host baselines read",
                    path, end, lines + bad, read);
        }
        return read;
    }

    /** Takes in one line; returns what is wrong with it, or null. */
    private static String parse(String line, long nowSecond, BaselineShelf into) {
        String[] f = new String[7];
        int n = fields(line, f);
        if (n != 7) {
            return "expected 7 fields (" + COLUMNS.substring(2) + "), got " + n;
        }
        long[] ip = IpAddresses.parse(f[0]);
        if (ip == null) {
            return "'" + f[0] + "' is not an IP address";
        }
        int dir = f[1].equals("incoming") ? 0 : f[1].equals("outgoing") ? 1 : -1;
        if (dir < 0) {
            return "'" + f[1] + "' is not incoming or outgoing";
        }
        long since;
        double[] v = new double[4];
        try {
            since = Long.parseLong(f[2]);
            for (int i = 0; i < 4; i++) {
                v[i] = Double.parseDouble(f[3 + i]);
            }
        } catch (NumberFormatException e) {
            return "a number is not one: " + e.getMessage();
        }
        if (since <= 0 || since > nowSecond) {
            return "first_learned " + since + " is not a second up to now";
        }
        if (!(v[0] > 0 && v[0] <= 1)) {
            return "weight " + f[3] + " is not above 0 and at most 1";
        }
        for (int i = 1; i < 4; i++) {
            if (!(v[i] >= 0 && v[i] < Double.MAX_VALUE)) {
                return "'" + f[3 + i] + "' is not a rate (0 or more)";
            }
        }
        int row = into.rowFor(ip[0], ip[1]);
        if (row < 0) {
            return "more hosts than the " + BaselineShelf.MAX_ROWS + " kept";
        }
        into.rows.set(row, dir, v[1], v[2], v[3], v[0], since, nowSecond);
        return null;
    }

    /** Splits the line at spaces and tabs into {@code out}; returns how many fields it has (more than fit are counted). */
    private static int fields(String line, String[] out) {
        int n = 0;
        for (int i = 0, len = line.length(); i < len; ) {
            while (i < len && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < len && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            if (i > start) {
                if (n < out.length) {
                    out[n] = line.substring(start, i);
                }
                n++;
            }
        }
        return n;
    }

    /** Hands the snapshot to the writer; one not yet written is replaced. */
    void writeLater(Snapshot s) {
        if (pending.getAndSet(s) == null) {
            try {
                writer.execute(this::writePending);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                pending.set(null);
            }
        }
    }

    /** Writes the snapshot and stops the writer (waits at most 10 s for a write in progress). */
    void writeNow(Snapshot s) {
        writeLater(s);
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("baseline state file {} not written within 10 s at stop", path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writePending() {
        Snapshot s = pending.getAndSet(null);
        if (s == null) {
            return;
        }
        try {
            AtomicFile.replace(path, s::writeTo);
            if (failed) {
                failed = false;
                log.info("baseline state file {} is written again", path);
            }
        } catch (IOException | RuntimeException e) {
            if (!failed) {
                failed = true;
                log.error("cannot write the baseline state file {} (baseline_state_path): {}; learned baselines will not survive a restart",
                        path, e.toString());
            }
        }
    }
}
