package fastnetmon.action;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.config.TrafficClass;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SensorShare;
import fastnetmon.geoip.Origins;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The value of {@code [PREFIX_]IP_information}: the attack as FastNetMon 1.2.4 stores it in Redis
 * ({@code {"alert_scope": "host", "ip", "action": "ban", "attack_details": {...}}}, its traffic counters
 * per second: {@code total_incoming_traffic} bytes, {@code ..._bits}, {@code ..._pps}, flows, per protocol),
 * with, in {@code attack_details}, the fields of older FastNetMon versions ({@code attack_type},
 * {@code initial_attack_power}, {@code peak_attack_power}, {@code attack_direction}, {@code attack_protocol})
 * and ours ({@code attack_vector}, {@code ban_reason}, {@code banned_at}, the top source ASNs and
 * countries when GeoIP is configured, and on an aggregator {@code sensors}: what each sensor counted of
 * the attack, as the API has it).
 *
 * <p>Threading: stateless; any thread.
 */
final class RedisAttackJson {
    /** FastNetMon's names of the per-protocol classes in its JSON, in its order. */
    private static final int[] CLASSES = {TrafficClass.FRAGMENTED, TrafficClass.TCP, TrafficClass.TCP_SYN,
            TrafficClass.UDP, TrafficClass.ICMP};
    private static final String[] CLASS_NAMES = {"ip_fragmented", "tcp", "syn_tcp", "udp", "icmp"};

    private RedisAttackJson() {
    }

    static String information(Attack a, Origins origins) {
        ObjectNode root = BanStateCodec.JSON.createObjectNode();
        root.put("alert_scope", a.ip.indexOf('/') >= 0 ? "network" : "host");
        root.put("ip", a.ip);
        root.put("action", "ban");
        ObjectNode d = root.putObject("attack_details");
        d.put("attack_uuid", uuid(a));
        d.put("host_group", a.hostgroup);
        d.put("protocol_version", a.ip.indexOf(':') >= 0 ? "IPv6" : "IPv4");
        HostTraffic t = a.initial;
        for (Direction dir : new Direction[]{Direction.INCOMING, Direction.OUTGOING}) {
            String side = dir.text();
            traffic(d, "total_" + side + "_traffic", t, dir, TrafficClass.TOTAL);
            d.put("total_" + side + "_pps", Math.round(t.pps(dir, TrafficClass.TOTAL)));
            d.put("total_" + side + "_flows", Math.round(t.flowsPerSecond(dir, TrafficClass.TOTAL)));
            traffic(d, side + "_dropped_traffic", null, dir, 0); // we count no dropped traffic
            d.put(side + "_dropped_pps", 0);
            for (int i = 0; i < CLASSES.length; i++) {
                traffic(d, side + "_" + CLASS_NAMES[i] + "_traffic", t, dir, CLASSES[i]);
                d.put(side + "_" + CLASS_NAMES[i] + "_pps", Math.round(t.pps(dir, CLASSES[i])));
            }
        }
        d.put("attack_type", AttackText.attackTypeName(a.attackType));
        d.put("initial_attack_power", a.initialPps());
        d.put("peak_attack_power", a.peakPps);
        d.put("attack_direction", a.direction.text());
        d.put("attack_protocol", a.protocol);
        d.put("attack_vector", a.attackVector());
        d.put("ban_reason", a.reason);
        d.put("banned_at", Math.floorDiv(a.bannedAtNanos, 1_000_000_000L));
        if (!origins.asns().isEmpty()) {
            shares(d.putArray("top_source_asns"), origins.asns());
        }
        if (!origins.countries().isEmpty()) {
            shares(d.putArray("top_source_countries"), origins.countries());
        }
        if (!a.sensorShares.isEmpty()) {
            ArrayNode sensors = d.putArray("sensors");
            for (SensorShare s : a.sensorShares) {
                sensors.addObject().put("sensor", s.sensor()).put("packets", s.packets()).put("bytes", s.bytes())
                        .put("share", s.share());
            }
        }
        return root.toString();
    }

    /** Bytes per second and bits per second, as FastNetMon's {@code X} and {@code X_bits} (0 when {@code t} is null). */
    private static void traffic(ObjectNode d, String name, HostTraffic t, Direction dir, int cls) {
        long bytes = t == null ? 0 : Math.round(t.bytes[HostTraffic.index(dir, cls)] / t.seconds);
        d.put(name, bytes);
        d.put(name + "_bits", bytes * 8);
    }

    private static void shares(ArrayNode into, List<Origins.Share> shares) {
        for (Origins.Share s : shares) {
            into.addObject().put("code", s.code()).put("name", s.name()).put("share", s.share());
        }
    }

    /** FastNetMon gives each attack a random UUID; ours is derived from the ban (host, direction, time), so it is the same after a restart. */
    static String uuid(Attack a) {
        return UUID.nameUUIDFromBytes((a.ip + " " + a.direction.text() + " " + a.bannedAtNanos)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
