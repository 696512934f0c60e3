package fastnetmon.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowMetricsNamesTest {
    @Test
    void fastNetMonsFlowCounterNamesAreExposedAsCounters() {
        Map<String, MetricFamily.Type> types = new FlowMetrics(List::of).collect().stream()
                .collect(Collectors.toMap(MetricFamily::name, MetricFamily::type));
        for (String n : new String[]{"fastnetmon_netflow_ipfix_all_protocols_total_flows", "fastnetmon_netflow_v9_total_flows",
                "fastnetmon_netflow_v9_total_packets", "fastnetmon_ipfix_total_flows", "fastnetmon_sflow_total_packets",
                "fastnetmon_sflow_raw_packet_headers_total", "fastnetmon_netflow_ipfix_udp_packet_drops"}) {
            assertEquals(MetricFamily.Type.COUNTER, types.get(n), n + " in " + types.keySet());
        }
    }
}
