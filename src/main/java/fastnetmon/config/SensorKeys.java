package fastnetmon.config;

import static fastnetmon.config.ConfigKeys.OURS;
import static fastnetmon.config.ConfigKeys.key;

import fastnetmon.config.ConfigKeys.Type;

/**
 * The keys of the abuse sensors (issue 12): port scans, spam and Windows-service sweeps by hosts of ours,
 * found in windows over flows and packets and reported as threat events. Part of {@link ConfigKeys}'
 * registry, kept apart to keep that class readable; {@link #define} is called once from its static initializer.
 */
final class SensorKeys {
    /** Highest sensor window and cool-down: a day. */
    private static final int MAX_SECONDS = 86400;

    private SensorKeys() {
    }

    static void define() {
        key("sensor_portscan", Type.BOOL, "off", OURS, "Report a source that sends more than sensor_portscan_threshold scan probes in sensor_portscan_window seconds: "
                + "TCP flows or packets with SYN alone (at most 1000 bits per packet) or SYN and RST (at most 500), UDP of at most 224 bits per packet "
                + "(IPv6: 160 bits more each, its longer header); bits per packet at the IP layer");
        key("sensor_portscan_window", Type.INT, "60", OURS, "Seconds of probes the port scan sensor keeps per source", 1, MAX_SECONDS);
        key("sensor_portscan_threshold", Type.INT, "100", OURS, "Probes in the window above which a source is reported as scanning", 1, 100_000_000);
        key("sensor_portscan_exception_ports", Type.LIST, "", OURS, "Destination ports (and ranges, 6000-6010) whose probes are not counted; "
                + "with mirror traffic every connection's first SYN looks like a probe, so busy services (80, 443) belong here");
        key("sensor_portscan_whitelist", Type.LIST, "", OURS, "Sources (CIDRs, comma-separated) the port scan sensor never reports, e.g. our own vulnerability scanners");

        key("sensor_spam", Type.BOOL, "off", OURS, "Report a source that opens SMTP connections (TCP SYN to sensor_spam_ports) to more than sensor_spam_threshold distinct mail servers in sensor_spam_window seconds");
        key("sensor_spam_window", Type.INT, "60", OURS, "Seconds of SMTP connections the spam sensor keeps per source", 1, MAX_SECONDS);
        key("sensor_spam_threshold", Type.INT, "20", OURS, "Distinct mail servers in the window above which a source is reported as spamming", 1, 100_000_000);
        key("sensor_spam_ports", Type.LIST, "25,465,587", OURS, "Destination ports (and ranges) the spam sensor watches");
        key("sensor_spam_whitelist", Type.LIST, "", OURS, "Sources (CIDRs, comma-separated) the spam sensor never reports: our mail relays");

        key("sensor_winscan", Type.BOOL, "off", OURS, "Report a source that reaches more than sensor_winscan_threshold distinct hosts on Windows services (TCP SYN or UDP to sensor_winscan_ports) in sensor_winscan_window seconds");
        key("sensor_winscan_window", Type.INT, "60", OURS, "Seconds of Windows-service connections the winscan sensor keeps per source", 1, MAX_SECONDS);
        key("sensor_winscan_threshold", Type.INT, "50", OURS, "Distinct destination hosts in the window above which a source is reported as sweeping", 1, 100_000_000);
        key("sensor_winscan_ports", Type.LIST, "137-139,445,3389", OURS, "Destination ports (and ranges) the winscan sensor watches: NetBIOS, SMB, RDP");
        key("sensor_winscan_whitelist", Type.LIST, "", OURS, "Sources (CIDRs, comma-separated) the winscan sensor never reports: domain controllers, backup and management hosts");

        key("sensor_cooldown", Type.INT, "600", OURS, "Seconds after a sensor reports a source during which it does not report that source again (one scan, one event)", 0, MAX_SECONDS);
        key("sensor_max_tracked_sources", Type.INT, "16384", OURS, "Sources each sensor keeps a window for at most (about 1.5 KB each, up to 35 KB for one reaching hundreds of hosts and ports); "
                + "further sources are not tracked but counted, until idle ones expire", 16, 4_000_000);
        key("sensor_reverse_dns", Type.BOOL, "off", OURS, "Name the attacked hosts of each threat by reverse DNS (the system's resolver), each name that answers in time replacing its address");
        key("sensor_reverse_dns_timeout", Type.INT, "1000", OURS, "Milliseconds a threat waits for its attacked hosts' names, all together; those not in by then keep their addresses", 10, 30000);
        key("sensor_notify_script", Type.BOOL, "off", OURS, "Also call the notify script for each threat: IP outgoing 0 threat SENSOR, the threat's JSON on stdin");
        key("sensor_outside_sources", Type.BOOL, "off", OURS, "Also watch sources outside the monitored networks (networks_list_path): scans of us from outside");
    }
}
