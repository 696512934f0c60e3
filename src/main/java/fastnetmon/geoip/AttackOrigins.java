package fastnetmon.geoip;

import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.detection.AttackFlows;
import fastnetmon.detection.SamplePacket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An attack's {@link Origins} from the {@link GeoIp} databases: the other end of each sample packet (the
 * source of an incoming attack's packets, the destination of an outgoing one's), or, while there are no
 * samples yet (at the ban), of the host's tracked flows in the attack's direction; weighed by packets (a
 * flow record's sample by the packets it stands for). The {@link #TOP} busiest ASNs and countries, busiest
 * first. Shares are of all the packets weighed, so the traffic of addresses with no record counts toward
 * the whole without being listed: the shares then add up to less than 100%.
 *
 * <p>What was worked out for an attack is kept while the ban, its samples, its flows and the database
 * files stay the same (the API and the actions ask again and again for the same bans).
 *
 * <p>Threading: any thread, concurrently; the cache is a concurrent map, cleared when it outgrows {@link #CACHED}.
 */
final class AttackOrigins implements OriginLookup {
    /** ASNs and countries listed per attack. */
    static final int TOP = 5;
    /** Attacks whose origins are kept. */
    static final int CACHED = 4096;

    private final GeoIp geo;
    private final Map<Attack, Cached> cache = new ConcurrentHashMap<>();

    /** What the origins were worked out from: samples only grow, so their count tells a snapshot's. */
    private record Cached(int samples, AttackFlows flows, long generation, Origins origins) {
        boolean isOf(Attack a, long generation) {
            return samples == a.samples.size() && Objects.equals(flows, a.flows) && this.generation == generation;
        }
    }

    AttackOrigins(GeoIp geo) {
        this.geo = geo;
    }

    @Override
    public Origins of(Attack attack) {
        long generation = geo.generation();
        Cached c = cache.get(attack);
        if (c != null && c.isOf(attack, generation)) {
            return c.origins();
        }
        Origins o = work(attack);
        if (cache.size() >= CACHED) {
            cache.clear();
        }
        cache.put(attack, new Cached(attack.samples.size(), attack.flows, generation, o));
        return o;
    }

    private Origins work(Attack attack) {
        Map<String, Long> packets = remoteEnds(attack);
        long total = 0;
        for (long n : packets.values()) {
            total += n;
        }
        if (total == 0) {
            return Origins.NONE;
        }
        Tally asns = new Tally();
        Tally countries = new Tally();
        for (Map.Entry<String, Long> e : packets.entrySet()) {
            Asn a = geo.asn(e.getKey());
            if (a != null) {
                asns.add(a.code(), a.organisation(), e.getValue());
            }
            Country c = geo.country(e.getKey());
            if (c != null) {
                countries.add(c.code(), c.name(), e.getValue());
            }
        }
        return new Origins(asns.top(total), countries.top(total));
    }

    /** Packets per address at the other end of the attack's traffic. */
    static Map<String, Long> remoteEnds(Attack attack) {
        Map<String, Long> packets = new HashMap<>();
        if (!attack.samples.isEmpty()) {
            boolean outgoing = attack.direction == Direction.OUTGOING;
            for (SamplePacket p : attack.samples) {
                packets.merge(outgoing ? p.dstIp() : p.srcIp(), Math.max(1, p.packets()), Long::sum);
            }
        } else if (attack.flows != null) {
            boolean oneWay = Direction.PER_HOST.contains(attack.direction);
            for (AttackFlows.Group g : attack.flows.groups()) {
                if (oneWay && g.direction() != attack.direction) {
                    continue;
                }
                for (AttackFlows.Flow f : g.shown()) {
                    packets.merge(f.remoteIp(), Math.max(1, f.packets()), Long::sum);
                }
            }
        }
        return packets;
    }

    /** Packets per code, with the code's name. */
    private static final class Tally {
        private final Map<String, Long> packets = new HashMap<>();
        private final Map<String, String> names = new HashMap<>();

        void add(String code, String name, long n) {
            packets.merge(code, n, Long::sum);
            names.putIfAbsent(code, name);
        }

        /** The busiest {@link #TOP}, most packets first (then by code), as shares of {@code total}. */
        List<Origins.Share> top(long total) {
            List<Map.Entry<String, Long>> entries = new ArrayList<>(packets.entrySet());
            entries.sort((x, y) -> {
                int c = Long.compare(y.getValue(), x.getValue());
                return c != 0 ? c : x.getKey().compareTo(y.getKey());
            });
            List<Origins.Share> out = new ArrayList<>(Math.min(TOP, entries.size()));
            for (Map.Entry<String, Long> e : entries.subList(0, Math.min(TOP, entries.size()))) {
                out.add(new Origins.Share(e.getKey(), names.get(e.getKey()), (double) e.getValue() / total));
            }
            return out;
        }
    }
}
