package fastnetmon.config;

import static fastnetmon.config.ConfigKeys.FNM;
import static fastnetmon.config.ConfigKeys.OURS;
import static fastnetmon.config.ConfigKeys.choice;
import static fastnetmon.config.ConfigKeys.key;

import fastnetmon.config.ConfigKeys.Type;

/**
 * The keys of mitigation: BGP blackholes through ExaBGP and GoBGP (FastNetMon CE's names), FlowSpec
 * rules from the attack's fingerprint and ipset bans (ours). Part of {@link ConfigKeys}' registry, kept
 * apart to keep that class readable; {@link #define} is called once from its static initializer.
 */
final class MitigationKeys {
    private MitigationKeys() {
    }

    static void define() {
        // ExaBGP, through the command pipe its API process reads (FastNetMon CE's keys)
        key("exabgp", Type.BOOL, "off", FNM, "Announce banned hosts through ExaBGP's command pipe (and withdraw them at unban)");
        key("exabgp_command_pipe", Type.PATH, "/var/run/exabgp.cmd", FNM, "Named pipe ExaBGP's API process reads commands from (e.g. run /usr/bin/socat stdout pipe:/var/run/exabgp.cmd)");
        key("exabgp_community", Type.STRING, "65001:666", FNM, "Community (ASN:VALUE) or list of them ([65001:666 65001:777]) of every announcement");
        key("exabgp_community_host", Type.STRING, "", FNM, "Communities of host announcements (empty: exabgp_community)");
        key("exabgp_community_subnet", Type.STRING, "", FNM, "Communities of subnet announcements (empty: exabgp_community)");
        key("exabgp_next_hop", Type.STRING, "10.0.3.114", FNM, "Next hop of IPv4 announcements");
        key("exabgp_next_hop_ipv6", Type.STRING, "100::1", OURS, "Next hop of IPv6 announcements");
        key("exabgp_announce_host", Type.BOOL, "on", FNM, "Announce the banned host (/32, /128)");
        key("exabgp_announce_whole_subnet", Type.BOOL, "off", FNM, "Announce the monitored network the banned host belongs to");
        key("exabgp_flowspec", Type.BOOL, "off", OURS, "Announce a FlowSpec rule made from the attack's fingerprint instead of a blackhole (see Mitigation)");

        // GoBGP, through gobgpd's gRPC API (FastNetMon CE's keys, plus the API's address)
        key("gobgp", Type.BOOL, "off", FNM, "Announce banned hosts through gobgpd's gRPC API (and withdraw them at unban)");
        key("gobgp_api_host", Type.STRING, "127.0.0.1", OURS, "Address of gobgpd's gRPC API");
        key("gobgp_api_port", Type.INT, "50051", OURS, "Port of gobgpd's gRPC API", 1, 65535);
        key("gobgp_next_hop", Type.STRING, "0.0.0.0", FNM, "Next hop of IPv4 announcements");
        key("gobgp_announce_host", Type.BOOL, "on", FNM, "Announce the banned IPv4 host (/32)");
        key("gobgp_announce_whole_subnet", Type.BOOL, "off", FNM, "Announce the monitored IPv4 network the banned host belongs to");
        key("gobgp_community_host", Type.STRING, "65001:666", FNM, "Communities of IPv4 host announcements (ASN:VALUE, or a list [A:B C:D])");
        key("gobgp_community_subnet", Type.STRING, "65001:777", FNM, "Communities of IPv4 subnet announcements");
        key("gobgp_next_hop_ipv6", Type.STRING, "100::1", FNM, "Next hop of IPv6 announcements");
        key("gobgp_announce_host_ipv6", Type.BOOL, "off", FNM, "Announce the banned IPv6 host (/128)");
        key("gobgp_announce_whole_subnet_ipv6", Type.BOOL, "off", FNM, "Announce the monitored IPv6 network the banned host belongs to");
        key("gobgp_community_host_ipv6", Type.STRING, "65001:666", FNM, "Communities of IPv6 host announcements");
        key("gobgp_community_subnet_ipv6", Type.STRING, "65001:777", FNM, "Communities of IPv6 subnet announcements");
        key("gobgp_flowspec", Type.BOOL, "off", OURS, "Announce a FlowSpec rule made from the attack's fingerprint instead of a blackhole (see Mitigation)");

        // FlowSpec rules from the fingerprint (ours), for either daemon
        choice("flowspec_action", "discard", OURS, "What the rule asks routers to do with the attack's traffic", "discard", "rate-limit");
        key("flowspec_rate_limit", Type.LONG, "0", OURS, "Bytes per second the attack's traffic is limited to with flowspec_action = rate-limit", 0, 1L << 40);
        key("flowspec_min_share", Type.INT, "90", OURS, "Percent of the sampled packets a value must cover to go into the rule (a protocol, port or TCP flags)", 50, 100);
        key("flowspec_fallback_blackhole", Type.BOOL, "on", OURS, "When no narrow rule can be made, announce the blackhole (the daemon's announce_host / announce_whole_subnet) instead");

        key("mitigation_resync_interval", Type.INT, "60", OURS, "Seconds between announcing again what is in force (ExaBGP, gobgpd, ipset), which a daemon's restart loses; 0: never", 0, 86400);

        // ipset (ours, as phalanx does)
        key("ipset", Type.BOOL, "off", OURS, "Add banned hosts to an ipset (with a timeout) and remove them at unban");
        key("ipset_name", Type.STRING, "fastnetmon_bans", OURS, "ipset for IPv4 addresses (hash:ip family inet; created when missing)");
        key("ipset_name_ipv6", Type.STRING, "fastnetmon_bans6", OURS, "ipset for IPv6 addresses (hash:ip family inet6; created when missing)");
        choice("ipset_target", "host", OURS, "What is added: the banned host itself, or, for an incoming attack, its top source addresses from the samples", "host", "sources");
        key("ipset_max_sources", Type.INT, "20", OURS, "With ipset_target = sources: at most this many source addresses per ban", 1, 1000);
        key("ipset_timeout", Type.INT, "0", OURS, "Timeout of each member in seconds, a safety net if the unban never comes (0: ban_time plus 60 s)", 0, 2_000_000);
    }
}
