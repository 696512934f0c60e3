package fastnetmon.live;

import fastnetmon.redis.TestRedisCluster;
import fastnetmon.testing.ClusterDeployment;
import fastnetmon.testing.ClusterRig;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link ClusterLiveTest}'s four sensors and aggregator meeting in a 3-master Redis Cluster instead of one
 * server: the counters' partitions spread over the masters, the flood split over four links is banned as
 * one attack with each sensor's share.
 */
class ClusterOnRedisClusterLiveTest {
    @TempDir
    Path dir;

    @Test
    void aFloodSplitOverFourLinksIsBannedAsOneAttackThroughARedisCluster() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "redis-cli");
        try (ClusterRig rig = ClusterRig.create(4);
             TestRedisCluster redis = TestRedisCluster.startOn(rig.hub);
             ClusterDeployment cluster = new ClusterDeployment(rig, redis.uri(), dir)) {
            cluster.startSensors();
            ClusterLiveTest.splitFloodIsBannedAsOneAttack(cluster, dir);
        }
    }
}
