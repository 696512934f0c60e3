package fastnetmon.sensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * One threat a sensor reports: a host of ours scanning, spamming or sweeping. Its JSON is the form the
 * NetFlow abuse analysers' tooling reads from AMQP:
 * {@code {"type": "portscan", "observer": "10.8.2.3", "offender": "192.168.111.117", "timestamp": 123456789,
 * "details": {"attacked_hosts": ["192.0.2.1", ...], "counts": {"flows": 140, ...}}}}. Immutable.
 *
 * @param type          the sensor: "portscan", "spam", "winscan"
 * @param observer      what saw it: the exporter's address (flows) or the capture interface (mirror)
 * @param offender      the source address (ours)
 * @param timestamp     seconds since the epoch of the flow or packet that made the report
 * @param attackedHosts the destinations, as addresses or (when reverse DNS answers) names, busiest first
 * @param counts        what the sensor counted in its window ("flows", "destinations", "ports", ...), in order
 */
public record ThreatEvent(String type, String observer, String offender, long timestamp, List<String> attackedHosts,
                          Map<String, Long> counts) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ThreatEvent {
        attackedHosts = List.copyOf(attackedHosts);
        counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
    }

    /** The same threat with these attacked hosts (named by reverse DNS, say). */
    public ThreatEvent withHosts(List<String> hosts) {
        return new ThreatEvent(type, observer, offender, timestamp, hosts, counts);
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type).put("observer", observer).put("offender", offender).put("timestamp", timestamp);
        ObjectNode details = o.putObject("details");
        attackedHosts.forEach(details.putArray("attacked_hosts")::add);
        ObjectNode c = details.putObject("counts");
        counts.forEach(c::put);
        return o;
    }

    /** The JSON as one line (what is published and logged). */
    public String toJsonText() {
        return toJson().toString();
    }
}
