package fastnetmon.sensor;

import java.util.function.Predicate;

/**
 * The bounded key table of one sensor: observer and source address to the source's {@link SourceWindow}.
 * Holds at most {@code max} sources; when full a new source is refused (the caller counts it as untracked)
 * rather than evicting one, so a flood of random sources cannot flush the windows of real scanners, and
 * room comes back as idle sources expire ({@link #retain}). Open addressing with linear probing, grown
 * from 1024 slots up to twice the bound and shrunk again when sources expire.
 *
 * <p>Threading: not thread-safe; owned by the sensor thread ({@link #size} may be read from any thread,
 * as a hint).
 */
final class SourceTable {
    private static final int MIN_CAPACITY = 1024;
    private final int max;
    private SourceWindow[] slots = new SourceWindow[MIN_CAPACITY];
    private volatile int size;

    SourceTable(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive, got " + max);
        }
        this.max = max;
    }

    int size() {
        return size;
    }

    /** The source's window, created when new; null when it is new and the table is full. */
    SourceWindow getOrCreate(int observer, long hi, long lo) {
        int mask = slots.length - 1;
        int slot = hash(observer, hi, lo) & mask;
        SourceWindow w;
        while ((w = slots[slot]) != null) {
            if (w.lo == lo && w.hi == hi && w.observer == observer) {
                return w;
            }
            slot = (slot + 1) & mask;
        }
        if (size >= max) {
            return null;
        }
        if ((size + 1) * 2L > slots.length) {
            rebuild(slots.length * 2, x -> true);
            return getOrCreate(observer, hi, lo);
        }
        w = new SourceWindow(observer, hi, lo);
        slots[slot] = w;
        size++;
        return w;
    }

    /** Keeps the sources {@code keep} accepts and drops the others (a rebuild, smaller when few are left). */
    void retain(Predicate<SourceWindow> keep) {
        int kept = 0;
        for (SourceWindow w : slots) {
            if (w != null && keep.test(w)) {
                kept++;
            }
        }
        int capacity = MIN_CAPACITY;
        while (capacity < kept * 2L) {
            capacity *= 2;
        }
        rebuild(capacity, keep);
    }

    private void rebuild(int capacity, Predicate<SourceWindow> keep) {
        SourceWindow[] old = slots;
        slots = new SourceWindow[capacity];
        int mask = capacity - 1, n = 0;
        for (SourceWindow w : old) {
            if (w != null && keep.test(w)) {
                int slot = hash(w.observer, w.hi, w.lo) & mask;
                while (slots[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = w;
                n++;
            }
        }
        size = n;
    }

    private static int hash(int observer, long hi, long lo) {
        return DistinctSet.hash(hi * 31 + observer, lo);
    }
}
