package fastnetmon.source.flow;

import java.util.Arrays;

/**
 * A NetFlow v9 / IPFIX (options) template compiled once into a plan: for each {@link Fields} slot the offset
 * and length of its field in a record, or, when the template has variable-length fields, what a walk over
 * the record needs. Immutable; kept by one exporter's state (decoding thread only).
 */
final class Template {
    static final int VARIABLE = 65535;

    final boolean options;
    /** Field ids (enterprise bit kept), enterprise numbers and lengths, as sent: for equality and walking. */
    private final int[] ids, enterprises, lengths;
    /** The slot each field fills, or {@link Fields#NONE}. */
    final byte[] fieldSlot;
    final boolean variable;
    /** The record length of a fixed template; the least a record can take when variable. */
    final int minLength;
    /** Fixed templates: per slot, offset in the record or -1, and length. */
    final int[] slotOffset, slotLength;

    private Template(boolean options, int[] ids, int[] enterprises, int[] lengths) {
        this.options = options;
        this.ids = ids;
        this.enterprises = enterprises;
        this.lengths = lengths;
        int n = ids.length;
        fieldSlot = new byte[n];
        slotOffset = new int[Fields.SLOTS];
        slotLength = new int[Fields.SLOTS];
        Arrays.fill(slotOffset, -1);
        boolean var = false;
        int offset = 0;
        for (int i = 0; i < n; i++) {
            int len = lengths[i];
            int slot = (ids[i] & 0x8000) != 0 ? Fields.NONE : Fields.slotOf(ids[i]);
            if (len == VARIABLE) {
                var = true;
                offset += 1;
            } else {
                if (slot != Fields.NONE && (!Fields.validLength(slot, len) || slotOffset[slot] >= 0)) {
                    slot = Fields.NONE; // a length we cannot read, or a repeated element: the first one counts
                }
                if (slot != Fields.NONE) {
                    slotOffset[slot] = offset;
                    slotLength[slot] = len;
                }
                offset += len;
            }
            fieldSlot[i] = (byte) slot;
        }
        variable = var;
        minLength = offset;
        if (var) {
            Arrays.fill(slotOffset, -1); // found by walking each record
        }
    }

    /**
     * A template from the first {@code n} entries of the scratch arrays, or null when no record could be
     * made from it (empty records, or records longer than any datagram).
     */
    static Template of(boolean options, int[] ids, int[] enterprises, int[] lengths, int n) {
        Template t = new Template(options, Arrays.copyOf(ids, n), Arrays.copyOf(enterprises, n), Arrays.copyOf(lengths, n));
        return t.minLength < 1 || t.minLength > 65535 ? null : t;
    }

    /** Whether this template is the one the scratch arrays describe (a refresh changes nothing). */
    boolean sameAs(boolean options, int[] ids, int[] enterprises, int[] lengths, int n) {
        return this.options == options && this.ids.length == n
                && Arrays.equals(this.ids, 0, n, ids, 0, n)
                && Arrays.equals(this.lengths, 0, n, lengths, 0, n)
                && Arrays.equals(this.enterprises, 0, n, enterprises, 0, n);
    }

    int fieldCount() {
        return lengths.length;
    }

    int length(int field) {
        return lengths[field];
    }
}
