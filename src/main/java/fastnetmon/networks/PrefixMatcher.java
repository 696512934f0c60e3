package fastnetmon.networks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Longest-prefix match from network to an int value (&ge; 0), built once and then read by any number of
 * threads without locks. Lookups allocate nothing.
 *
 * <p>IPv4 uses a 16-8-8 multi-level table: a 65536-entry first level; 256-entry second-level chunks exist
 * only under /16s holding a longer prefix, third-level chunks only under /24s holding a longer prefix.
 * An entry &ge; -1 is a final answer (-1 = no match), an entry &le; -2 points at chunk {@code -entry - 2}.
 * A lookup is at most three array reads.
 *
 * <p>IPv6 uses one open-addressing hash table (primitive arrays) per prefix length present, probed from the
 * longest length to the shortest. IPv4-mapped addresses go to the IPv4 table.
 */
public final class PrefixMatcher {
    private static final int EMPTY = -1;

    private final int[] l1;
    private final int[] l2;
    private final int[] l3;

    // One entry per IPv6 prefix length present, longest first.
    private final int[] v6Lengths;
    private final long[] v6MaskHi;
    private final long[] v6MaskLo;
    private final long[][] v6KeyHi;
    private final long[][] v6KeyLo;
    private final int[][] v6Value;

    private final int size;
    private final int maxValue;

    private PrefixMatcher(Builder b) {
        List<Map.Entry<Cidr, Integer>> v4 = new ArrayList<>();
        List<Map.Entry<Cidr, Integer>> v6 = new ArrayList<>();
        for (Map.Entry<Cidr, Integer> e : b.entries.entrySet()) {
            (e.getKey().isV4() ? v4 : v6).add(e);
        }
        size = b.entries.size();
        maxValue = b.entries.values().stream().mapToInt(Integer::intValue).max().orElse(-1);

        // Painting shortest prefixes first lets longer ones overwrite them; a chunk is created pre-filled
        // with the value of the shorter prefix covering it.
        v4.sort((x, y) -> Integer.compare(x.getKey().prefixLength(), y.getKey().prefixLength()));
        int[] first = new int[65536];
        Arrays.fill(first, EMPTY);
        IntBuffer second = new IntBuffer();
        IntBuffer third = new IntBuffer();
        for (Map.Entry<Cidr, Integer> e : v4) {
            int net = e.getKey().v4Address();
            int len = e.getKey().prefixLength();
            int value = e.getValue();
            if (len <= 16) {
                int start = net >>> 16;
                Arrays.fill(first, start, start + (1 << (16 - len)), value);
            } else if (len <= 24) {
                int base = chunk(first, net >>> 16, second);
                int start = base + ((net >>> 8) & 0xff);
                Arrays.fill(second.a, start, start + (1 << (24 - len)), value);
            } else {
                int base2 = chunk(first, net >>> 16, second);
                int base3 = chunk(second.a, base2 + ((net >>> 8) & 0xff), third);
                int start = base3 + (net & 0xff);
                Arrays.fill(third.a, start, start + (1 << (32 - len)), value);
            }
        }
        l1 = first;
        l2 = second.trimmed();
        l3 = third.trimmed();

        Map<Integer, List<Map.Entry<Cidr, Integer>>> byLength = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        for (Map.Entry<Cidr, Integer> e : v6) {
            byLength.computeIfAbsent(e.getKey().prefixLength(), k -> new ArrayList<>()).add(e);
        }
        int n = byLength.size();
        v6Lengths = new int[n];
        v6MaskHi = new long[n];
        v6MaskLo = new long[n];
        v6KeyHi = new long[n][];
        v6KeyLo = new long[n][];
        v6Value = new int[n][];
        int i = 0;
        for (Map.Entry<Integer, List<Map.Entry<Cidr, Integer>>> group : byLength.entrySet()) {
            int len = group.getKey();
            List<Map.Entry<Cidr, Integer>> list = group.getValue();
            int capacity = Integer.highestOneBit(Math.max(2, list.size() * 2 - 1)) << 1;
            long[] kh = new long[capacity];
            long[] kl = new long[capacity];
            int[] vals = new int[capacity];
            Arrays.fill(vals, EMPTY);
            for (Map.Entry<Cidr, Integer> e : list) {
                long h = e.getKey().hi(), l = e.getKey().lo();
                int slot = hash(h, l) & (capacity - 1);
                while (vals[slot] != EMPTY) {
                    slot = (slot + 1) & (capacity - 1);
                }
                kh[slot] = h;
                kl[slot] = l;
                vals[slot] = e.getValue();
            }
            v6Lengths[i] = len;
            v6MaskHi[i] = Cidr.maskHi(len);
            v6MaskLo[i] = Cidr.maskLo(len);
            v6KeyHi[i] = kh;
            v6KeyLo[i] = kl;
            v6Value[i] = vals;
            i++;
        }
    }

    /** Returns the chunk base offset under {@code table[index]}, creating the chunk if it does not exist yet. */
    private static int chunk(int[] table, int index, IntBuffer next) {
        int e = table[index];
        if (e <= -2) {
            return (-e - 2) << 8;
        }
        int chunkNo = next.addChunk(e);
        table[index] = -chunkNo - 2;
        return chunkNo << 8;
    }

    private static int hash(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return (int) (h ^ (h >>> 29));
    }

    /** The value of the longest prefix containing the IPv4 address, or -1. */
    public int lookupV4(int addr) {
        int e = l1[addr >>> 16];
        if (e >= EMPTY) {
            return e;
        }
        e = l2[((-e - 2) << 8) | ((addr >>> 8) & 0xff)];
        if (e >= EMPTY) {
            return e;
        }
        return l3[((-e - 2) << 8) | (addr & 0xff)];
    }

    /** The value of the longest prefix containing the address (two-long form, IPv4 mapped), or -1. */
    public int lookup(long hi, long lo) {
        if (hi == 0 && (lo >>> 32) == 0xffffL) {
            return lookupV4((int) lo);
        }
        for (int i = 0; i < v6Lengths.length; i++) {
            long mh = hi & v6MaskHi[i], ml = lo & v6MaskLo[i];
            long[] kh = v6KeyHi[i], kl = v6KeyLo[i];
            int[] vals = v6Value[i];
            int m = vals.length - 1;
            int slot = hash(mh, ml) & m;
            int v;
            while ((v = vals[slot]) != EMPTY) {
                if (kh[slot] == mh && kl[slot] == ml) {
                    return v;
                }
                slot = (slot + 1) & m;
            }
        }
        return -1;
    }

    /** Number of distinct prefixes. */
    /** The largest value a lookup can give (-1 when empty): arrays indexed by value need one more entry. */
    public int maxValue() {
        return maxValue;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** A matcher giving every prefix the value 0 (for plain "is it in the list" checks). */
    public static PrefixMatcher of(Collection<Cidr> cidrs) {
        Builder b = new Builder();
        for (Cidr c : cidrs) {
            b.add(c, 0);
        }
        return b.build();
    }

    /** Collects prefixes; when the same prefix is added twice the last value wins. Not thread-safe. */
    public static final class Builder {
        private final Map<Cidr, Integer> entries = new LinkedHashMap<>();

        public Builder add(Cidr cidr, int value) {
            if (value < 0) {
                throw new IllegalArgumentException("value must be >= 0, got " + value);
            }
            entries.put(cidr, value);
            return this;
        }

        public PrefixMatcher build() {
            return new PrefixMatcher(this);
        }
    }

    /** Growable int array of 256-entry chunks. */
    private static final class IntBuffer {
        int[] a = new int[0];
        int chunks;

        int addChunk(int fill) {
            if ((chunks + 1) << 8 > a.length) {
                if (chunks >= (1 << 22)) {
                    throw new IllegalStateException("too many long prefixes");
                }
                a = Arrays.copyOf(a, Math.max(256 * 16, a.length * 2));
            }
            Arrays.fill(a, chunks << 8, (chunks + 1) << 8, fill);
            return chunks++;
        }

        int[] trimmed() {
            return chunks << 8 == a.length ? a : Arrays.copyOf(a, Math.max(chunks << 8, 1));
        }
    }
}
