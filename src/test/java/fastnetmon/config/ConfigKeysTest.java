package fastnetmon.config;

import fastnetmon.config.ConfigKeys.Key;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ConfigKeysTest {
    @Test
    void markdownReferenceHasARowPerKey() {
        String md = ConfigKeys.markdownReference();
        assertTrue(md.startsWith("| Key | Type | Default | Description | Origin |\n|---|---|---|---|---|\n"), md);
        for (Key k : ConfigKeys.all()) {
            assertTrue(md.contains("\n| `" + k.name() + "` | "), k.name());
        }
        assertTrue(md.contains("| `threshold_pps` | integer ≥ 0 | `20000` | Total packets per second, per host and direction (per hostgroup) | FastNetMon |"), md);
        assertTrue(md.contains("| `sort_parameter` | packets / bytes / flows | `packets` |"), md);
        assertTrue(md.contains("| `api_port` | integer 1-65535 | `10007` |"), md);
        assertTrue(md.contains("`exabgp`"), md);
    }

    @Test
    void registryCoversTheThresholdKeysOfEveryClass() {
        for (String[] names : new String[][]{Thresholds.BAN_FOR_PPS, Thresholds.THRESHOLD_PPS, Thresholds.BAN_FOR_BANDWIDTH, Thresholds.THRESHOLD_MBPS}) {
            for (String n : names) {
                if (n != null) {
                    assertTrue(ConfigKeys.get(n).perHostgroup(), n);
                }
            }
        }
        assertEquals("ban_for_tcp_syn_pps", Thresholds.BAN_FOR_PPS[fastnetmon.counters.TrafficClass.TCP_SYN]);
        assertEquals(Thresholds.defaults(), Configuration.defaults().globalThresholds());
    }

    @Test
    void unimplementedFastNetMonKeysAreRecognisedButNotOurs() {
        for (String k : new String[]{"exabgp", "exabgp_next_hop", "gobgp", "gobgp_next_hop_ipv6", "redis_enabled", "mongodb_host",
                "influxdb", "influxdb_port", "graphite_prefix", "netmap_threads", "xdp_mode", "mirror_netmap", "mirror_afxdp",
                "enable_connection_tracking", "kafka_traffic_export_topic", "clickhouse_metrics_port"}) {
            assertTrue(ConfigKeys.isUnimplementedFastNetMonKey(k), k);
            assertNull(ConfigKeys.get(k), k);
        }
        for (Key k : ConfigKeys.all()) {
            assertFalse(ConfigKeys.isUnimplementedFastNetMonKey(k.name()), k.name());
        }
    }
}
