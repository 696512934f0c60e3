package fastnetmon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What bench/mitigation-latency reads: how long a ban took to reach the router, from the detector's log
 * line of the ban to the time BIRD stamped on the route or rule it imported (both on this machine's
 * clock, to the millisecond). Appended, one line per measurement, to target/mitigation-latency.tsv;
 * the tests assert nothing on it (speed is the benchmark's to judge).
 */
public final class MitigationLatency {
    private static final Pattern LOG_TIME = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d (\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");
    private static final Pattern BIRD_TIME = Pattern.compile("\\[\\w+ (\\d\\d:\\d\\d:\\d\\d\\.\\d{3})");

    private MitigationLatency() {
    }

    /**
     * Records {@code what} (e.g. "gobgp flowspec"): from the first line of {@code detectorLog} containing
     * {@code banLine} to the import time in {@code birdBlock} (from {@link Bird#await}). Nothing when
     * either time is missing.
     */
    public static void record(String what, Path detectorLog, String banLine, String birdBlock) throws IOException {
        LocalTime ban = null;
        for (String line : Files.readAllLines(detectorLog)) {
            Matcher m = LOG_TIME.matcher(line);
            if (line.contains(banLine) && m.find()) {
                ban = LocalTime.parse(m.group(1));
                break;
            }
        }
        Matcher b = BIRD_TIME.matcher(birdBlock);
        if (ban == null || !b.find()) {
            return;
        }
        long ms = Duration.between(ban, LocalTime.parse(b.group(1))).toMillis();
        Files.writeString(Path.of("target", "mitigation-latency.tsv"), what + "\t" + ms + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
