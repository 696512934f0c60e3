package fastnetmon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.detection.Fingerprint;

/**
 * A ban's fingerprint as JSON, the same in the API and the replay summary:
 * {@code {"sampled_packets": 20, "src_ports": [{"value": 123, "share": 0.98}, ...], "protocols": [{"value": "udp", ...}]}}.
 * Ports and TTLs are numbers, the rest strings; shares are fractions of the sampled packets, three decimals.
 * Stateless.
 */
public final class FingerprintJson {
    private FingerprintJson() {
    }

    public static ObjectNode of(Fingerprint f) {
        ObjectNode o = ApiJson.object().put("sampled_packets", f.sampledPackets());
        for (Fingerprint.Top t : f.dimensions()) {
            ArrayNode a = o.putArray(t.dimension().key);
            for (Fingerprint.Share s : t.shares()) {
                ObjectNode e = a.addObject();
                if (t.dimension().numeric) {
                    e.put("value", Long.parseLong(s.value()));
                } else {
                    e.put("value", s.value());
                }
                e.put("share", Math.round(s.share() * 1000) / 1000.0);
            }
        }
        return o;
    }
}
