package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What Redis should hold and does not yet: the attack keys to set (at most {@link #MAX_PENDING}, the oldest
 * given up and counted past that) and the ban list, kept whole in memory, with the hosts whose entry is to
 * be written or deleted. {@link #flush} sends all of it in one pipeline and forgets what Redis took; what
 * failed stays for the next flush. {@link #rewriteBanList} marks every ban in force to be written again
 * (after a reconnection: Redis may have restarted empty).
 *
 * <p>Threading: any thread; state guarded by {@code this}, flushes serialized by their own lock (so a
 * newer value never overtakes an older one on the connection).
 */
final class RedisWrites {
    /** Attack keys that may wait for Redis; past that the oldest is given up (and counted). */
    static final int MAX_PENDING = 1000;

    private final RedisLink link;
    private final String banListKey;
    private final Function<Attack, String> banEntry;
    private final Object flushLock = new Object();
    private final LinkedHashMap<String, String> pendingSets = new LinkedHashMap<>();
    /** Bans in force by ban-list field (the host's address, or a network's CIDR). */
    private final Map<String, Attack> inForce = new LinkedHashMap<>();
    /** Ban-list fields to write (in force) or delete (not in force). */
    private final Set<String> dirty = new LinkedHashSet<>();
    private long givenUp;

    RedisWrites(RedisLink link, String banListKey, Function<Attack, String> banEntry) {
        this.link = link;
        this.banListKey = banListKey;
        this.banEntry = banEntry;
    }

    /** Keeps the value to write; true when the oldest waiting key was given up for it. */
    synchronized boolean set(String key, String value) {
        pendingSets.remove(key); // a newer value goes to the end
        pendingSets.put(key, value);
        if (pendingSets.size() > MAX_PENDING) {
            Iterator<String> eldest = pendingSets.keySet().iterator();
            eldest.next();
            eldest.remove();
            givenUp++;
            return true;
        }
        return false;
    }

    synchronized void banned(Attack a) {
        inForce.put(a.ip, a);
        dirty.add(a.ip);
    }

    /**
     * The ban is over: its entry is deleted, also when this detector did not hold it (an unban carried out
     * at start from the journal); a newer ban of the same host stays.
     */
    synchronized void unbanned(Attack a) {
        Attack held = inForce.get(a.ip);
        if (held == null || held.equals(a)) {
            inForce.remove(a.ip);
            dirty.add(a.ip);
        }
    }

    synchronized void rewriteBanList() {
        dirty.addAll(inForce.keySet());
    }

    synchronized boolean idle() {
        return pendingSets.isEmpty() && dirty.isEmpty();
    }

    /** Attack keys given up so far because {@link #MAX_PENDING} waited already. */
    synchronized long givenUp() {
        return givenUp;
    }

    synchronized List<Attack> inForce() {
        return List.copyOf(inForce.values());
    }

    /** Sends what is pending; null when Redis took all of it, else why not (the server's reply or the socket error). */
    String flush() {
        synchronized (flushLock) {
            Map<String, String> sets;
            Map<String, String> entries = new LinkedHashMap<>();
            List<String> deletes = new ArrayList<>();
            Set<String> fields;
            synchronized (this) {
                if (pendingSets.isEmpty() && dirty.isEmpty()) {
                    return null;
                }
                sets = new LinkedHashMap<>(pendingSets);
                fields = new HashSet<>(dirty);
                for (String f : dirty) {
                    Attack a = inForce.get(f);
                    if (a != null) {
                        entries.put(f, banEntry.apply(a));
                    } else {
                        deletes.add(f);
                    }
                }
                dirty.clear();
            }
            String error = send(sets, entries, deletes);
            synchronized (this) {
                if (error == null) {
                    sets.forEach(pendingSets::remove); // removes only what is unchanged since
                } else {
                    dirty.addAll(fields);
                }
            }
            return error;
        }
    }

    private String send(Map<String, String> sets, Map<String, String> entries, List<String> deletes) {
        RedisClusterAsyncCommands<String, String> c = link.commands();
        if (c == null) {
            return "not connected";
        }
        List<RedisFuture<?>> sent = new ArrayList<>();
        try {
            sets.forEach((k, v) -> sent.add(c.set(k, v)));
            if (!entries.isEmpty()) {
                sent.add(c.hset(banListKey, entries));
            }
            if (!deletes.isEmpty()) {
                sent.add(c.hdel(banListKey, deletes.toArray(String[]::new)));
            }
            if (!LettuceFutures.awaitAll(RedisSettings.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS, sent.toArray(RedisFuture[]::new))) {
                return "no reply within " + RedisSettings.TIMEOUT.toMillis() + " ms";
            }
            return null;
        } catch (RuntimeException e) {
            return RedisLink.reason(e);
        }
    }
}
