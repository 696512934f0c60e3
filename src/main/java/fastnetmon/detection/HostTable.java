package fastnetmon.detection;

import fastnetmon.counters.HostIndex;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.networks.PrefixMatcher;

import java.util.Arrays;
import java.util.List;

/**
 * The evaluator's hosts: a dense id per host address (ids of forgotten hosts are reused), with what is
 * fixed for the host while it is known (its hostgroup, whether it is whitelisted) and how many counters
 * instances hold it now. A host is known while some counters hold it or while it is banned.
 *
 * <p>Threading: the evaluator's thread only.
 */
final class HostTable {
    private final PrefixMatcher whitelist;
    private final PrefixMatcher groups;
    private final HostIndex index = new HostIndex(1 << 12);
    private long[] hi = new long[0], lo = new long[0];
    private int[] groupOf = new int[0];
    private boolean[] whitelisted = new boolean[0];
    private int[] holders = new int[0];

    /** @param groups the hostgroups' networks, in order: a host's group is the index of the longest match */
    HostTable(List<Cidr> whitelist, List<List<Cidr>> groups) {
        PrefixMatcher.Builder wl = new PrefixMatcher.Builder();
        for (Cidr c : whitelist) {
            wl.add(c, 0);
        }
        this.whitelist = wl.build();
        PrefixMatcher.Builder gb = new PrefixMatcher.Builder();
        for (int g = 0; g < groups.size(); g++) {
            for (Cidr c : groups.get(g)) {
                gb.add(c, g);
            }
        }
        this.groups = gb.build();
    }

    /** The host's id, or -1 when it is not known. */
    int find(long h, long l) {
        return index.find(h, l);
    }

    /** The host's id, adding it when it is not known. */
    int findOrAdd(long h, long l) {
        int host = index.findOrInsert(h, l);
        if (index.lastInsertWasNew()) {
            if (host >= hi.length) {
                int cap = Math.max(16, Math.max(host + 1, hi.length * 2));
                hi = Arrays.copyOf(hi, cap);
                lo = Arrays.copyOf(lo, cap);
                groupOf = Arrays.copyOf(groupOf, cap);
                whitelisted = Arrays.copyOf(whitelisted, cap);
                holders = Arrays.copyOf(holders, cap);
            }
            hi[host] = h;
            lo[host] = l;
            groupOf[host] = groups.lookup(h, l);
            whitelisted[host] = whitelist.lookup(h, l) >= 0;
            holders[host] = 0;
        }
        return host;
    }

    /** Ids are below this: the size per-host arrays elsewhere need. */
    int capacity() {
        return hi.length;
    }

    long hi(int host) {
        return hi[host];
    }

    long lo(int host) {
        return lo[host];
    }

    String ip(int host) {
        Cidr network = SubnetKey.cidrOf(hi[host], lo[host]);
        return network != null ? network.toString() : IpAddresses.format(hi[host], lo[host]);
    }

    /** Index of the host's hostgroup, or -1 for none (the global thresholds). */
    int group(int host) {
        return groupOf[host];
    }

    boolean whitelisted(int host) {
        return whitelisted[host];
    }

    /** One more counters instance holds the host. */
    void hold(int host) {
        holders[host]++;
    }

    /** One counters instance less holds the host; returns how many still do. */
    int release(int host) {
        return --holders[host];
    }

    int holders(int host) {
        return holders[host];
    }

    /**
     * Gives back the memory of ids above the known hosts' (ids are reused lowest first, so after a flood
     * of many hosts the known ones sit low) once the arrays are four times what they need; returns the
     * capacity, below which every known host's id is.
     */
    int trim() {
        int cap = Math.max(16, index.slotLimit() * 2);
        if (hi.length > 2 * cap) {
            hi = Arrays.copyOf(hi, cap);
            lo = Arrays.copyOf(lo, cap);
            groupOf = Arrays.copyOf(groupOf, cap);
            whitelisted = Arrays.copyOf(whitelisted, cap);
            holders = Arrays.copyOf(holders, cap);
        }
        return hi.length;
    }

    /** Forgets the host; its id goes to the next new host. */
    void remove(int host) {
        index.remove(hi[host], lo[host]);
    }
}
