package fastnetmon.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.action.AttackText;
import fastnetmon.cluster.SensorStatus;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SensorShare;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import fastnetmon.geoip.Asn;
import fastnetmon.geoip.GeoIp;
import fastnetmon.geoip.Origins;

import java.util.List;

/**
 * The API's JSON documents. Rates: {@code pps} and {@code flows} are whole numbers per second (rounded),
 * {@code mbps} is megabits per second with three decimals; times are seconds since the epoch. With GeoIP
 * databases ({@link GeoIp}), a ban has its {@code top_source_asns} and {@code top_source_countries}
 * ({@code [{"code": "AS64500", "name": "Example Networks", "share": 0.625}]}, shares three decimals) and a
 * host its {@code asn} and {@code asn_organisation}, each only when known. On an aggregator, a ban has
 * its {@code sensors} ({@code [{"sensor": "a", "packets": 1200, "bytes": 72000, "share": 0.6}]}: what each
 * sensor counted of the attack since the ban, most packets first), only when there are any.
 */
final class ApiJson {
    private ApiJson() {
    }

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The two directions hosts are listed and counted in. */
    static final Direction[] HOST_DIRECTIONS = {Direction.INCOMING, Direction.OUTGOING};

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode error(String message) {
        return object().put("error", message);
    }

    static double mbps(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static ObjectNode rate(double pps, double mbps, double flows) {
        return object().put("pps", Math.round(pps)).put("mbps", mbps(mbps)).put("flows", Math.round(flows));
    }

    static ObjectNode host(TrafficView.HostRate h, GeoIp geo) {
        ObjectNode o = object().put("ip", h.ip()).put("pps", Math.round(h.pps())).put("mbps", mbps(h.mbps()))
                .put("flows", Math.round(h.flows()));
        Asn asn = geo.asn(h.ip());
        if (asn != null) {
            o.put("asn", asn.number()).put("asn_organisation", asn.organisation());
        }
        return o;
    }

    static ArrayNode hosts(List<TrafficView.HostRate> list, int limit, GeoIp geo) {
        ArrayNode a = MAPPER.createArrayNode();
        for (int i = 0; i < list.size() && i < limit; i++) {
            a.add(host(list.get(i), geo));
        }
        return a;
    }

    static ObjectNode ban(Attack a, GeoIp geo) {
        return ban(a, geo.origins().of(a));
    }

    private static ObjectNode ban(Attack a, Origins origins) {
        Direction d = a.direction;
        ObjectNode o = (ObjectNode) object()
                .put("ip", a.ip)
                .put("direction", a.direction.text())
                .put("attack_type", a.attackType)
                .put("protocol", a.protocol)
                .put("pps", a.initialPps())
                .put("mbps", mbps(a.initial.mbps(d, TrafficClass.TOTAL)))
                .put("flows", Math.round(a.initial.flowsPerSecond(d, TrafficClass.TOTAL)))
                .put("peak_pps", a.peakPps)
                .put("banned_at", Math.floorDiv(a.bannedAtNanos, 1_000_000_000L))
                .put("hostgroup", a.hostgroup)
                .put("reason", a.reason)
                .put("details", AttackText.description(a, origins))
                .put("attack_vector", a.attackVector())
                .set("fingerprint", FingerprintJson.of(a.fingerprint()));
        shares(o, "top_source_asns", origins.asns());
        shares(o, "top_source_countries", origins.countries());
        sensors(o, a.sensorShares);
        return o;
    }

    /** {@code sensors: [{"sensor", "packets", "bytes", "share"}]}, left out when empty. */
    private static void sensors(ObjectNode o, List<SensorShare> shares) {
        if (shares.isEmpty()) {
            return;
        }
        ArrayNode a = o.putArray("sensors");
        for (SensorShare s : shares) {
            a.addObject().put("sensor", s.sensor()).put("packets", s.packets()).put("bytes", s.bytes())
                    .put("share", Math.round(s.share() * 1000) / 1000.0);
        }
    }

    /** {@code name: [{"code", "name", "share"}]}, left out when empty. */
    private static void shares(ObjectNode o, String name, List<Origins.Share> shares) {
        if (shares.isEmpty()) {
            return;
        }
        ArrayNode a = o.putArray(name);
        for (Origins.Share s : shares) {
            a.addObject().put("code", s.code()).put("name", s.name()).put("share", Math.round(s.share() * 1000) / 1000.0);
        }
    }

    static ArrayNode bans(List<Attack> bans, GeoIp geo) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Attack b : bans) {
            a.add(ban(b, geo));
        }
        return a;
    }

    /** GET /api/sensors: the cluster's sensors as this aggregator sees them, as {@link SensorStatus} gives them. */
    static ArrayNode sensorStatuses(List<SensorStatus> sensors) {
        ArrayNode a = MAPPER.createArrayNode();
        for (SensorStatus s : sensors) {
            a.addObject().put("name", s.name()).put("up", s.up())
                    .put("seconds_since_last_batch", s.secondsSinceLastBatch())
                    .put("batches", s.batches()).put("bytes", s.bytes())
                    .put("lost_batches", s.lostBatches()).put("duplicate_batches", s.duplicateBatches())
                    .put("late_batches", s.lateBatches())
                    .put("malformed_batches", s.malformedBatches()).put("dropped_batches", s.droppedBatches())
                    .put("pps_in", s.packetsPerSecondIn()).put("pps_out", s.packetsPerSecondOut())
                    .put("bps_in", s.bitsPerSecondIn()).put("bps_out", s.bitsPerSecondOut());
        }
        return a;
    }

    /** GET /api/traffic. */
    static ObjectNode traffic(TrafficView v, ApiInfo info, long received, long dropped, int limit, long nowSeconds, GeoIp geo) {
        ObjectNode o = object()
                .put("version", info.version())
                .put("time", v.timeNanos() > 0 ? Math.floorDiv(v.timeNanos(), 1_000_000_000L) : nowSeconds)
                .put("sort_default", info.sortDefault())
                .put("max_ips_in_list", info.maxIpsInList());
        ObjectNode totals = o.putObject("totals");
        for (Direction d : Direction.values()) {
            TrafficView.Rate r = v.totals().get(d);
            totals.set(d.text(), r == null ? rate(0, 0, 0) : rate(r.pps(), r.mbps(), r.flows()));
        }
        ObjectNode top = o.putObject("top");
        for (Direction d : HOST_DIRECTIONS) {
            ObjectNode byKey = top.putObject(d.text());
            for (SortKey k : SortKey.values()) {
                byKey.set(k.text(), hosts(v.top(d, k), limit, geo));
            }
        }
        o.putObject("capture").put("received", received).put("dropped", dropped);
        o.set("bans", bans(v.bans(), geo));
        return o;
    }

    /** GET /api/top. */
    static ObjectNode top(TrafficView v, Direction d, SortKey k, int limit, GeoIp geo) {
        ObjectNode o = object().put("direction", d.text()).put("sort", k.text());
        o.set("hosts", hosts(v.top(d, k), limit, geo));
        return o;
    }

    /** GET /api/host/IP: averaged counters per direction and traffic class (zeros when none seen). */
    static ObjectNode hostCounters(String ip, HostTraffic t, Attack ban, GeoIp geo) {
        ObjectNode o = object().put("ip", ip);
        for (Direction dir : Direction.PER_HOST) {
            ObjectNode side = o.putObject(dir.text());
            for (int c = 0; c < TrafficClass.COUNT; c++) {
                side.set(TrafficClass.name(c), t == null ? rate(0, 0, 0)
                        : rate(t.pps(dir, c), t.mbps(dir, c), t.flowsPerSecond(dir, c)));
            }
        }
        o.set("ban", ban == null ? null : ban(ban, geo));
        return o;
    }
}
