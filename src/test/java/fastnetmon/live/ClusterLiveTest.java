package fastnetmon.live;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.redis.TestRedis;
import fastnetmon.testing.ClusterDeployment;
import fastnetmon.testing.ClusterRig;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static fastnetmon.testing.ClusterDeployment.TARGET;
import static fastnetmon.testing.ClusterDeployment.THRESHOLD_PPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four sensors, each capturing its own link in its own network namespace, one Redis, aggregators in this
 * machine's namespace (issue 15): a SYN flood split over the four links, each quarter under the threshold
 * and the sum over it, is banned by the aggregator as one attack with the summed power and each sensor's
 * share; a standby aggregator takes over from a killed active one and the unban happens once; a killed
 * sensor is reported down while the others are still counted; a Redis restart is survived.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLiveTest {
    /** hping3's pace on each link: every quarter under THRESHOLD_PPS, the sum well over it. */
    static final int LINK_PPS = 4000;
    static ClusterRig rig;
    static TestRedis redis;
    static ClusterDeployment cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(@TempDir Path base) throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3");
        rig = ClusterRig.create(4);
        redis = TestRedis.start("--bind", "127.0.0.1", rig.hub, "--protected-mode", "no");
        cluster = new ClusterDeployment(rig, "redis://" + rig.hub + ":" + redis.port, base);
        cluster.startSensors();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @AfterEach
    void stopAggregators() throws InterruptedException {
        cluster.killAggregators();
    }

    /** Each test's aggregators start from an empty ban list, no lease and no sample wishes. */
    @BeforeEach
    void clean() {
        redis.command("DEL", "fastnetmon_cluster_ban_list", "fastnetmon_cluster_lease", "fastnetmon_cluster_samples_wanted");
    }

    @Test
    @Order(1)
    void aFloodSplitOverFourLinksIsBannedAsOneAttackWithTheSummedPowerAndEachSensorsShare() throws Exception {
        splitFloodIsBannedAsOneAttack(cluster, dir);
    }

    /**
     * An aggregator started on the deployment's four sensors: a SYN flood over the four links, each under
     * the threshold, is banned within 2 s with the four links' summed rate, each sensor's share in the
     * attack details, and the four sensors in /api/sensors.
     */
    static void splitFloodIsBannedAsOneAttack(ClusterDeployment cluster, Path dir) throws Exception {
        Path calls = dir.resolve("calls");
        ClusterDeployment.Aggregator a = cluster.startAggregator("agg", calls, "ban_time = 60");
        awaitSensorsUp(cluster, a, 4);
        long floodStart = System.currentTimeMillis();
        cluster.flood(4, LINK_PPS, 8);
        String ban = awaitCall(calls, "ban ", Duration.ofSeconds(10));
        double[] rates = cluster.rates(2000);
        double sum = Stream.of(0, 1, 2, 3).mapToDouble(i -> rates[i]).sum();
        for (double r : rates) {
            assertTrue(r < THRESHOLD_PPS, "each link alone is under the threshold: " + java.util.Arrays.toString(rates));
        }
        assertTrue(sum > 1.3 * THRESHOLD_PPS, "the sum is well over it: " + sum);
        String[] f = ban.split(" ");
        assertEquals(List.of("ban", TARGET, "incoming"), List.of(f[0], f[1], f[2]), ban);
        long bannedAfter = Long.parseLong(f[4]) - floodStart;
        assertTrue(bannedAfter <= 2000, "banned " + bannedAfter + " ms after the flood's start");
        long power = Long.parseLong(f[3]);
        assertEquals(sum, power, 0.25 * sum, "the ban's power is the four links' sum: " + ban);

        awaitCall(calls, "attack_details ", Duration.ofSeconds(15));
        String details = detailsFile(a);
        Matcher m = Pattern.compile("Traffic by sensor: (.*)").matcher(details);
        assertTrue(m.find(), details);
        for (int i = 0; i < 4; i++) {
            Matcher share = Pattern.compile("\\bs" + (i + 1) + " ([0-9.]+)% \\(").matcher(m.group(1));
            assertTrue(share.find(), "sensor s" + (i + 1) + " in " + m.group(1));
            double expected = 100 * rates[i] / sum;
            assertEquals(expected, Double.parseDouble(share.group(1)), 10, "s" + (i + 1) + "'s share: " + m.group(1));
        }
        JsonNode sensors = cluster.api(a, "/api/sensors");
        assertEquals(4, sensors.path("sensors").size(), sensors.toString());
    }

    @Test
    @Order(2)
    void theStandbyTakesOverFromAKilledActiveAggregatorAndTheUnbanHappensOnce() throws Exception {
        Path calls = dir.resolve("calls");
        String[] keys = {"ban_time = 12", "unban_only_if_attack_finished = off"};
        ClusterDeployment.Aggregator active = cluster.startAggregator("aggA", calls, keys);
        ClusterDeployment.Aggregator standby = cluster.startAggregator("aggB", calls, keys);
        assertTrue(active.output().contains("aggregating the sensors' counters"), active.output());
        assertTrue(standby.output().contains("standby aggregator"), standby.output());
        awaitSensorsUp(cluster, active, 4);
        cluster.flood(4, LINK_PPS, 4);
        awaitCall(calls, "ban ", Duration.ofSeconds(10));
        Eventually.until(Duration.ofSeconds(5), () -> redis.sync().hexists("fastnetmon_cluster_ban_list", TARGET),
                "the ban in the cluster's ban list");
        ClusterDeployment.kill(active.process());
        long killedAt = System.currentTimeMillis();
        Eventually.until(Duration.ofSeconds(10), () -> standby.output().contains("aggregating the sensors' counters"),
                "the standby takes over");
        long tookOver = System.currentTimeMillis() - killedAt;
        assertTrue(tookOver <= 5000, "the standby took over " + tookOver + " ms after the active one died");
        assertTrue(standby.output().contains("restored the ban of " + TARGET), standby.output());
        awaitCall(calls, "unban ", Duration.ofSeconds(25));
        Thread.sleep(3000); // a second unban, from anyone, would come now
        List<String> all = ClusterDeployment.lines(calls);
        assertEquals(1, all.stream().filter(l -> l.startsWith("ban ")).count(), all.toString());
        assertEquals(1, all.stream().filter(l -> l.startsWith("unban " + TARGET)).count(), all.toString());
        assertFalse(redis.sync().hexists("fastnetmon_cluster_ban_list", TARGET), "the unban left the ban list");
    }

    @Test
    @Order(3)
    void aKilledSensorIsReportedDownWhileTheOthersAreStillCounted() throws Exception {
        Path calls = dir.resolve("calls");
        ClusterDeployment.Aggregator a = cluster.startAggregator("agg3", calls, "ban_time = 60");
        awaitSensorsUp(cluster, a, 4);
        cluster.flood(4, LINK_PPS, 14);
        ClusterDeployment.kill(cluster.sensors.get(3));
        Eventually.until(Duration.ofSeconds(10), () -> down(a).equals(List.of("s4")), "s4 reported down");
        Thread.sleep(6000); // the host's averages forget the fourth sensor's share
        double[] rates = cluster.rates(1000);
        double three = rates[0] + rates[1] + rates[2];
        long pps = cluster.api(a, "/api/host/" + TARGET).path("incoming").path("total").path("pps").asLong();
        assertEquals(three, pps, 0.3 * three, "the three live sensors' traffic is still counted");
        cluster.startSensor(3);
        Eventually.until(Duration.ofSeconds(15), () -> down(a).isEmpty() && up(cluster, a) == 4, "s4 back up");
    }

    @Test
    @Order(4)
    void afterARedisRestartTheSensorsAndTheAggregatorGoOn() throws Exception {
        Path calls = dir.resolve("calls");
        ClusterDeployment.Aggregator a = cluster.startAggregator("agg4", calls, "ban_time = 60");
        awaitSensorsUp(cluster, a, 4);
        redis.stop();
        Thread.sleep(1500);
        redis.startAgain();
        awaitSensorsUp(cluster, a, 4);
        long floodStart = System.currentTimeMillis();
        cluster.flood(4, LINK_PPS, 6);
        String ban = awaitCall(calls, "ban ", Duration.ofSeconds(10));
        assertTrue(Long.parseLong(ban.split(" ")[4]) - floodStart < 5000, ban);
        Eventually.until(Duration.ofSeconds(5), () -> redis.sync().hexists("fastnetmon_cluster_ban_list", TARGET),
                "the ban in the restarted Redis's ban list");
        assertTrue(a.process().isAlive(), a.output());
    }

    static void awaitSensorsUp(ClusterDeployment cluster, ClusterDeployment.Aggregator a, int n) throws InterruptedException {
        Eventually.until(Duration.ofSeconds(20), () -> up(cluster, a) == n, n + " sensors up in /api/sensors");
    }

    static int up(ClusterDeployment cluster, ClusterDeployment.Aggregator a) {
        int n = 0;
        for (JsonNode s : cluster.api(a, "/api/sensors").path("sensors")) {
            n += s.path("up").asBoolean() ? 1 : 0;
        }
        return n;
    }

    static List<String> down(ClusterDeployment.Aggregator a) {
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode s : cluster.api(a, "/api/sensors").path("sensors")) {
            if (!s.path("up").asBoolean()) {
                names.add(s.path("name").asText());
            }
        }
        return names;
    }

    /** The script's first line that starts with {@code prefix}, waiting up to {@code max}. */
    static String awaitCall(Path calls, String prefix, Duration max) throws Exception {
        String[] found = {null};
        Eventually.until(max, () -> (found[0] = ClusterDeployment.lines(calls).stream().filter(l -> l.startsWith(prefix))
                .findFirst().orElse(null)) != null, "a '" + prefix.trim() + "' call of the notify script");
        return found[0];
    }

    /** The attack details file the aggregator wrote for the target. */
    static String detailsFile(ClusterDeployment.Aggregator a) throws Exception {
        try (Stream<Path> files = Files.list(a.dir().resolve("attacks"))) {
            for (Path p : files.toList()) {
                String text = Files.readString(p);
                if (text.contains(TARGET)) {
                    return text;
                }
            }
        }
        throw new AssertionError("no attack details file for " + TARGET);
    }
}
