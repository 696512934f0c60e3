package fastnetmon.console;

import fastnetmon.api.DetectorAccess;
import fastnetmon.cluster.SensorStatus;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import fastnetmon.geoip.Asn;
import fastnetmon.geoip.GeoIp;
import fastnetmon.sensor.ThreatEvent;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the console screen shows, independent of where it comes from: the running detector
 * ({@link #of(DetectorAccess, String)}) or a daemon's GET /api/traffic (the client).
 *
 * @param totals   per direction (incoming, outgoing, internal, other); missing ones show as zero
 * @param top      for incoming and outgoing, the busiest hosts by each sort key, busiest first
 * @param bans     current bans, oldest first
 * @param notice   one line shown under the header (e.g. "daemon not answering"), or null
 * @param nowMillis the wall-clock time the "banned ... ago" durations are measured to
 * @param threats  the abuse sensors' last threats, newest first (empty: none, or no sensor is on)
 * @param sensors  the cluster's sensors, by name (empty: not an aggregator)
 */
public record ConsoleData(String version, Map<Direction, Rate> totals, Map<Direction, Map<SortKey, List<Host>>> top,
                          long packetsReceived, long packetsDropped, List<Ban> bans, String notice, long nowMillis,
                          List<Threat> threats, List<Sensor> sensors) {

    /** Without sensors. */
    public ConsoleData(String version, Map<Direction, Rate> totals, Map<Direction, Map<SortKey, List<Host>>> top,
                       long packetsReceived, long packetsDropped, List<Ban> bans, String notice, long nowMillis,
                       List<Threat> threats) {
        this(version, totals, top, packetsReceived, packetsDropped, bans, notice, nowMillis, threats, List.of());
    }

    /** Without threats. */
    public ConsoleData(String version, Map<Direction, Rate> totals, Map<Direction, Map<SortKey, List<Host>>> top,
                       long packetsReceived, long packetsDropped, List<Ban> bans, String notice, long nowMillis) {
        this(version, totals, top, packetsReceived, packetsDropped, bans, notice, nowMillis, List.of());
    }

    /** A threat line: type offender (observer), destinations, reported HH:MM:SS ago. */
    public record Threat(String type, String offender, String observer, long destinations, long atMillis) {
    }

    /** A sensor line: name, up or down (and since when its last batch came), its last second in and out. */
    public record Sensor(String name, boolean up, long secondsSinceLastBatch, long ppsIn, long ppsOut, long bitsIn, long bitsOut) {
    }

    public record Rate(double pps, double mbps, double flows) {
        static final Rate ZERO = new Rate(0, 0, 0);
    }

    /** @param asn the host's autonomous system ("AS64500 Example Networks"), or null: unknown or no ASN database */
    public record Host(String ip, double pps, double mbps, double flows, String asn) {
        public Host(String ip, double pps, double mbps, double flows) {
            this(ip, pps, mbps, flows, null);
        }
    }

    /** A ban line: ip/pps direction type, banned HH:MM:SS ago. */
    public record Ban(String ip, long pps, String direction, String attackType, String attackVector, long bannedAtMillis) {
        /** A ban whose vector says no more than its attack type. */
        public Ban(String ip, long pps, String direction, String attackType, long bannedAtMillis) {
            this(ip, pps, direction, attackType, attackType, bannedAtMillis);
        }

    }

    public ConsoleData {
        totals = totals == null ? Map.of() : totals;
        top = top == null ? Map.of() : top;
        bans = bans == null ? List.of() : bans;
        threats = threats == null ? List.of() : threats;
        sensors = sensors == null ? List.of() : sensors;
        version = version == null ? "" : version;
    }

    public Rate total(Direction d) {
        return totals.getOrDefault(d, Rate.ZERO);
    }

    public List<Host> top(Direction d, SortKey key) {
        Map<SortKey, List<Host>> byKey = top.get(d);
        return byKey == null ? List.of() : byKey.getOrDefault(key, List.of());
    }

    /** The same data with a notice line (or without one, for null). */
    public ConsoleData withNotice(String text) {
        return new ConsoleData(version, totals, top, packetsReceived, packetsDropped, bans, text, nowMillis, threats, sensors);
    }

    private static String asnText(GeoIp geo, String ip) {
        Asn a = geo.asn(ip);
        return a == null ? null : a.text();
    }

    /** Nothing known yet. */
    public static ConsoleData empty(String version) {
        return new ConsoleData(version, Map.of(), Map.of(), 0, 0, List.of(), null, System.currentTimeMillis());
    }

    /**
     * What the running detector shows now. Lock-free: reads the published view and the capture counters
     * (and, with an ASN database, looks up each top host's ASN).
     */
    public static ConsoleData of(DetectorAccess access, String version) {
        ConsoleData d = of(access.view(), access.packetsReceived(), access.packetsDropped(), version, System.currentTimeMillis(),
                access.geoIp());
        List<Threat> threats = new ArrayList<>();
        for (ThreatEvent t : access.threats()) {
            threats.add(new Threat(t.type(), t.offender(), t.observer(), t.counts().getOrDefault("destinations", 0L),
                    t.timestamp() * 1000));
        }
        List<Sensor> sensors = new ArrayList<>();
        for (SensorStatus s : access.sensors()) {
            sensors.add(new Sensor(s.name(), s.up(), s.secondsSinceLastBatch(), s.packetsPerSecondIn(), s.packetsPerSecondOut(),
                    s.bitsPerSecondIn(), s.bitsPerSecondOut()));
        }
        return new ConsoleData(d.version, d.totals, d.top, d.packetsReceived, d.packetsDropped, d.bans, d.notice, d.nowMillis,
                List.copyOf(threats), List.copyOf(sensors));
    }

    /** The same from a view and counters, at a given time (the client screen test compares both ways). */
    public static ConsoleData of(TrafficView view, long received, long dropped, String version, long nowMillis) {
        return of(view, received, dropped, version, nowMillis, GeoIp.NONE);
    }

    /** The same with each top host's ASN from {@code geo}. */
    public static ConsoleData of(TrafficView view, long received, long dropped, String version, long nowMillis, GeoIp geo) {
        Map<Direction, Rate> totals = new EnumMap<>(Direction.class);
        view.totals().forEach((d, r) -> totals.put(d, new Rate(r.pps(), r.mbps(), r.flows())));
        Map<Direction, Map<SortKey, List<Host>>> top = new EnumMap<>(Direction.class);
        for (Direction d : List.of(Direction.INCOMING, Direction.OUTGOING)) {
            Map<SortKey, List<Host>> byKey = new EnumMap<>(SortKey.class);
            for (SortKey k : SortKey.values()) {
                byKey.put(k, view.top(d, k).stream().map(h -> new Host(h.ip(), h.pps(), h.mbps(), h.flows(), asnText(geo, h.ip())))
                        .toList());
            }
            top.put(d, byKey);
        }
        List<Ban> bans = new ArrayList<>(view.bans().size());
        for (Attack a : view.bans()) {
            bans.add(new Ban(a.ip, a.initialPps(), a.direction.text(), a.attackType, a.attackVector(), a.bannedAtNanos / 1_000_000L));
        }
        return new ConsoleData(version, totals, top, received, dropped, List.copyOf(bans), null, nowMillis);
    }
}
