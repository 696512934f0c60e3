package fastnetmon.source.flow;

/**
 * The fields that the templates of all exporters of one decoder may hold together: with the per-exporter
 * bound alone, many exporters each sending many large templates could still take gigabytes. About 12 bytes
 * a field. Decoding thread only.
 */
final class TemplateBudget {
    static final long MAX_FIELDS = 1 << 20;
    private long used;

    /** Takes room for {@code fields} more; false (nothing taken) when that would pass the bound. */
    boolean take(long fields) {
        if (used + fields > MAX_FIELDS) {
            return false;
        }
        used += fields;
        return true;
    }

    void give(long fields) {
        used -= fields;
    }

    long used() {
        return used;
    }
}
