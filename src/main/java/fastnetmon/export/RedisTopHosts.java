package fastnetmon.export;

import fastnetmon.counters.Direction;
import fastnetmon.detection.TrafficView;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The live view in Redis, every second, for tools that read it without the API: per direction (incoming,
 * outgoing) the sorted set {@code [PREFIX_]top_hosts_DIRECTION} (member the host, score its packets per
 * second) and the hash {@code [PREFIX_]top_hosts_DIRECTION_rates} (field the host, value
 * {@code {"pps":N,"mbps":X,"flows":N}}), the busiest hosts by packets, bytes and flows together, at most
 * {@link #MAX_HOSTS} a direction; and the hash {@code [PREFIX_]traffic_totals} ({@code incoming_pps},
 * {@code incoming_mbps}, {@code incoming_flows}, the same for outgoing, internal and other, and
 * {@code time}, seconds since the epoch). Each push replaces each of them whole (written aside, then
 * renamed over the old one), and each expires {@link #EXPIRY} after it: a stopped detector or a lost
 * Redis leaves no stale view behind. A push
 * that cannot be made (Redis not reachable, failing or not answering in time) throws: counted as failed,
 * and nothing is kept for later, since the next push is the newer view.
 *
 * <p>Threading: {@link #export} on the exporter's own thread, one at a time (the connection is this
 * exporter's own); {@link #close} once.
 */
public final class RedisTopHosts implements Exporter {
    /** Hosts kept per direction. */
    public static final int MAX_HOSTS = 100;
    /** How long each key outlives the push that wrote it. */
    public static final Duration EXPIRY = Duration.ofSeconds(10);

    private final RedisSettings settings;
    private final Duration expiry;
    private final RedisLink link;

    public RedisTopHosts(RedisSettings settings) {
        this(settings, EXPIRY);
    }

    /** @param expiry how long each key outlives its push (tests) */
    RedisTopHosts(RedisSettings settings, Duration expiry) {
        this.settings = settings;
        this.expiry = expiry;
        this.link = new RedisLink(settings, "live top hosts", () -> {
        });
    }

    @Override
    public String name() {
        return "redis_top_hosts";
    }

    @Override
    public Duration period() {
        return Duration.ofSeconds(1);
    }

    @Override
    public void export(TrafficView view) throws Exception {
        RedisClusterAsyncCommands<String, String> c = link.commands();
        if (c == null) {
            throw new IllegalStateException(settings.describe() + " not reachable");
        }
        List<RedisFuture<?>> sent = new ArrayList<>();
        try {
            replace(c, sent, settings.key("traffic_totals"), next -> c.hset(next, totals(view)));
            for (Direction d : Direction.PER_HOST) {
                String ranking = settings.key("top_hosts_" + d.text());
                String rates = ranking + "_rates";
                List<TrafficView.HostRate> hosts = busiest(view, d);
                if (hosts.isEmpty()) {
                    sent.add(c.del(ranking, rates));
                    continue;
                }
                List<ScoredValue<String>> scores = new ArrayList<>(hosts.size());
                Map<String, String> values = new LinkedHashMap<>();
                for (TrafficView.HostRate h : hosts) {
                    scores.add(ScoredValue.just(h.pps(), h.ip()));
                    values.put(h.ip(), String.format(Locale.ROOT, "{\"pps\":%d,\"mbps\":%s,\"flows\":%d}",
                            Math.round(h.pps()), number(h.mbps()), Math.round(h.flows())));
                }
                replace(c, sent, ranking, next -> c.zadd(next, scores.toArray(ScoredValue[]::new)));
                replace(c, sent, rates, next -> c.hset(next, values));
            }
            if (!LettuceFutures.awaitAll(RedisSettings.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS, sent.toArray(RedisFuture[]::new))) {
                throw new IllegalStateException("no reply within " + RedisSettings.TIMEOUT.toMillis() + " ms");
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(settings.describe() + ": " + RedisLink.reason(e), null);
        }
    }

    /**
     * Writes the new value under {@code key + "_next"} with its expiry, then renames it over {@code key}: a
     * reader sees the old value or the new one whole, and no transaction state is left on the connection
     * when a reply is lost.
     */
    private void replace(RedisClusterAsyncCommands<String, String> c, List<RedisFuture<?>> sent, String key,
                         Function<String, RedisFuture<?>> fill) {
        String next = key + "_next";
        sent.add(c.del(next));
        sent.add(fill.apply(next));
        sent.add(c.pexpire(next, expiry.toMillis()));
        sent.add(c.rename(next, key));
    }

    /** The union of the view's top lists (packets first), at most {@link #MAX_HOSTS}. */
    static List<TrafficView.HostRate> busiest(TrafficView view, Direction d) {
        List<TrafficView.HostRate> all = view.busiest(d, Integer.MAX_VALUE);
        return all.subList(0, Math.min(MAX_HOSTS, all.size()));
    }


    private static Map<String, String> totals(TrafficView view) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("time", Long.toString(Math.floorDiv(view.timeNanos(), 1_000_000_000L)));
        for (Direction d : Direction.values()) {
            TrafficView.Rate r = view.totals().get(d);
            if (r == null) {
                continue;
            }
            out.put(d.text() + "_pps", Long.toString(Math.round(r.pps())));
            out.put(d.text() + "_mbps", number(r.mbps()));
            if (d.perHost()) {
                out.put(d.text() + "_flows", Long.toString(Math.round(r.flows())));
            }
        }
        return out;
    }

    /** Megabits with at most 3 decimals, no exponent. */
    private static String number(double v) {
        return java.math.BigDecimal.valueOf(Math.round(v * 1000) / 1000.0).stripTrailingZeros().toPlainString();
    }

    @Override
    public void close() {
        link.close();
    }
}
