package fastnetmon.export;

import fastnetmon.counters.Direction;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The live view in Redis, every second, for tools that read it without the API: per direction (incoming,
 * outgoing) the sorted set {@code [PREFIX_]top_hosts_DIRECTION} (member the host, score its packets per
 * second) and the hash {@code [PREFIX_]top_hosts_DIRECTION_rates} (field the host, value
 * {@code {"pps":N,"mbps":X,"flows":N}}), the busiest hosts by packets, bytes and flows together, at most
 * {@link #MAX_HOSTS} a direction; and the hash {@code [PREFIX_]traffic_totals} ({@code incoming_pps},
 * {@code incoming_mbps}, {@code incoming_flows}, the same for outgoing, internal and other, and
 * {@code time}, seconds since the epoch). Each push replaces them whole in one transaction, and each
 * expires {@link #EXPIRY} after it: a stopped detector or a lost Redis leaves no stale view behind. A push
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
        RedisAsyncCommands<String, String> c = link.commands();
        if (c == null) {
            throw new IllegalStateException(settings.describe() + " not reachable");
        }
        long ttl = expiry.toMillis();
        try {
            c.multi();
            String totals = settings.key("traffic_totals");
            c.del(totals);
            c.hset(totals, totals(view));
            c.pexpire(totals, ttl);
            for (Direction d : Direction.PER_HOST) {
                String ranking = settings.key("top_hosts_" + d.text());
                String rates = ranking + "_rates";
                c.del(ranking, rates);
                Map<String, TrafficView.HostRate> hosts = busiest(view, d);
                if (!hosts.isEmpty()) {
                    List<ScoredValue<String>> scores = new ArrayList<>(hosts.size());
                    Map<String, String> values = new LinkedHashMap<>();
                    for (TrafficView.HostRate h : hosts.values()) {
                        scores.add(ScoredValue.just(h.pps(), h.ip()));
                        values.put(h.ip(), String.format(Locale.ROOT, "{\"pps\":%d,\"mbps\":%s,\"flows\":%d}",
                                Math.round(h.pps()), number(h.mbps()), Math.round(h.flows())));
                    }
                    c.zadd(ranking, scores.toArray(ScoredValue[]::new));
                    c.hset(rates, values);
                    c.pexpire(ranking, ttl);
                    c.pexpire(rates, ttl);
                }
            }
            RedisFuture<TransactionResult> done = c.exec();
            TransactionResult r = done.get(RedisSettings.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (r.wasDiscarded()) {
                throw new IllegalStateException("the transaction was discarded");
            }
        } catch (Exception e) {
            try {
                c.discard(); // leave no transaction open on the connection
            } catch (RuntimeException ignored) {
                // not in a transaction any more, or not connected
            }
            throw new IllegalStateException(settings.describe() + ": " + RedisLink.reason(e), null);
        }
    }

    /** The union of the view's top lists (packets first), at most {@link #MAX_HOSTS}. */
    static Map<String, TrafficView.HostRate> busiest(TrafficView view, Direction d) {
        Map<String, TrafficView.HostRate> out = new LinkedHashMap<>();
        for (SortKey key : SortKey.values()) {
            for (TrafficView.HostRate h : view.top(d, key)) {
                if (out.size() >= MAX_HOSTS) {
                    return out;
                }
                out.putIfAbsent(h.ip(), h);
            }
        }
        return out;
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
