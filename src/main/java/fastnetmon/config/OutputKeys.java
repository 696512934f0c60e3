package fastnetmon.config;

import static fastnetmon.config.ConfigKeys.FNM;
import static fastnetmon.config.ConfigKeys.OURS;
import static fastnetmon.config.ConfigKeys.key;

import fastnetmon.config.ConfigKeys.Type;

/**
 * The keys of where attacks and traffic go beside the notify script: Redis, e-mail, GeoIP attribution,
 * InfluxDB and Graphite. Part of {@link ConfigKeys}' registry, kept apart to keep that class readable;
 * {@link #define} is called once from its static initializer, in reference order.
 */
final class OutputKeys {
    private OutputKeys() {
    }

    static void define() {
        // Redis (FastNetMon CE's keys, plus password, TLS and database)
        key("redis_enabled", Type.BOOL, "off", FNM, "Keep attacks in Redis under FastNetMon's keys ([PREFIX_]IP_information, IP_packets_dump, IP_flow_dump), with the ban list and the live top hosts (see Where attacks go)");
        key("redis_host", Type.STRING, "127.0.0.1", FNM, "Redis server address");
        key("redis_port", Type.INT, "6379", FNM, "Redis server port", 1, 65535);
        key("redis_prefix", Type.STRING, "", FNM, "Prefix of every key written, joined with an underscore (empty: none)");
        key("redis_password", Type.STRING, "", OURS, "Password for Redis AUTH (empty: no AUTH)");
        key("redis_tls", Type.BOOL, "off", OURS, "Connect to Redis over TLS");
        key("redis_database", Type.INT, "0", OURS, "Redis database number", 0, 65535);

        // E-mail (FastNetMon Advanced's names)
        key("email_notifications", Type.BOOL, "off", "FastNetMon Advanced", "Mail every ban, its attack details and its unban to email_to");
        key("email_smtp_host", Type.STRING, "127.0.0.1", "FastNetMon Advanced", "SMTP server address");
        key("email_smtp_port", Type.INT, "25", "FastNetMon Advanced", "SMTP server port", 1, 65535);
        key("email_smtp_tls", Type.BOOL, "off", "FastNetMon Advanced", "Upgrade the SMTP connection with STARTTLS (the server must offer it)");
        key("email_smtp_implicit_tls", Type.BOOL, "off", OURS, "Speak TLS from the first byte (SMTPS, usually port 465) instead of STARTTLS");
        key("email_smtp_user", Type.STRING, "", "FastNetMon Advanced", "SMTP AUTH user (empty: no AUTH)");
        key("email_smtp_password", Type.STRING, "", "FastNetMon Advanced", "SMTP AUTH password");
        key("email_from", Type.STRING, "fastnetmon@localhost", "FastNetMon Advanced", "Sender address of the mails");
        key("email_to", Type.LIST, "", "FastNetMon Advanced", "Comma-separated recipients of the mails");
        key("email_smtp_timeout", Type.INT, "30", OURS, "Seconds one SMTP conversation may take before it is abandoned (and retried)", 1, 3600);

        // GeoIP attribution (MaxMind GeoLite2 / GeoIP2 databases)
        key("geoip_asn_database_path", Type.PATH, "", OURS, "MaxMind ASN database (.mmdb): attacks get their top source ASNs, top talkers their ASN (empty: none)");
        key("geoip_country_database_path", Type.PATH, "", OURS, "MaxMind country database (.mmdb): attacks get their top source countries (empty: none)");

        // Time series (FastNetMon CE's names)
        key("influxdb", Type.BOOL, "off", FNM, "Push traffic totals and the busiest hosts' rates to InfluxDB");
        key("influxdb_host", Type.STRING, "127.0.0.1", FNM, "InfluxDB address");
        key("influxdb_port", Type.INT, "8086", FNM, "InfluxDB HTTP port", 1, 65535);
        key("influxdb_database", Type.STRING, "fastnetmon", FNM, "InfluxDB database");
        key("influxdb_auth", Type.BOOL, "off", FNM, "Authenticate to InfluxDB with influxdb_user and influxdb_password");
        key("influxdb_user", Type.STRING, "fastnetmon", FNM, "InfluxDB user");
        key("influxdb_password", Type.STRING, "fastnetmon", FNM, "InfluxDB password");
        key("influxdb_push_period", Type.INT, "1", FNM, "Seconds between pushes to InfluxDB", 1, 3600);
        key("graphite", Type.BOOL, "off", FNM, "Push traffic totals and the busiest hosts' rates to Graphite (plaintext protocol)");
        key("graphite_host", Type.STRING, "127.0.0.1", FNM, "Graphite (carbon) address");
        key("graphite_port", Type.INT, "2003", FNM, "Graphite plaintext port", 1, 65535);
        key("graphite_prefix", Type.STRING, "fastnetmon", FNM, "First part of every Graphite metric name");
        key("graphite_push_period", Type.INT, "1", FNM, "Seconds between pushes to Graphite", 1, 3600);
    }
}
