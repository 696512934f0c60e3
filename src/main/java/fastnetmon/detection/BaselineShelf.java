package fastnetmon.detection;

import fastnetmon.counters.HostIndex;

import java.util.Arrays;

/**
 * Learned baselines of hosts the evaluator does not know now, by address: those read from the state file
 * at start, until their host shows up, and those of hosts forgotten after a quiet while
 * (tracked_host_idle_time), so a host whose normal is a few packets now and then keeps what was learned of
 * it. Bounded: at most {@link #MAX_ROWS} rows (further ones are not kept), and a row not taken back within
 * a few learning times is dropped ({@link #expire}), its baseline having decayed to nothing.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class BaselineShelf {
    /** Rows kept at most (about 150 bytes each). */
    static final int MAX_ROWS = 1 << 20;

    private final HostIndex index = new HostIndex(16);
    private final int maxRows;
    final BaselineRows rows = new BaselineRows();
    private long[] hi = new long[0], lo = new long[0];

    BaselineShelf() {
        this(MAX_ROWS);
    }

    BaselineShelf(int maxRows) {
        this.maxRows = maxRows;
    }

    int size() {
        return index.size();
    }

    /** The host's row, made empty when it has none; -1 when the shelf is full. */
    int rowFor(long h, long l) {
        int row = index.find(h, l);
        if (row >= 0) {
            return row;
        }
        if (index.size() >= maxRows) {
            return -1;
        }
        row = index.findOrInsert(h, l);
        rows.ensure(row);
        rows.clear(row);
        if (row >= hi.length) {
            hi = Arrays.copyOf(hi, rows.capacity());
            lo = Arrays.copyOf(lo, rows.capacity());
        }
        hi[row] = h;
        lo[row] = l;
        return row;
    }

    /** Shelves a row of {@code from}; false when the shelf is full. */
    boolean put(long h, long l, BaselineRows from, int fromRow) {
        int row = rowFor(h, l);
        if (row < 0) {
            return false;
        }
        rows.copy(from, fromRow, row);
        return true;
    }

    /** Moves the host's row, when shelved, into row {@code to} of {@code into}; false when it has none. */
    boolean take(long h, long l, BaselineRows into, int to) {
        int row = index.find(h, l);
        if (row < 0) {
            return false;
        }
        into.copy(rows, row, to);
        remove(row);
        return true;
    }

    private void remove(int row) {
        rows.clear(row);
        index.remove(hi[row], lo[row]);
    }

    /** Rows are below this. */
    int limit() {
        return index.slotLimit();
    }

    long hi(int row) {
        return hi[row];
    }

    long lo(int row) {
        return lo[row];
    }

    /** Drops the rows taken into account last before {@code before} (both directions). */
    void expire(long before) {
        for (int row = 0; row < limit(); row++) {
            if (rows.learned(row) && Math.max(rows.at(row, 0), rows.at(row, 1)) < before) {
                remove(row);
            }
        }
        int cap = Math.max(16, limit() * 2);
        if (rows.capacity() > 2 * cap) {
            rows.resize(cap);
            hi = Arrays.copyOf(hi, cap);
            lo = Arrays.copyOf(lo, cap);
        }
    }
}
