package fastnetmon.bench;

import fastnetmon.redis.TestRedis;
import fastnetmon.testing.ClusterDeployment;
import fastnetmon.testing.ClusterRig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ban latency of a flood split over four sensors against the same total rate seen by one standalone
 * detector (bench/cluster-bench; root, iproute2, hping3, redis-server). Rounds alternate: a standalone
 * detector capturing link 1 with the whole flood on it, then four sensors (one per link, a quarter each)
 * and an aggregator; each round measures from the flood's start (the generators' launch) to the notify
 * script's ban call, and the rate the links received. Prints one line per round and the medians.
 *
 * <p>Usage: {@code ClusterBanLatency [ROUNDS] [LINK_PPS]} (default 3 rounds, 4000 pps a link).
 */
public final class ClusterBanLatency {
    private ClusterBanLatency() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int linkPps = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        Path tmp = Files.createTempDirectory("cluster-latency");
        List<Long> standalone = new ArrayList<>(), cluster = new ArrayList<>();
        try (ClusterRig rig = ClusterRig.create(4);
             TestRedis redis = TestRedis.start("--bind", "127.0.0.1", rig.hub, "--protected-mode", "no");
             ClusterDeployment c = new ClusterDeployment(rig, "redis://" + rig.hub + ":" + redis.port, tmp)) {
            for (int r = 1; r <= rounds; r++) {
                Path calls = tmp.resolve("standalone-" + r);
                Process alone = c.startStandalone("standalone" + r, 0, calls);
                long start = System.currentTimeMillis();
                List<Process> flood = List.of(c.floodLink(0, 4 * linkPps, 4));
                long ms = banDelay(calls, start);
                double rate = c.rates(1000)[0];
                await(flood);
                ClusterDeployment.kill(alone);
                standalone.add(ms);
                System.out.printf("round %d standalone: ban after %d ms, link 1 at %.0f pps%n", r, ms, rate);
            }
            c.startSensors();
            for (int r = 1; r <= rounds; r++) {
                redis.command("DEL", "fastnetmon_cluster_ban_list", "fastnetmon_cluster_lease");
                Path calls = tmp.resolve("cluster-" + r);
                ClusterDeployment.Aggregator a = c.startAggregator("agg" + r, calls, "ban_time = 60");
                Thread.sleep(3000); // every sensor heard of
                long start = System.currentTimeMillis();
                List<Process> flood = c.flood(4, linkPps, 4);
                long ms = banDelay(calls, start);
                double[] rates = c.rates(1000);
                await(flood);
                ClusterDeployment.kill(a.process());
                cluster.add(ms);
                System.out.printf("round %d four sensors: ban after %d ms, links at %.0f pps in all %s%n", r, ms,
                        Arrays.stream(rates).sum(), Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()));
            }
        }
        System.out.printf("median ban delay: standalone %d ms, four sensors %d ms, difference %d ms%n", median(standalone),
                median(cluster), median(cluster) - median(standalone));
    }

    private static long banDelay(Path calls, long start) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            for (String l : ClusterDeployment.lines(calls)) {
                if (l.startsWith("ban ")) {
                    return Long.parseLong(l.split(" ")[4]) - start;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no ban within 15 s");
    }

    private static void await(List<Process> flood) throws InterruptedException {
        for (Process p : flood) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        return s.isEmpty() ? -1 : s.get(s.size() / 2);
    }
}
