package fastnetmon.mitigation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.networks.Cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * A blackhole: a unicast route for a host (/32, /128) or a monitored network, with its next hop and
 * communities ("65001:666"). Its identity is the prefix: a withdrawal names the prefix only.
 */
public record Route(Cidr prefix, String nextHop, List<String> communities) implements Announcement {
    static final String KIND = "route";

    public Route {
        communities = List.copyOf(communities);
    }

    @Override
    public String key() {
        return KIND + " " + prefix;
    }

    @Override
    public boolean ipv6() {
        return !prefix.isV4();
    }

    @Override
    public String text() {
        return prefix + " next-hop " + nextHop + (communities.isEmpty() ? "" : " community " + String.join(" ", communities));
    }

    @Override
    public ObjectNode toJson(ObjectNode into) {
        into.put("kind", KIND).put("prefix", prefix.toString()).put("next_hop", nextHop);
        communities.forEach(into.putArray("communities")::add);
        return into;
    }

    static Route fromJson(JsonNode n) {
        List<String> c = new ArrayList<>();
        n.path("communities").forEach(x -> c.add(x.asText()));
        return new Route(Cidr.parse(n.path("prefix").asText()), n.path("next_hop").asText(), c);
    }
}
