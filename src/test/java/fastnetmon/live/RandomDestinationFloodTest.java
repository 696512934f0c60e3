package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, finding 1, at CI scale: a SYN flood to random addresses of a /16 fills the host table
 * (max_tracked_hosts 2000), and a SYN flood to one host during it is still banned, with its rate;
 * the API shows the host's traffic; and once the floods are over the detector's memory comes back.
 * The detector runs as a process with the launcher's JVM options; every packet stays in the rig's
 * namespaces, and both generators are bounded in time (and the targeted one in count).
 */
class RandomDestinationFloodTest {
    private static final String TARGET = "10.20.0.9";
    private static final long THRESHOLD_PPS = 1000;
    private static final int TARGET_PACKETS = 30_000;

    @TempDir
    Path dir;
    private NetnsRig rig;
    private Process detector;
    private Process randomFlood;
    private Process tcpdump;

    @BeforeEach
    void setUp() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "curl", "timeout");
        rig = NetnsRig.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        NetnsRig.kill(randomFlood, tcpdump, detector);
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aTargetedFloodIsBannedWithItsRateWhileRandomHostsFillTheTableAndMemoryComesBack() throws Exception {
        Path calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$1 $2 $3 $4");
        Path conf = DetectorFiles.config(dir, List.of("10.20.0.0/16"),
                "threshold_pps = " + THRESHOLD_PPS,
                "ban_time = 3600",
                "ban_details_records_count = 10",
                "max_tracked_hosts = 2000",
                "tracked_host_idle_time = 3",
                "mirror_afpacket = on",
                "af_packet_threads = 1",
                "prometheus = off");
        Path output = dir.resolve("output.txt");
        detector = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf, DetectorFiles.launcherJavaOptions()), output);
        long pid = Long.parseLong(Files.readString(dir.resolve("fastnetmon.pid")).strip());
        Thread.sleep(3000);
        long rssBefore = DetectorFiles.rssMib(pid);

        // Random destinations of the /16, as fast as hping3 goes, for 20 s at most.
        randomFlood = new ProcessBuilder("timeout", "-s", "KILL", "20", "ip", "netns", "exec", rig.peer, "hping3", "--rand-dest", "-I",
                NetnsRig.PEER_IF, "--flood", "-S", "-p", "80", "10.20.x.x").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        waitFor(output, "too many hosts to track one by one", 10_000);

        // The targeted flood: 30000 SYNs paced by hping3 (10 kpps asked; a loaded machine gives less and
        // unevenly). tcpdump on the monitored port is the second opinion on its rate, second by second.
        Path seen = dir.resolve("target.txt");
        tcpdump = new ProcessBuilder("ip", "netns", "exec", rig.mon, "timeout", "40", "tcpdump", "-i", NetnsRig.MON_IF,
                "-nn", "-tt", "-q", "-l", "tcp and dst host " + TARGET).redirectOutput(seen.toFile())
                .redirectError(dir.resolve("tcpdump.err").toFile()).start();
        waitFor(dir.resolve("tcpdump.err"), "listening on", 10_000);
        long floodFrom = System.currentTimeMillis() / 1000;
        rig.runInPeer(25, "hping3", "-q", "-S", "-p", "80", "-i", "u100", "-c", Integer.toString(TARGET_PACKETS), TARGET);
        long floodTo = System.currentTimeMillis() / 1000;
        String host = rig.inMon("curl", "-s", "http://127.0.0.1:10007/api/host/" + TARGET);
        Thread.sleep(500);
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);
        // The flood's whole seconds only (not the ones it started and ended in), as tcpdump timed them.
        // (The process's own start and end are no guide: starting and reaping it takes a while on a loaded machine.)
        List<Long> stamps = Files.readAllLines(seen).stream().filter(l -> l.matches("^\\d+\\..*"))
                .map(l -> Long.parseLong(l.substring(0, l.indexOf('.')))).toList();
        long first = stamps.stream().mapToLong(Long::longValue).min().orElse(floodFrom);
        long last = stamps.stream().mapToLong(Long::longValue).max().orElse(floodTo);
        long[] counted = stamps.stream().filter(second -> second > first && second < last)
                .collect(Collectors.groupingBy(second -> second, TreeMap::new, Collectors.counting()))
                .values().stream().mapToLong(Long::longValue).toArray();
        // hping3 may stall and send its last few packets a second later: seconds at the ends with fewer
        // packets than the threshold are not the flood running.
        int from = 0, to = counted.length;
        while (from < to && counted[from] <= THRESHOLD_PPS) {
            from++;
        }
        while (to > from && counted[to - 1] <= THRESHOLD_PPS) {
            to--;
        }
        long[] perSecond = Arrays.copyOfRange(counted, from, to);
        assertTrue(perSecond.length >= 1, "tcpdump saw the target's flood for " + perSecond.length + " whole s: " + Arrays.toString(counted));
        long slowest = Arrays.stream(perSecond).min().orElseThrow();
        long fastest = Arrays.stream(perSecond).max().orElseThrow();
        assertTrue(slowest > THRESHOLD_PPS, "the generator was too slow to test with: " + Arrays.toString(perSecond));

        List<String> lines = waitForLine(calls, TARGET + " incoming ", 10_000);
        String ban = lines.stream().filter(l -> l.startsWith(TARGET + " ")).findFirst().orElseThrow();
        String[] f = ban.split(" ");
        assertEquals(List.of(TARGET, "incoming", "ban"), List.of(f[0], f[1], f[3]), lines.toString());
        long pps = Long.parseLong(f[2]);
        assertTrue(pps > THRESHOLD_PPS && pps >= 0.75 * slowest && pps <= 1.25 * fastest,
                "banned at " + pps + " pps; tcpdump saw per second " + Arrays.toString(perSecond));
        assertTrue(lines.stream().allMatch(l -> l.startsWith(TARGET + " ")), "only the target is banned: " + lines);
        Matcher m = Pattern.compile("\"incoming\":\\{\"total\":\\{\"pps\":([0-9.]+)").matcher(host);
        assertTrue(m.find() && Double.parseDouble(m.group(1)) > 1000, "the API shows the target's traffic: " + host);
        String log = Files.readString(output);
        assertTrue(log.contains("busiest network 10.20.0.0/16"), "the warning names the flooded network:\n" + log);

        randomFlood.waitFor(30, TimeUnit.SECONDS);
        long rssFlood = DetectorFiles.rssMib(pid);
        // Idle: hosts are given up after 3 s, the heap shrinks at the launcher's periodic collection.
        long deadline = System.currentTimeMillis() + 90_000;
        long rss = rssFlood;
        while (System.currentTimeMillis() < deadline && rss > 2 * rssBefore) {
            Thread.sleep(2000);
            rss = DetectorFiles.rssMib(pid);
        }
        System.out.printf("RSS before %d MiB, after the floods %d MiB, idle %d MiB; target per second %s, banned at %d pps%n",
                rssBefore, rssFlood, rss, Arrays.toString(perSecond), pps);
        assertTrue(rss <= 2 * rssBefore, "RSS " + rss + " MiB after the floods and idle; before them " + rssBefore + " MiB");
        assertTrue(detector.isAlive());
    }

    private static void waitFor(Path file, String text, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no \"" + text + "\" within " + millis + " ms:\n" + (Files.exists(file) ? Files.readString(file) : ""));
    }

    private static List<String> waitForLine(Path file, String text, long millis) throws Exception {
        waitFor(file, text, millis);
        return Files.readAllLines(file);
    }
}
