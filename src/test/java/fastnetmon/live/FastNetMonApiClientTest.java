package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * FastNetMon 1.2.4's own {@code fastnetmon_api_client} (Debian package fastnetmon) bans, lists and unbans
 * against the detector: the detector captures in the rig's monitor namespace, where 127.0.0.1:50052 is its
 * own, and the client runs there too.
 */
class FastNetMonApiClientTest {
    private static final String CLIENT = "/usr/bin/fastnetmon_api_client";

    @TempDir
    Path dir;

    record Result(int exit, String output) {
    }

    private static Result client(NetnsRig rig, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("timeout", "20", "ip", "netns", "exec", rig.mon, CLIENT));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void fastNetMonsApiClientBansListsAndUnbans() throws Exception {
        NetnsRig.assumeAvailable("ip", "timeout", CLIENT);
        Path calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$4 $1 $2");
        // ... and keeps the ban's stdin
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, Files.readString(script).replace("cat > /dev/null", "cat > \"" + dir + "/stdin.$4\""));
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "prometheus = off", "api = off",
                "enable_api = on", "ban_details_records_count = 0", "af_packet_threads = 1");
        try (NetnsRig rig = NetnsRig.create()) {
            Path output = dir.resolve("output.txt");
            Process detector = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf), output);
            try {
                assertTrue(Files.readString(output).contains("serving FastNetMon's gRPC API on 127.0.0.1:50052"),
                        Files.readString(output));
                assertEquals(new Result(0, ""), client(rig, "get_banlist"));
                assertEquals(0, client(rig, "ban", "10.10.0.9").exit());
                waitFor(calls, "ban 10.10.0.9 other");
                assertEquals(new Result(0, "10.10.0.9/32\n"), client(rig, "get_banlist"));
                assertEquals(0, client(rig, "unban", "10.10.0.9").exit());
                waitFor(calls, "unban 10.10.0.9 other");
                assertEquals(new Result(0, ""), client(rig, "get_banlist"));
                // Outside the networks: refused, as FastNetMon does, and the client says so
                Result outside = client(rig, "ban", "192.0.2.1");
                assertEquals(new Result(0, "Query failed 192.0.2.1 does not belong to our networks\n"), outside);
            } finally {
                detector.destroy();
                assertTrue(detector.waitFor(30, TimeUnit.SECONDS), "detector did not stop on SIGTERM");
            }
        }
        // The ban's stdin has FastNetMon's shape, line for line (figures aside), down to its last line without
        // a newline: "manually triggered attack" (FastNetMon 1.2.4's own, src/test/resources/fastnetmon-1.2.4/)
        String ours = Files.readString(dir.resolve("stdin.ban"));
        String theirs;
        try (var in = getClass().getResourceAsStream("/fastnetmon-1.2.4/manual-ban-stdin.txt")) {
            theirs = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(ours.endsWith("bytes \nmanually triggered attack"), ours);
        assertEquals(shape(theirs.replace("10.0.0.77", "IP")), shape(ours.replace("10.10.0.9", "IP")));
        // As FastNetMon reports a manual ban: direction "other"
        assertEquals(List.of("ban 10.10.0.9 other", "attack_details 10.10.0.9 other", "unban 10.10.0.9 other"),
                Files.readAllLines(calls));
    }

    /** The text with every number as N and the attack's guessed type and protocol as T. */
    private static String shape(String text) {
        return text.replaceAll("[0-9]+(\\.[0-9]+)?", "N").replaceAll("(?m)^(Attack type|Attack protocol): .*$", "$1: T");
    }

    private static void waitFor(Path calls, String line) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(calls) && Files.readAllLines(calls).contains(line)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("no script call '" + line + "' in " + (Files.exists(calls) ? Files.readAllLines(calls) : "[]"));
    }
}
