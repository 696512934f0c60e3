package fastnetmon.counters;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Names of what saw a packet or flow (a capture interface, a flow exporter's address), numbered so a
 * record carries an int: the abuse sensors report the name as a threat's observer. Bounded: past
 * {@link #MAX} names every new one is {@link #OTHER}.
 *
 * <p>Threading: any thread; {@link #id} is called when a source or an exporter appears (never per packet).
 */
public final class Observers {
    public static final int MAX = 65_536;
    /** The id of "other": a name past the bound. */
    public static final int OTHER = 0;

    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<String> names = new CopyOnWriteArrayList<>(new String[] {"other"});

    /** The id of this name, numbered on first use. */
    public int id(String name) {
        Integer known = ids.get(name);
        if (known != null) {
            return known;
        }
        synchronized (this) {
            return ids.computeIfAbsent(name, n -> {
                if (names.size() >= MAX) {
                    return OTHER;
                }
                names.add(n);
                return names.size() - 1;
            });
        }
    }

    /** The name of an id ("other" for an unknown one). */
    public String name(int id) {
        return id >= 0 && id < names.size() ? names.get(id) : names.get(OTHER);
    }
}
