package fastnetmon.metrics;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowMetricsNamesTest {
    @Test
    void fastNetMonsFlowCounterNamesAreExposed() {
        List<String> names = new FlowMetrics(List::of).collect().stream().map(m -> m.getMetadata().getPrometheusName()).toList();
        for (String n : new String[]{"fastnetmon_netflow_ipfix_all_protocols_total_flows", "fastnetmon_netflow_v9_total_flows",
                "fastnetmon_netflow_v9_total_packets", "fastnetmon_ipfix_total_flows", "fastnetmon_sflow_total_packets", "fastnetmon_sflow_raw_packet_headers", "fastnetmon_netflow_ipfix_udp_packet_drops"}) {
            assertTrue(names.contains(n), n + " in " + names);
        }
    }
}
