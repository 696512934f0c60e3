package fastnetmon.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one registry of supported configuration keys (FastNetMon CE names and meanings): used to validate
 * files, to supply defaults, and to print the configuration reference.
 */
public final class ConfigKeys {
    /** The most hosts one shard can count one by one (64M): the bound of max_tracked_hosts, and the shard's size. */
    public static final int MAX_TRACKED_HOSTS = 1 << 26;
    private ConfigKeys() {
    }

    public enum Type {
        BOOL, INT, LONG, DOUBLE, STRING, PATH, ENUM,
        /** Comma-separated list of strings. */
        LIST,
        /** {@code hostgroup = name:cidr,cidr}, may appear many times. */
        HOSTGROUP
    }

    /**
     * One key. {@code defaultText} is written as in a configuration file; {@code min}/{@code max} bound
     * numbers; {@code choices} lists ENUM values; {@code origin} says where the key comes from ("FastNetMon",
     * or how we differ); {@code perHostgroup} keys may be overridden as {@code NAME_key}.
     */
    public record Key(String name, Type type, String defaultText, String description, long min, long max,
                      List<String> choices, String origin, boolean perHostgroup) {
    }

    static final String FNM = "FastNetMon";
    static final String OURS = "this version";
    private static final Map<String, Key> KEYS = new LinkedHashMap<>();
    private static final Map<String, Object> DEFAULTS = new LinkedHashMap<>();

    /** A key that is not a number; numeric keys name their range (below). */
    static void key(String name, Type type, String def, String origin, String description) {
        if (type == Type.INT || type == Type.LONG || type == Type.DOUBLE) {
            throw new IllegalStateException(name + ": a numeric key needs its allowed range");
        }
        key(name, type, def, origin, description, 0, 0);
    }

    static void key(String name, Type type, String def, String origin, String description, long min, long max) {
        KEYS.put(name, new Key(name, type, def, description, min, max, List.of(), origin, false));
    }

    static void choice(String name, String def, String origin, String description, String... choices) {
        KEYS.put(name, new Key(name, Type.ENUM, def, description, 0, 0, List.of(choices), origin, false));
    }

    /** Highest threshold_*_pps and threshold_flows: 10^12 per second, far above any link. */
    static final long MAX_RATE = 1_000_000_000_000L;
    /** Highest threshold_*_mbps: 10^9 mbps (1 Pbit/s); bits per second stay far from overflow. */
    static final long MAX_MBPS = 1_000_000_000L;
    /** Highest ban_time: ten years, so that seconds in nanoseconds never overflow a long. */
    static final long MAX_BAN_TIME = 10L * 365 * 24 * 3600;

    private static void group(String name, Type type, String def, String description) {
        long max = type == Type.BOOL ? 0 : name.endsWith("_mbps") ? MAX_MBPS : MAX_RATE;
        KEYS.put(name, new Key(name, type, def, description, 0, max, List.of(),
                name.contains("tcp_syn") ? "FastNetMon Advanced's name (CE has no SYN thresholds)"
                        : name.contains("_total_") ? OURS : FNM, true));
    }

    static {
        // General
        choice("logging_level", "info", FNM + " (accepts info, debug)", "Log level", "debug", "info", "warn", "error");
        key("log_file", Type.PATH, "/var/log/fastnetmon-java/fastnetmon.log", OURS + " (FastNetMon's is fixed: /var/log/fastnetmon.log)", "Log file");
        key("pid_path", Type.PATH, "/run/fastnetmon-java/fastnetmon.pid", "FastNetMon (its default is /var/run/fastnetmon.pid)", "PID file, also guards against a second instance (--disable_pid_logic: neither)");
        key("daemonize", Type.BOOL, "off", OURS + " (FastNetMon's --daemonize flag)", "Detach from the terminal and run in the background");

        // Bans
        group("enable_ban", Type.BOOL, "on", "Run ban actions (notify script) when an attack is detected; off = detect and log only");
        group("enable_ban_ipv6", Type.BOOL, "on", "Same as enable_ban, for IPv6 hosts");
        key("process_incoming_traffic", Type.BOOL, "on", FNM, "Count and check traffic towards our networks");
        key("process_outgoing_traffic", Type.BOOL, "on", FNM, "Count and check traffic from our networks");
        key("ban_details_records_count", Type.INT, "100", "FastNetMon (its default is 20)", "Packets collected from attack traffic for the attack details", 0, 100_000);
        key("ban_time", Type.LONG, "1900", FNM, "Seconds an IP stays banned; 0 disables unban", 0, MAX_BAN_TIME);
        key("unban_only_if_attack_finished", Type.BOOL, "on", FNM, "Postpone the unban while the attack is still going on");
        key("networks_list_path", Type.PATH, "/etc/networks_list", FNM, "File listing our networks, one CIDR per line (IPv4 and IPv6)");
        key("white_list_path", Type.PATH, "/etc/networks_whitelist", FNM, "File listing CIDRs never banned; may be missing unless set explicitly");

        // Thresholds (the hostgroup-overridable ones)
        group("ban_for_pps", Type.BOOL, "on", "Ban for total packets per second above threshold_pps");
        group("ban_for_bandwidth", Type.BOOL, "on", "Ban for total bandwidth above threshold_mbps");
        group("ban_for_flows", Type.BOOL, "off", "Ban for flows per second above threshold_flows");
        group("threshold_pps", Type.LONG, "20000", "Total packets per second, per host and direction");
        group("threshold_mbps", Type.LONG, "1000", "Total megabits per second, per host and direction");
        group("threshold_flows", Type.LONG, "3500", "New flows per second, per host and direction");
        group("ban_for_total_pps", Type.BOOL, "off", "Ban a hostgroup's network as a whole (its CIDR goes to the notify script) when the sum of its hosts' packets per second in a direction is above threshold_total_pps: carpet bombing");
        group("ban_for_total_bandwidth", Type.BOOL, "off", "The same for the sum of its hosts' megabits per second, above threshold_total_mbps");
        group("ban_for_total_flows", Type.BOOL, "off", "The same for the sum of its hosts' new flows per second, above threshold_total_flows");
        group("threshold_total_pps", Type.LONG, "1000000", "Packets per second of a hostgroup's network in total, per direction");
        group("threshold_total_mbps", Type.LONG, "10000", "Megabits per second of a hostgroup's network in total, per direction");
        group("threshold_total_flows", Type.LONG, "100000", "New flows per second of a hostgroup's network in total, per direction");
        for (String p : new String[]{"tcp", "udp", "icmp", "tcp_syn"}) {
            String what = p.equals("tcp_syn") ? "TCP SYN" : p.toUpperCase(Locale.ROOT);
            group("ban_for_" + p + "_pps", Type.BOOL, "off", "Ban for " + what + " packets per second above threshold_" + p + "_pps");
            group("ban_for_" + p + "_bandwidth", Type.BOOL, "off", "Ban for " + what + " bandwidth above threshold_" + p + "_mbps");
            group("threshold_" + p + "_pps", Type.LONG, "100000", what + " packets per second, per host and direction");
            group("threshold_" + p + "_mbps", Type.LONG, "100000", what + " megabits per second, per host and direction");
        }
        KEYS.put("hostgroup", new Key("hostgroup", Type.HOSTGROUP, "", "Group of networks with its own thresholds: "
                + "`hostgroup = name:cidr,cidr` (repeatable); override per group with `name_threshold_pps = ...` etc.",
                0, 0, List.of(), FNM, false));

        // Speed calculation
        key("max_tracked_hosts", Type.INT, "0", OURS, "Hosts counted one by one per capture thread at most (0: as many as a third of the Java heap holds); packets of further hosts count in the totals and their network's, and a host among them whose rate is heavy takes the place of a lighter one (see Guarantees)", 0, MAX_TRACKED_HOSTS);
        key("tracked_host_idle_time", Type.INT, "120", OURS, "Seconds without traffic after which a host counted one by one gives its place (and, once its neighbours have too, its memory) back", 1, 86400);
        key("average_calculation_time", Type.INT, "5", FNM, "Seconds over which speeds are averaged", 1, 3600);
        key("detection_interval_ms", Type.INT, "100", OURS, "Milliseconds between evaluations: each checks every host's traffic over the last second (a sliding window), so a ban comes within this long of the threshold being crossed", 10, 1000);
        key("speed_calculation_delay", Type.INT, "1", FNM + " (accepted; speeds are recalculated every second)", "Seconds between speed recalculations", 1, 3600);

        // Actions
        key("notify_script_path", Type.PATH, "/usr/local/bin/notify_about_attack.sh", FNM, "Script run on ban, unban and attack details");
        key("notify_script_enabled", Type.BOOL, "on", OURS + " (FastNetMon runs the script when it exists)", "Run notify_script_path");
        key("notify_script_timeout", Type.INT, "60", OURS, "Seconds before a running notify script is killed", 1, 86400);
        key("attack_details_folder", Type.PATH, "/var/log/fastnetmon_attacks", OURS + " (FastNetMon's fixed folder)", "Folder for attack details files");
        key("ban_state_path", Type.PATH, "", OURS, "File keeping the bans in force, so a restarted detector unbans them when their ban_time is over. "
                + "Not set: /var/lib/fastnetmon-java/CONF.bans.json, CONF being the configuration file's path with / as - "
                + "(instances with different configurations never share bans); set empty: not kept");
        key("collect_attack_pcap_dumps", Type.BOOL, "off", FNM + " (accepted, not implemented yet)", "Save attack packets as pcap");

        // Capture
        key("interfaces", Type.LIST, "", FNM, "Comma-separated interfaces to capture on (the command line's IFACE,IFACE overrides it)");
        key("mirror_afpacket", Type.BOOL, "on", "FastNetMon (its default is off)", "Capture with AF_PACKET (port mirror)");
        key("mirror", Type.BOOL, "off", FNM, "Capture with PF_RING (same as pfring)");
        key("pfring", Type.BOOL, "off", OURS, "Capture with PF_RING");
        key("pcap", Type.BOOL, "off", FNM, "Capture with libpcap (slow)");
        key("pcap_filter", Type.STRING, "", OURS, "BPF filter for the pcap capture; empty = all traffic");
        choice("mirror_af_packet_fanout_mode", "cpu", FNM, "AF_PACKET fanout mode",
                "cpu", "lb", "hash", "random", "rollover", "queue_mapping");
        key("mirror_af_packet_custom_sampling_rate", Type.INT, "1", FNM, "Multiply captured traffic by this (sampled mirror ports)", 1, 1_000_000);
        key("af_packet_read_packet_length_from_ip_header", Type.BOOL, "off", FNM, "Take packet length from the IP header (truncated mirroring)");
        key("af_packet_threads", Type.INT, "0", OURS, "AF_PACKET capture threads (fanout members) per interface; 0 = one per core", 0, 1024);
        key("af_packet_block_size", Type.INT, "1048576", OURS, "TPACKET_V3 ring block size in bytes (a power of two, multiple of the page size)", 4096, 1 << 30);
        key("af_packet_block_count", Type.INT, "64", OURS, "TPACKET_V3 ring blocks per capture thread", 2, 65536);
        key("af_packet_block_timeout", Type.INT, "10", OURS, "Milliseconds before the kernel hands over a block that is not full", 1, 60000);
        key("pcap_interfaces", Type.LIST, "", OURS, "Interfaces captured with libpcap beside the engine chosen for interfaces (e.g. AF_PACKET on eth3, libpcap on tun0); they take pcap_filter");

        // Monitoring and API
        key("prometheus", Type.BOOL, "on", FNM, "Serve Prometheus metrics");
        key("prometheus_host", Type.STRING, "127.0.0.1", FNM, "Prometheus listen address");
        key("prometheus_port", Type.INT, "9209", FNM, "Prometheus listen port", 1, 65535);
        key("api", Type.BOOL, "on", OURS + " (alias of enable_api)", "Serve the HTTP API; off here or in enable_api turns it off");
        key("enable_api", Type.BOOL, "on", FNM, "Serve the APIs: FastNetMon's gRPC API and our HTTP API");
        key("api_host", Type.STRING, "127.0.0.1", OURS + " (FastNetMon's is fixed)", "API listen address");
        key("api_port", Type.INT, "10007", OURS + " (FastNetMon's gRPC API uses 50052)", "API listen port", 1, 65535);
        key("grpc_api", Type.BOOL, "on", OURS, "Serve FastNetMon's gRPC API (fastnetmon_api_client); off here or in enable_api turns it off");
        key("grpc_api_host", Type.STRING, "127.0.0.1", OURS + " (FastNetMon's is fixed)", "gRPC API listen address");
        key("grpc_api_port", Type.INT, "50052", OURS + " (FastNetMon's is fixed)", "gRPC API listen port", 1, 65535);

        // Console client
        key("check_period", Type.INT, "1", FNM, "Seconds between console screen redraws", 1, 3600);
        choice("sort_parameter", "packets", FNM, "Console sort order", "packets", "bytes", "flows");
        key("max_ips_in_list", Type.INT, "7", FNM, "Hosts listed per direction on the console", 1, 10000);
        key("cli_stats_file_path", Type.PATH, "/tmp/fastnetmon.dat", FNM,
                "Screen file for FastNetMon's fastnetmon_client, rewritten every second (IPv6 hosts included); empty: none");

        // Actions (appended by the actions stage)
        key("notify_script_max_running", Type.INT, "64", OURS, "Notify script calls running at once at most (each for a different host; one host's calls run one after another)", 1, 4096);

        // HTTP surfaces (API and metrics), each server on its own
        key("http_max_connections", Type.INT, "64", OURS, "Open connections per HTTP server (API, metrics) at most; further ones are closed at once", 1, 10000);
        key("http_max_connections_per_client", Type.INT, "16", OURS, "Open connections from one client address per HTTP server at most; further ones are closed at once", 1, 10000);
        key("http_request_timeout", Type.INT, "10", OURS, "Seconds a client has to send a whole request (and the longest a connection may stay idle)", 1, 300);

        // Flow collectors (sFlow v5, NetFlow v5/v9, IPFIX)
        key("sflow", Type.BOOL, "off", FNM, "Collect sFlow v5 on sflow_host:sflow_port (alongside mirror capture, or alone)");
        key("sflow_host", Type.STRING, "0.0.0.0", FNM, "Address the sFlow collector listens on (\"::\" for IPv6 and IPv4)");
        key("sflow_port", Type.LIST, "6343", FNM, "sFlow UDP port(s), comma-separated");
        key("sflow_read_packet_length_from_ip_header", Type.BOOL, "off", FNM, "Count sFlow sample bytes from the IP header's total length instead of the frame length");
        key("netflow", Type.BOOL, "off", FNM, "Collect NetFlow v5/v9 and IPFIX on netflow_host:netflow_port (alongside mirror capture, or alone)");
        key("netflow_host", Type.STRING, "0.0.0.0", FNM, "Address the NetFlow/IPFIX collector listens on (\"::\" for IPv6 and IPv4)");
        key("netflow_port", Type.LIST, "2055", FNM, "NetFlow/IPFIX UDP port(s), comma-separated");
        key("netflow_sampling_ratio", Type.INT, "1", FNM, "Sampling rate of NetFlow v9/IPFIX records when the exporter sends no sampling options data", 1, 1_000_000);
        key("flow_threads", Type.INT, "0", OURS, "Receiving threads (SO_REUSEPORT sockets) per flow port; 0 = one per core", 0, 256);
        key("flow_max_lag", Type.INT, "3", OURS, "Most seconds a second waits for its late flow records before it is evaluated (see Flow collectors in the README)", 0, 30);
        key("flow_buffer_records", Type.INT, "262144", OURS, "Flow records each receiving thread holds for the seconds they cover (64 bytes each); beyond, records count at once", 0, 1 << 26);
        key("flow_socket_buffer", Type.INT, "16777216", OURS, "Receive buffer of each flow socket in bytes (SO_RCVBUFFORCE when allowed, else capped by net.core.rmem_max)", 65536, 1 << 30);
        key("enable_connection_tracking", Type.BOOL, "off", FNM, "List the banned host's flows (TCP and UDP, both ways, from its packets in the second after the ban) in the ban text; the ban goes out one second later");
        key("api_ban_outside_networks", Type.BOOL, "off", OURS, "Let a ban by hand through the HTTP API name an address outside the monitored networks");

        // Learned baselines (global only): a host is also banned when a rate exceeds max(floor, multiplier x its baseline)
        key("baseline_detection", Type.BOOL, "off", OURS, "Learn each host's normal pps, mbps and flows per direction and also ban a host whose rate exceeds max(baseline_floor_*, baseline_multiplier x its baseline) (see How it detects)");
        key("baseline_multiplier", Type.DOUBLE, "4", OURS, "How many times its baseline a host's rate may reach before it is banned (from 1 to 1000)", 1, 1000);
        key("baseline_floor_pps", Type.LONG, "1000", OURS, "Packets per second at or below which no host is banned for its baseline (the floor of its limit)", 0, MAX_RATE);
        key("baseline_floor_mbps", Type.LONG, "10", OURS, "Megabits per second at or below which no host is banned for its baseline (the floor of its limit)", 0, MAX_MBPS);
        key("baseline_floor_flows", Type.LONG, "500", OURS, "Flows per second at or below which no host is banned for its baseline (the floor of its limit)", 0, MAX_RATE);
        key("baseline_learning_time", Type.INT, "3600", OURS, "Seconds over which the baselines are smoothed (the time constant: older traffic weighs less)", 10, 30 * 86400);
        key("baseline_warmup_time", Type.INT, "3600", OURS, "Seconds a host's baseline is learned before it can ban the host", 0, 30 * 86400);
        key("baseline_save_interval", Type.INT, "600", OURS, "Seconds between writes of baseline_state_path (also written at stop)", 10, 86400);
        key("baseline_state_path", Type.PATH, "", OURS, "File keeping the learned baselines across restarts. "
                + "Not set: /var/lib/fastnetmon-java/CONF.baselines, beside the ban state file; set empty: not kept");

        OutputKeys.define();
        MitigationKeys.define();
        SensorKeys.define();
        AmqpKeys.define();
        ClusterKeys.define();

        for (Key k : KEYS.values()) {
            if (k.type() != Type.HOSTGROUP) {
                DEFAULTS.put(k.name(), parse(k, k.name(), k.defaultText()));
            }
        }
    }

    /** FastNetMon CE options this version accepts but does not implement (a warning, not an error). */
    private static final Set<String> UNIMPLEMENTED = Set.of(
            "logging_local_syslog_logging", "logging_remote_syslog_logging", "logging_remote_syslog_server",
            "logging_remote_syslog_port", "disable_usage_report", "dump_all_traffic", "dump_other_traffic",
            "enable_subnet_counters", "average_calculation_time_for_subnets",
            "mirror_netmap", "mirror_afxdp", "poll_mode_xdp", "zero_copy_xdp", "force_native_mode_xdp",
            "microcode_xdp_path", "pfring_sampling_ratio", "enable_pf_ring_zc_mode",
            "notify_script_pass_details", "process_pcap_attack_dumps_with_dpi", "monitor_local_ip_addresses",
            "monitor_openvz_vps_ip_addresses", "cli_stats_ipv6_file_path",
            "clickhouse_metrics", "kafka_traffic_export");
    private static final List<String> UNIMPLEMENTED_PREFIXES = List.of(
            "logging:", "netflow_", "sflow_", "netmap_", "xdp_", "mongodb_", "exabgp_", "gobgp_",
            "clickhouse_metrics_", "kafka_traffic_export_");

    /** The key, or null when it is not supported. */
    public static Key get(String name) {
        return KEYS.get(name);
    }

    /** All supported keys, in reference order. */
    public static Collection<Key> all() {
        return Collections.unmodifiableCollection(KEYS.values());
    }

    /** Typed default (Boolean, Integer, Long, Double, String, List&lt;String&gt;); paths as unresolved text. */
    public static Object defaultValue(String name) {
        Object v = DEFAULTS.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no such configuration key: " + name);
        }
        return v;
    }

    /** Whether FastNetMon CE has this option and this version ignores it. */
    public static boolean isUnimplementedFastNetMonKey(String name) {
        return !KEYS.containsKey(name)
                && (UNIMPLEMENTED.contains(name) || UNIMPLEMENTED_PREFIXES.stream().anyMatch(name::startsWith));
    }

    /** Names of the keys a hostgroup may override. */
    public static List<String> perHostgroupKeys() {
        return KEYS.values().stream().filter(Key::perHostgroup).map(Key::name).toList();
    }

    /**
     * Parses a raw value for {@code key}; {@code label} is the key name as written (e.g. a hostgroup override).
     * Throws IllegalArgumentException with "label: 'raw' problem".
     */
    static Object parse(Key key, String label, String raw) {
        String v = raw.trim();
        switch (key.type()) {
            case BOOL:
                switch (v.toLowerCase(Locale.ROOT)) {
                    case "on", "yes", "true", "1":
                        return Boolean.TRUE;
                    case "off", "no", "false", "0":
                        return Boolean.FALSE;
                    default:
                        throw bad(label, v, "is not on or off");
                }
            case INT:
            case LONG: {
                long n;
                if (!v.matches("[+-]?[0-9]+")) {
                    throw bad(label, v, "is not a whole number (allowed: " + range(key) + ")");
                }
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    n = v.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
                }
                if (n < key.min() || n > key.max()) {
                    throw bad(label, v, "is out of range (allowed: " + range(key) + ")");
                }
                return key.type() == Type.INT ? (Object) (int) n : (Object) n;
            }
            case DOUBLE: {
                if (!v.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                    throw bad(label, v, "is not a number");
                }
                double d = Double.parseDouble(v);
                if (d < key.min() || d > key.max()) {
                    throw bad(label, v, "must be between " + key.min() + " and " + key.max());
                }
                return d;
            }
            case ENUM: {
                String lower = v.toLowerCase(Locale.ROOT);
                if (!key.choices().contains(lower)) {
                    throw bad(label, v, "must be one of " + String.join(", ", key.choices()));
                }
                return lower;
            }
            case LIST: {
                List<String> items = new ArrayList<>();
                for (String s : v.split(",")) {
                    if (!s.isBlank()) {
                        items.add(s.trim());
                    }
                }
                return List.copyOf(items);
            }
            default:
                return v;
        }
    }

    /** "0-315360000": the allowed range of a numeric key, as messages and the reference show it. */
    public static String range(Key key) {
        return key.min() + "-" + key.max();
    }

    private static IllegalArgumentException bad(String label, String value, String problem) {
        return new IllegalArgumentException(label + ": '" + value + "' " + problem);
    }

    /** What values the key takes, for the references (README table, man page): "on/off", "integer 1-65535", ... */
    public static String typeText(Key k) {
        return switch (k.type()) {
            case ENUM -> String.join(" / ", k.choices());
            case BOOL -> "on/off";
            case HOSTGROUP -> "name:cidr,cidr";
            case LIST -> "list";
            case INT, LONG -> "integer " + range(k);
            default -> k.type().name().toLowerCase(Locale.ROOT);
        };
    }

    /** FastNetMon options accepted but not implemented, sorted, and the prefixes of such option families. */
    public static List<String> unimplemented() {
        List<String> names = new ArrayList<>(UNIMPLEMENTED);
        Collections.sort(names);
        return names;
    }

    public static List<String> unimplementedPrefixes() {
        return UNIMPLEMENTED_PREFIXES;
    }

    /** The configuration reference as a markdown table, for the README. */
    public static String markdownReference() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Key | Type | Default | Description | Origin |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Key k : KEYS.values()) {
            String type = typeText(k);
            String def = k.defaultText().isEmpty() ? "(empty)" : "`" + k.defaultText() + "`";
            String desc = k.description() + (k.perHostgroup() ? " (per hostgroup)" : "");
            sb.append("| `").append(k.name()).append("` | ").append(type).append(" | ").append(def).append(" | ")
                    .append(desc.replace("|", "\\|")).append(" | ").append(k.origin()).append(" |\n");
        }
        sb.append("\nBooleans accept on/off, yes/no, true/false, 1/0. Relative paths are relative to the "
                + "configuration file's folder. Hostgroup overrides are written `NAME_key` for the keys marked "
                + "\"per hostgroup\"; unset values inherit the global ones.\n\n");
        List<String> names = unimplemented();
        sb.append("FastNetMon options accepted but not implemented (a warning each when switched on, one line for all the others): `")
                .append(String.join("`, `", names)).append("`, and every `")
                .append(String.join("*`, `", UNIMPLEMENTED_PREFIXES)).append("*` option not in the table above.\n");
        return sb.toString();
    }
}
