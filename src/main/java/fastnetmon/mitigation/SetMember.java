package fastnetmon.mitigation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.networks.Cidr;

/**
 * An address in a named ipset, with the timeout the kernel removes it after (0: none). Its identity is
 * the set and the address.
 */
public record SetMember(String set, Cidr address, int timeoutSeconds) implements Announcement {
    static final String KIND = "ipset";

    @Override
    public String key() {
        return KIND + " " + set + " " + address;
    }

    /** Half its timeout: re-adding refreshes it well before the kernel drops it. */
    @Override
    public long refreshSeconds() {
        return timeoutSeconds > 0 ? Math.max(1, timeoutSeconds / 2) : 0;
    }

    @Override
    public boolean ipv6() {
        return !address.isV4();
    }

    @Override
    public String text() {
        return address + " in ipset " + set + (timeoutSeconds > 0 ? " timeout " + timeoutSeconds : "");
    }

    @Override
    public ObjectNode toJson(ObjectNode into) {
        return into.put("kind", KIND).put("set", set).put("address", address.toString()).put("timeout", timeoutSeconds);
    }

    static SetMember fromJson(JsonNode n) {
        return new SetMember(n.path("set").asText(), Cidr.parse(n.path("address").asText()), n.path("timeout").asInt());
    }
}
