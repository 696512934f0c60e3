package fastnetmon.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.geoip.OriginLookup;
import fastnetmon.geoip.Origins;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.RepeatedFailure;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keeps attacks in Redis under FastNetMon's keys: on a ban {@code [PREFIX_]IP_information} (the attack as
 * JSON, {@link RedisAttackJson}) and, with connection tracking, {@code [PREFIX_]IP_flow_dump} (FastNetMon's
 * flow list); on attack_details {@code [PREFIX_]IP_packets_dump} (the attack_details text: description and
 * sample lines) and {@code IP_information} again, with the origins and peak the samples and the ban so far give. Beside them the ban list, the hash {@code [PREFIX_]ban_list}: one field per ban in force
 * (the host's address), its value the ban as the ban-state file keeps it plus {@code banned_at},
 * {@code ban_time}, {@code unban_at} and the description text; it is offered at start ({@link BanSource}).
 *
 * <p>Redis down or slow delays nothing else: a write that fails within the command timeout fails the event
 * (counted, logged at most once a minute) and stays pending; a thread of its own retries with back-off (1 s
 * doubling to 30 s), and after every reconnection writes the whole ban list again. A replay keeps no ban
 * list ({@code keepBanList} false): its bans are not the network's.
 *
 * <p>Threading: {@link #handle} on the registry's one worker for this action (registered with one thread);
 * {@link #bansInForce} once at start; the retry thread is this action's own; {@link #close} once.
 */
public final class RedisAction implements Action, BanSource {
    private static final Logger log = LoggerFactory.getLogger(RedisAction.class);
    private static final long FIRST_RETRY_MS = 1000;
    private static final long MAX_RETRY_MS = 30_000;

    private final RedisSettings settings;
    private final OriginLookup origins;
    private final ZoneId zone;
    private final boolean keepBanList;
    /** False for the cluster's ban list: FastNetMon's attack keys are the redis_* action's. */
    private final boolean attackKeys;
    private final String name;
    private final RedisLink link;
    private final RedisWrites writes;
    private final RepeatedFailure failures;
    private final Thread retry;
    private boolean wake; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param origins     where attacks come from, added to IP_information when known
     * @param zone        time zone of the sample lines
     * @param keepBanList false in a replay: no ban list written or offered
     */
    public RedisAction(RedisSettings settings, OriginLookup origins, ZoneId zone, boolean keepBanList) {
        this("redis", settings, origins, zone, keepBanList, true);
    }

    /**
     * The ban list alone, as an action called {@code name}: an aggregator's, in the Redis the cluster
     * meets in, where a standby aggregator takes it up (see {@link BanSource}).
     */
    public static RedisAction banListOnly(String name, RedisSettings settings) {
        return new RedisAction(name, settings, OriginLookup.NONE, ZoneId.systemDefault(), true, false);
    }

    private RedisAction(String name, RedisSettings settings, OriginLookup origins, ZoneId zone, boolean keepBanList,
                        boolean attackKeys) {
        this.name = name;
        this.settings = settings;
        this.origins = origins;
        this.zone = zone;
        this.keepBanList = keepBanList;
        this.attackKeys = attackKeys;
        this.failures = new RepeatedFailure(log, settings.describe());
        this.link = new RedisLink(settings, name, this::reconnected);
        this.writes = new RedisWrites(link, settings.key("ban_list"), this::banEntry);
        this.retry = new Thread(this::retryLoop, "action-redis-retry");
        retry.setDaemon(true);
        retry.start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void handle(BanEvent event) throws Failed {
        Attack a = event.attack();
        if (!attackKeys) { // the ban list alone: each step writes the ban as it stands, the unban removes it
            if (event.kind() == BanEvent.Kind.UNBAN) {
                writes.unbanned(a);
            } else {
                banned(a);
            }
        } else switch (event.kind()) {
            case BAN -> {
                set(a.ip + "_information", RedisAttackJson.information(a, origins.of(a)));
                if (a.flows != null) {
                    set(a.ip + "_flow_dump", FlowListText.text(a.ip, a.flows));
                }
                banned(a);
            }
            case RESTORED -> banned(a);
            case ATTACK_DETAILS -> {
                Origins from = origins.of(a);
                set(a.ip + "_packets_dump", AttackText.details(a, from, zone));
                // Again, now that the samples say where the attack comes from (and its peak so far)
                set(a.ip + "_information", RedisAttackJson.information(a, from));
                banned(a); // its peak as it stands now
            }
            case UNBAN -> {
                if (keepBanList) {
                    writes.unbanned(a);
                }
            }
        }
        String error = writes.flush();
        if (error != null) {
            failures.failed("write failed: " + error + "; kept for a retry (" + event.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + a.ip + ")");
            throw new Failed(error);
        }
    }

    private void set(String name, String value) {
        if (writes.set(settings.key(name), value)) {
            failures.failed(RedisWrites.MAX_PENDING + " attack keys wait for Redis already: the oldest given up ("
                    + writes.givenUp() + " so far)");
        }
    }

    private void banned(Attack a) {
        if (keepBanList) {
            writes.banned(a);
        }
    }

    /** The ban-list value: the ban as the state file keeps it, its times, and the description text. */
    private String banEntry(Attack a) {
        ObjectNode b = BanStateCodec.encodeAttack(a, BanStateCodec.JSON.createObjectNode());
        long bannedAt = Math.floorDiv(a.bannedAtNanos, 1_000_000_000L);
        b.put("banned_at", bannedAt);
        b.put("ban_time", settings.banTimeSeconds());
        b.put("unban_at", settings.banTimeSeconds() > 0 ? bannedAt + settings.banTimeSeconds() : 0);
        b.put("details", AttackText.description(a));
        return b.toString();
    }

    @Override
    public List<Attack> bansInForce() {
        if (!keepBanList) {
            return List.of();
        }
        String where = settings.describe() + ": ban list " + settings.key("ban_list");
        RedisClusterAsyncCommands<String, String> c = link.commands();
        if (c == null) { // the connection has said why
            log.info("{}: not read, Redis is not reachable; the bans of the ban state file only are taken up", where);
            return List.of();
        }
        Map<String, String> all;
        try {
            all = c.hgetall(settings.key("ban_list")).get(RedisSettings.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("{}: cannot be read at start ({}); going on with the bans of the ban state file only", where,
                    RedisLink.reason(e));
            return List.of();
        }
        List<Attack> out = new ArrayList<>();
        for (Map.Entry<String, String> e : all.entrySet()) {
            try {
                JsonNode entry = BanStateCodec.JSON.readTree(e.getValue());
                out.add(BanStateCodec.decodeAttack(entry == null ? BanStateCodec.JSON.nullNode() : entry));
            } catch (Exception bad) {
                log.error("{}: entry {} skipped: {}", where, e.getKey(), RedisLink.reason(bad));
            }
        }
        log.info("{}: {} bans in force read at start", where, out.size());
        return out;
    }

    /** Lettuce's I/O thread, after every (re)connection: the ban list is written again by the retry thread. */
    private void reconnected() {
        writes.rewriteBanList();
        synchronized (this) {
            wake = true;
            notifyAll();
        }
    }

    /** Flushes what is pending after each back-off (1 s doubling to 30 s), or at once after a reconnection. */
    private void retryLoop() {
        long delay = FIRST_RETRY_MS;
        while (true) {
            synchronized (this) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
                while (!closed && !wake) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 && !writes.idle()) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left > 0 ? left : TimeUnit.MILLISECONDS.toNanos(FIRST_RETRY_MS));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                if (wake) {
                    wake = false;
                    delay = FIRST_RETRY_MS;
                }
            }
            if (writes.idle()) {
                continue;
            }
            String error = writes.flush();
            if (error == null) {
                failures.recovered("what had failed is written now, with the ban list");
                delay = FIRST_RETRY_MS;
            } else {
                failures.failed("write failed: " + error + "; trying again in " + delay / 1000 + " s");
                delay = Math.min(MAX_RETRY_MS, delay * 2);
            }
        }
    }

    /** Attack keys given up because too many waited for Redis (see {@link RedisWrites#MAX_PENDING}). */
    public long givenUp() {
        return writes.givenUp();
    }

    /** Stops the retry thread (a flush under way finishes, bounded by the timeout), makes one last flush, closes the connection. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            retry.join(2 * RedisSettings.TIMEOUT.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String error = writes.flush();
        if (error != null) {
            log.warn("{}: some writes were not made before the stop ({}); the bans in force are written again at the next start",
                    settings.describe(), error);
        }
        link.close();
    }
}
