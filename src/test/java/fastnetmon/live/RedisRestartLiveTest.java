package fastnetmon.live;

import fastnetmon.redis.TestRedis;
import fastnetmon.testing.DetectorFiles;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live detector as a process (NetFlow v5 on loopback, no capture, no ban state file: Redis is its only
 * memory of bans): killed with SIGKILL in the middle of a ban, restarted, it takes the ban up from Redis and
 * calls the script's unban once, when the ban's own ban_time is over; the ban list is then empty. The live
 * view is pushed meanwhile.
 */
class RedisRestartLiveTest {
    private static final int BAN_TIME = 10;

    @TempDir
    Path dir;
    private TestRedis redis;
    private final List<Process> detectors = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : detectors) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aDetectorKilledMidBanTakesItUpFromRedisAndUnbansItOnceOnTime() throws Exception {
        redis = TestRedis.start();
        int netflowPort = TestRedis.freePort();
        Path calls = dir.resolve("calls");
        DetectorFiles.recordingScript(dir, calls, "$4 $1 $(date +%s)");
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "ban_state_path =", "mirror_afpacket = off",
                "netflow = on", "netflow_host = 127.0.0.1", "netflow_port = " + netflowPort, "threshold_pps = 1000",
                "ban_details_records_count = 0", "ban_time = " + BAN_TIME, "unban_only_if_attack_finished = off",
                "prometheus = off", "api = off", "redis_enabled = on", "redis_host = 127.0.0.1",
                "redis_port = " + redis.port, "redis_prefix = live");
        RedisCommands<String, String> r = redis.sync();

        Process first = start(conf, "first.out");
        try (DatagramSocket s = new DatagramSocket()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; !r.hexists("live_ban_list", "10.10.0.5"); i++) {
                if (System.nanoTime() > deadline) {
                    fail("no ban in Redis; detector said: " + Files.readString(dir.resolve("first.out")));
                }
                byte[] d = netflow5(i, "192.0.2.7", "10.10.0.5", 5000);
                s.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), netflowPort));
                Thread.sleep(200);
            }
        }
        first.destroyForcibly(); // a crash: nothing is written at stop
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        List<String> before = lines(calls);
        assertEquals(1, before.size(), before.toString());
        assertTrue(before.get(0).startsWith("ban 10.10.0.5 "), before.toString());
        long bannedAt = Long.parseLong(before.get(0).split(" ")[2]);
        assertFalse(Files.exists(dir.resolve("bans.json")), "no ban state file: Redis is the only memory");

        Process second = start(conf, "second.out");
        long restarted = System.currentTimeMillis() / 1000;
        waitUntil(() -> lines(calls).size() == 2, BAN_TIME + 15, "the unban after the restart");
        String unban = lines(calls).get(1);
        assertTrue(unban.startsWith("unban 10.10.0.5 "), lines(calls).toString());
        long unbannedAt = Long.parseLong(unban.split(" ")[2]);
        // On time: not before ban_time, and at its end (or, on a machine slow to restart, right after the restart)
        long due = Math.max(bannedAt + BAN_TIME, restarted);
        assertTrue(unbannedAt >= bannedAt + BAN_TIME - 1 && unbannedAt <= due + 3,
                "unbanned " + (unbannedAt - bannedAt) + " s after the ban (ban_time " + BAN_TIME + ", restarted after "
                        + (restarted - bannedAt) + " s)");
        assertTrue(Files.readString(dir.resolve("second.out")).contains("restored the ban of 10.10.0.5"),
                Files.readString(dir.resolve("second.out")));
        waitUntil(() -> r.hlen("live_ban_list") == 0, 5, "the ban list emptied");
        waitUntil(() -> r.exists("live_traffic_totals") == 1, 15, "the live view");
        long ttl = r.pttl("live_traffic_totals");
        assertTrue(ttl > 0 && ttl <= 10_000, "the live view is pushed every second and expires: " + ttl);
        Thread.sleep(1500);
        assertEquals(2, lines(calls).size(), "one ban and one unban: " + lines(calls));
        second.destroy();
        assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, r.exists("live_10.10.0.5_information"));
    }

    private Process start(Path conf, String output) throws Exception {
        Path out = dir.resolve(output);
        Process p = new ProcessBuilder(DetectorFiles.command(List.of(), "--configuration_file", conf.toString(), "--log_to_console"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        detectors.add(p);
        waitUntil(() -> lines(out).stream().anyMatch(l -> l.contains("collecting flows: netflow")) || !p.isAlive(), 30,
                "the detector's start");
        assertTrue(p.isAlive(), Files.readString(out));
        return p;
    }

    /** One NetFlow v5 datagram with one TCP SYN record of {@code packets} 60-byte packets, at its arrival. */
    private static byte[] netflow5(int sequence, String src, String dst, int packets) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(24 + 48);
        long uptime = 100_000 + sequence * 200L;
        b.putShort((short) 5).putShort((short) 1).putInt((int) uptime).putInt((int) (System.currentTimeMillis() / 1000))
                .putInt(0).putInt(sequence).put((byte) 0).put((byte) 0).putShort((short) 0);
        b.put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress()).putInt(0)
                .putShort((short) 1).putShort((short) 2).putInt(packets).putInt(packets * 60)
                .putInt((int) uptime).putInt((int) uptime).putShort((short) 40000).putShort((short) 80)
                .put((byte) 0).put((byte) 0x02).put((byte) 6).put((byte) 0).putShort((short) 0).putShort((short) 0)
                .put((byte) 24).put((byte) 24).putShort((short) 0);
        return b.array();
    }

    /** The file's lines; for the calls, the ban and unban calls (attack_details is not this test's). */
    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p).stream().filter(l -> !l.startsWith("attack_details ")).toList() : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static void waitUntil(BooleanSupplier check, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (check.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting for " + what);
    }
}
