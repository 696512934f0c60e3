package fastnetmon.config;

import fastnetmon.config.ConfigKeys.Key;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ConfigKeysTest {
    @Test
    void readmeReferenceIsTheRegistrys() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        assertTrue(readme.contains(ConfigKeys.markdownReference()),
                "README's configuration reference differs from ConfigKeys.markdownReference(): paste it in again");
    }

    @Test
    void markdownReferenceHasARowPerKey() {
        String md = ConfigKeys.markdownReference();
        assertTrue(md.startsWith("| Key | Type | Default | Description | Origin |\n|---|---|---|---|---|\n"), md);
        for (Key k : ConfigKeys.all()) {
            assertTrue(md.contains("\n| `" + k.name() + "` | "), k.name());
        }
        assertTrue(md.contains("| `threshold_pps` | integer 0-1000000000000 | `20000` | Total packets per second, per host and direction (per hostgroup) | FastNetMon |"), md);
        assertTrue(md.contains("| `sort_parameter` | packets / bytes / flows | `packets` |"), md);
        assertTrue(md.contains("| `api_port` | integer 1-65535 | `10007` |"), md);
        assertTrue(md.contains("| `exabgp` | on/off | `off` |"), md);
        assertTrue(md.contains("| `ban_time` | integer 0-315360000 | `1900` |"), md);
    }

    @Test
    void everyNumericKeyHasARangeBelowTheTypesLimit() {
        for (Key k : ConfigKeys.all()) {
            if (k.type() == ConfigKeys.Type.INT || k.type() == ConfigKeys.Type.LONG) {
                long typeMax = k.type() == ConfigKeys.Type.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
                assertTrue(k.min() < k.max() && k.max() < typeMax, k.name() + " " + ConfigKeys.range(k));
                Object def = ConfigKeys.defaultValue(k.name());
                long d = ((Number) def).longValue();
                assertTrue(d >= k.min() && d <= k.max(), k.name());
            }
        }
        // ban_time in nanoseconds, and the largest bandwidth threshold in bits per second, fit in a long.
        assertTrue(ConfigKeys.MAX_BAN_TIME < Long.MAX_VALUE / 1_000_000_000L);
        assertTrue(ConfigKeys.MAX_MBPS < Long.MAX_VALUE / 1_000_000L);
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
        assertEquals("ban_for_tcp_syn_pps", Thresholds.BAN_FOR_PPS[TrafficClass.TCP_SYN]);
        assertEquals(Thresholds.defaults(), Configuration.defaults().globalThresholds());
    }

    @Test
    void unimplementedFastNetMonKeysAreRecognisedButNotOurs() {
        for (String k : new String[]{"exabgp_flow_spec_announces", "gobgp_flow_spec_announces", "mongodb_host",
                "clickhouse_metrics", "kafka_traffic_export", "netmap_threads", "xdp_mode", "mirror_netmap", "mirror_afxdp",
                "enable_subnet_counters", "kafka_traffic_export_topic", "clickhouse_metrics_port"}) {
            assertTrue(ConfigKeys.isUnimplementedFastNetMonKey(k), k);
            assertNull(ConfigKeys.get(k), k);
        }
        for (String k : new String[]{"redis_enabled", "redis_prefix", "influxdb", "influxdb_port", "graphite_prefix",
                "exabgp", "exabgp_next_hop", "gobgp", "gobgp_next_hop_ipv6"}) {
            assertFalse(ConfigKeys.isUnimplementedFastNetMonKey(k), k);
        }
        for (Key k : ConfigKeys.all()) {
            assertFalse(ConfigKeys.isUnimplementedFastNetMonKey(k.name()), k.name());
        }
    }
}
