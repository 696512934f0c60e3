package fastnetmon.mitigation;

import fastnetmon.config.Configuration;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What the ipset action adds for a ban, read from our {@code ipset_*} keys and {@code ban_time}. Immutable.
 *
 * @param enabled        {@code ipset}
 * @param setV4          {@code ipset_name}: the set for IPv4 addresses
 * @param setV6          {@code ipset_name_ipv6}: the set for IPv6 addresses
 * @param sources        {@code ipset_target = sources}: for an incoming attack, its top source addresses
 *                       from the samples instead of the banned host
 * @param maxSources     {@code ipset_max_sources}
 * @param timeoutSeconds each member's timeout: {@code ipset_timeout}, or when that is 0 {@code ban_time}
 *                       plus 60 s (capped at the kernel's highest, {@link #MAX_TIMEOUT}); 0 (no timeout)
 *                       when ban_time is 0, as such bans are never lifted
 */
public record IpsetSettings(boolean enabled, String setV4, String setV6, boolean sources, int maxSources,
                            int timeoutSeconds, String problemText) {
    /** The kernel's highest member timeout in seconds (ipset refuses more). */
    public static final int MAX_TIMEOUT = 2_147_483;
    /** The longest set name ipset takes. */
    static final int MAX_NAME = 31;

    public static IpsetSettings from(Configuration c) {
        String v4 = c.getString("ipset_name").trim(), v6 = c.getString("ipset_name_ipv6").trim();
        String problem = nameProblem("ipset_name", v4);
        if (problem == null) {
            problem = nameProblem("ipset_name_ipv6", v6);
        }
        if (problem == null && v4.equals(v6)) {
            problem = "ipset_name_ipv6: '" + v6 + "' is also ipset_name; a set holds one address family, name two sets";
        }
        return new IpsetSettings(c.getBoolean("ipset"), v4, v6, c.getString("ipset_target").equals("sources"),
                c.getInt("ipset_max_sources"), timeout(c.getInt("ipset_timeout"), c.getLong("ban_time")), problem);
    }

    /** The configured timeout, or the ban time plus a minute: the member outlives the ban only when its unban never comes. */
    static int timeout(int configured, long banTimeSeconds) {
        if (configured > 0) {
            return configured;
        }
        return banTimeSeconds == 0 ? 0 : (int) Math.min(MAX_TIMEOUT, banTimeSeconds + 60);
    }

    /** What keeps these settings from working, one line naming the key; empty when usable or off. */
    public Optional<String> problem() {
        return enabled ? Optional.ofNullable(problemText) : Optional.empty();
    }

    /** The set for this address family. */
    public String set(boolean ipv6) {
        return ipv6 ? setV6 : setV4;
    }

    /** Why ipset would refuse this set name (null: it would take it). */
    static String nameProblem(String key, String name) {
        if (name.isEmpty()) {
            return key + " is empty: name the set";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) { // the kernel counts bytes
            return key + ": '" + name + "' is longer than the " + MAX_NAME + " characters ipset takes";
        }
        if (name.chars().anyMatch(ch -> Character.isWhitespace(ch) || Character.isISOControl(ch))) {
            return key + ": '" + name + "' has spaces; ipset names are one word";
        }
        if (name.startsWith("-")) {
            return key + ": '" + name + "' starts with '-'; ipset would read it as an option";
        }
        return null;
    }
}
