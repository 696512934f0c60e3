package fastnetmon.mitigation;

import fastnetmon.config.Configuration;
import fastnetmon.networks.IpAddresses;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one BGP daemon announces for a ban, read from FastNetMon's keys ({@code exabgp_*} or
 * {@code gobgp_*}) and ours ({@code flowspec_*}). Immutable.
 *
 * @param daemon        "exabgp" or "gobgp": the action's name, and the prefix of its keys
 * @param hostV4        announce the banned IPv4 host (/32)
 * @param subnetV4      announce the monitored IPv4 network it belongs to
 * @param hostV6        announce the banned IPv6 host (/128)
 * @param subnetV6      announce the monitored IPv6 network it belongs to
 * @param flowSpec      a FlowSpec rule from the fingerprint instead of a blackhole
 * @param commandPipe   ExaBGP's command pipe (null for GoBGP)
 * @param apiHost       gobgpd's gRPC API (null for ExaBGP)
 */
public record BgpSettings(String daemon, boolean enabled, boolean hostV4, boolean subnetV4, boolean hostV6, boolean subnetV6,
                          List<String> hostCommunitiesV4, List<String> subnetCommunitiesV4,
                          List<String> hostCommunitiesV6, List<String> subnetCommunitiesV6,
                          String nextHopV4, String nextHopV6, boolean flowSpec, FlowSpecSettings flowSpecSettings,
                          Path commandPipe, String apiHost, int apiPort, String problemText) {

    public static BgpSettings exabgp(Configuration c) {
        List<String> problems = new ArrayList<>();
        List<String> all = communities(c, "exabgp_community", problems);
        List<String> host = c.getString("exabgp_community_host").isBlank() ? all : communities(c, "exabgp_community_host", problems);
        List<String> subnet = c.getString("exabgp_community_subnet").isBlank() ? all : communities(c, "exabgp_community_subnet", problems);
        String nh4 = nextHop(c, "exabgp_next_hop", false, problems);
        String nh6 = nextHop(c, "exabgp_next_hop_ipv6", true, problems);
        boolean h = c.getBoolean("exabgp_announce_host"), s = c.getBoolean("exabgp_announce_whole_subnet");
        return new BgpSettings("exabgp", c.getBoolean("exabgp"), h, s, h, s, host, subnet, host, subnet, nh4, nh6,
                c.getBoolean("exabgp_flowspec"), FlowSpecSettings.from(c), c.getPath("exabgp_command_pipe"), null, 0,
                problems.isEmpty() ? null : problems.get(0));
    }

    public static BgpSettings gobgp(Configuration c) {
        List<String> problems = new ArrayList<>();
        List<String> host4 = communities(c, "gobgp_community_host", problems);
        List<String> subnet4 = communities(c, "gobgp_community_subnet", problems);
        List<String> host6 = communities(c, "gobgp_community_host_ipv6", problems);
        List<String> subnet6 = communities(c, "gobgp_community_subnet_ipv6", problems);
        String nh4 = nextHop(c, "gobgp_next_hop", false, problems);
        String nh6 = nextHop(c, "gobgp_next_hop_ipv6", true, problems);
        String api = c.getString("gobgp_api_host").trim();
        if (api.isEmpty()) {
            problems.add("gobgp_api_host is empty: no gobgpd to talk to");
        }
        return new BgpSettings("gobgp", c.getBoolean("gobgp"), c.getBoolean("gobgp_announce_host"),
                c.getBoolean("gobgp_announce_whole_subnet"), c.getBoolean("gobgp_announce_host_ipv6"),
                c.getBoolean("gobgp_announce_whole_subnet_ipv6"), host4, subnet4, host6, subnet6, nh4, nh6,
                c.getBoolean("gobgp_flowspec"), FlowSpecSettings.from(c), null, api, c.getInt("gobgp_api_port"),
                problems.isEmpty() ? null : problems.get(0));
    }

    /** What keeps these settings from working, one line naming the key; empty when usable or off. */
    public Optional<String> problem() {
        return enabled ? Optional.ofNullable(problemText) : Optional.empty();
    }

    /**
     * Communities as FastNetMon writes them: {@code 65001:666}, or a list {@code [65001:666 65001:777]}
     * (commas also separate). Each half 0-65535.
     */
    static List<String> parseCommunities(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String part : t.split("[\\s,]+")) {
            if (part.isEmpty()) {
                continue;
            }
            int colon = part.indexOf(':');
            if (colon <= 0 || !isUint16(part.substring(0, colon)) || !isUint16(part.substring(colon + 1))) {
                throw new IllegalArgumentException("'" + part + "' is not a community (ASN:VALUE, each 0-65535)");
            }
            out.add(Integer.parseInt(part.substring(0, colon)) + ":" + Integer.parseInt(part.substring(colon + 1)));
        }
        return List.copyOf(out);
    }

    private static boolean isUint16(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return false;
        }
        return Integer.parseInt(s) <= 65535;
    }

    private static List<String> communities(Configuration c, String key, List<String> problems) {
        try {
            return parseCommunities(c.getString(key));
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return List.of();
        }
    }

    private static String nextHop(Configuration c, String key, boolean v6, List<String> problems) {
        String s = c.getString(key).trim();
        long[] a = IpAddresses.parse(s);
        if (a == null || (s.indexOf(':') >= 0) != v6) {
            problems.add(key + ": '" + s + "' is not an IPv" + (v6 ? "6" : "4") + " address");
        }
        return s;
    }
}
