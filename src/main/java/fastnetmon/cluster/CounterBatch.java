package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One sensor's counts of one period for the hosts of one partition, as a sensor publishes it to a Redis
 * stream and an aggregator reads it back: per host the counter deltas since the sensor's previous batch
 * of that host ({@link CounterShard#COUNTERS} values laid out as {@link CounterShard#counter}), the hosts
 * the sensor's counters gave up, sample packets of hosts the aggregator asked for, and, in partition 0's
 * batches, the sensor's totals. Reused: {@link #clear} and fill it (sensor), or {@link #decode} into it
 * (aggregator).
 *
 * <p>The encoding (version 1), every integer an unsigned LEB128 varint unless said otherwise:
 * <pre>
 * "FNMC" version(1 byte) flags(1 byte: 1 totals, 2 whole seconds)
 * sensor(1 byte length, UTF-8) partition sequence endNanos coveredNanos countedUpToNanos(+1; 0 unknown)
 * [totals: {@link CounterShard#TOTALS} values, untracked packets, promoted hosts, networks n, 4n values]
 * hosts: n, then per host: address, mask (bit i: counter i follows), the counters in order
 * removed: n addresses
 * samples: n, then per sample: timestamp, src address, dst address, ports (src &lt;&lt; 16 | dst),
 *          meta (protocol &lt;&lt; 24 | flags &lt;&lt; 16 | ttl &lt;&lt; 8 | origin &lt;&lt; 1 | fragmented), packets, bytes,
 *          length, direction (1 byte: {@link Direction} ordinal)
 * address: 4 and 4 bytes (IPv4), or 6 and 16 bytes (IPv6), big-endian
 * </pre>
 * A counter's delta is never negative (counters only grow); a negative one is taken as malformed.
 *
 * <p>Threading: none; one thread fills or decodes and reads an instance.
 */
public final class CounterBatch {
    static final byte[] MAGIC = {'F', 'N', 'M', 'C'};
    static final int VERSION = 1;
    private static final int FLAG_TOTALS = 1, FLAG_WHOLE_SECONDS = 2;
    private static final int C = CounterShard.COUNTERS;
    /** Most networks a batch's totals carry (networks_list is bounded far below). */
    static final int MAX_NETWORKS = 1 << 16;
    /** Most samples a batch carries; a sensor drops (and counts) the rest. */
    public static final int MAX_SAMPLES = 4096;

    public String sensor = "";
    public int partition;
    /** Per sensor and partition, one more for every batch published. */
    public long sequence;
    /** The end of the period the batch covers, on the sensor's clock (ns since the epoch). */
    public long endNanos;
    public long coveredNanos;
    /** The newest packet time counted ({@code Long.MIN_VALUE}: unknown), see {@code HostCounters#countedUpToNanos}. */
    public long countedUpToNanos = Long.MIN_VALUE;
    /** Counts of whole seconds (flow records attributed to their seconds), see {@code HostCounters#countsWholeSeconds}. */
    public boolean wholeSeconds;

    public boolean hasTotals;
    /** Deltas of the totals, see {@link CounterShard#totalIndex}. */
    public final long[] totals = new long[CounterShard.TOTALS];
    public long untrackedPackets, promotedHosts;
    /** Deltas per monitored network, 4 each (see {@code HostCounters#readNetworkTotals}). */
    public long[] networkTotals = new long[0];
    public int networks;

    public int hosts;
    public long[] hostHi = new long[16], hostLo = new long[16];
    /** Host i's deltas at {@code [i * COUNTERS, (i + 1) * COUNTERS)}. */
    public long[] counts = new long[16 * C];

    public int removed;
    public long[] removedHi = new long[16], removedLo = new long[16];

    public int samples;
    public long[] sampleTime = new long[16], srcHi = new long[16], srcLo = new long[16], dstHi = new long[16],
            dstLo = new long[16], samplePackets = new long[16], sampleBytes = new long[16];
    public int[] ports = new int[16], meta = new int[16], sampleLength = new int[16];
    public byte[] sampleDirection = new byte[16];

    /** Empties the batch for the next period (arrays are kept). */
    public void clear() {
        hasTotals = false;
        Arrays.fill(totals, 0);
        untrackedPackets = 0;
        promotedHosts = 0;
        networks = 0;
        hosts = 0;
        removed = 0;
        samples = 0;
        wholeSeconds = false;
        countedUpToNanos = Long.MIN_VALUE;
    }

    /** Adds a host's deltas, {@code C} values from {@code src[off]}. */
    public void addHost(long hi, long lo, long[] src, int off) {
        if (hosts == hostHi.length) {
            int cap = hosts * 2;
            hostHi = Arrays.copyOf(hostHi, cap);
            hostLo = Arrays.copyOf(hostLo, cap);
            counts = Arrays.copyOf(counts, cap * C);
        }
        hostHi[hosts] = hi;
        hostLo[hosts] = lo;
        System.arraycopy(src, off, counts, hosts * C, C);
        hosts++;
    }

    public void addRemoved(long hi, long lo) {
        if (removed == removedHi.length) {
            removedHi = Arrays.copyOf(removedHi, removed * 2);
            removedLo = Arrays.copyOf(removedLo, removed * 2);
        }
        removedHi[removed] = hi;
        removedLo[removed] = lo;
        removed++;
    }

    /** Sets the totals' deltas ({@code networkDeltas}: 4 per network). */
    public void setTotals(long[] totalDeltas, long untracked, long promoted, long[] networkDeltas, int networkCount) {
        hasTotals = true;
        System.arraycopy(totalDeltas, 0, totals, 0, CounterShard.TOTALS);
        untrackedPackets = untracked;
        promotedHosts = promoted;
        networks = networkCount;
        if (networkTotals.length < 4 * networkCount) {
            networkTotals = new long[4 * networkCount];
        }
        System.arraycopy(networkDeltas, 0, networkTotals, 0, 4 * networkCount);
    }

    /** Adds a sample packet (as {@code SampleRing.Visitor} hands it over); false when the batch has {@link #MAX_SAMPLES}. */
    public boolean addSample(long timestampNanos, long sHi, long sLo, long dHi, long dLo, int srcPort, int dstPort,
                             int protocol, int tcpFlags, int ttl, boolean fragmented, long packets, int length,
                             Direction direction, long bytes, int origin) {
        if (samples == MAX_SAMPLES) {
            return false;
        }
        if (samples == sampleTime.length) {
            growSamples(samples * 2);
        }
        int i = samples++;
        sampleTime[i] = timestampNanos;
        srcHi[i] = sHi;
        srcLo[i] = sLo;
        dstHi[i] = dHi;
        dstLo[i] = dLo;
        ports[i] = srcPort << 16 | (dstPort & 0xffff);
        meta[i] = (protocol & 0xff) << 24 | (tcpFlags & 0xff) << 16 | (ttl & 0xff) << 8 | (origin & 7) << 1 | (fragmented ? 1 : 0);
        samplePackets[i] = packets;
        sampleBytes[i] = bytes;
        sampleLength[i] = length;
        sampleDirection[i] = (byte) direction.ordinal();
        return true;
    }

    private void growSamples(int cap) {
        sampleTime = Arrays.copyOf(sampleTime, cap);
        srcHi = Arrays.copyOf(srcHi, cap);
        srcLo = Arrays.copyOf(srcLo, cap);
        dstHi = Arrays.copyOf(dstHi, cap);
        dstLo = Arrays.copyOf(dstLo, cap);
        samplePackets = Arrays.copyOf(samplePackets, cap);
        sampleBytes = Arrays.copyOf(sampleBytes, cap);
        ports = Arrays.copyOf(ports, cap);
        meta = Arrays.copyOf(meta, cap);
        sampleLength = Arrays.copyOf(sampleLength, cap);
        sampleDirection = Arrays.copyOf(sampleDirection, cap);
    }

    /** Whether the batch carries nothing but its header (no hosts, removals, samples or totals). */
    public boolean isEmpty() {
        return hosts == 0 && removed == 0 && samples == 0 && !hasTotals;
    }

    /** The batch's bytes, written into {@code out} (grown as needed; reuse it). */
    public BatchBytes encode(BatchBytes out) {
        out.clear();
        out.put(MAGIC);
        out.put((byte) VERSION);
        out.put((byte) ((hasTotals ? FLAG_TOTALS : 0) | (wholeSeconds ? FLAG_WHOLE_SECONDS : 0)));
        byte[] name = sensor.getBytes(StandardCharsets.UTF_8);
        if (name.length > 255) {
            throw new IllegalStateException("sensor name longer than 255 bytes");
        }
        out.put((byte) name.length);
        out.put(name);
        out.varint(partition);
        out.varint(sequence);
        out.varint(endNanos);
        out.varint(coveredNanos);
        out.varint(countedUpToNanos == Long.MIN_VALUE ? 0 : countedUpToNanos + 1);
        if (hasTotals) {
            for (long t : totals) {
                out.varint(t);
            }
            out.varint(untrackedPackets);
            out.varint(promotedHosts);
            out.varint(networks);
            for (int i = 0; i < 4 * networks; i++) {
                out.varint(networkTotals[i]);
            }
        }
        out.varint(hosts);
        for (int h = 0; h < hosts; h++) {
            out.address(hostHi[h], hostLo[h]);
            long mask = 0;
            int base = h * C;
            for (int i = 0; i < C; i++) {
                if (counts[base + i] != 0) {
                    mask |= 1L << i;
                }
            }
            out.varint(mask);
            for (int i = 0; i < C; i++) {
                if (counts[base + i] != 0) {
                    out.varint(counts[base + i]);
                }
            }
        }
        out.varint(removed);
        for (int r = 0; r < removed; r++) {
            out.address(removedHi[r], removedLo[r]);
        }
        out.varint(samples);
        for (int s = 0; s < samples; s++) {
            out.varint(sampleTime[s]);
            out.address(srcHi[s], srcLo[s]);
            out.address(dstHi[s], dstLo[s]);
            out.varint(ports[s] & 0xffffffffL);
            out.varint(meta[s] & 0xffffffffL);
            out.varint(samplePackets[s]);
            out.varint(sampleBytes[s]);
            out.varint(sampleLength[s] & 0xffffffffL);
            out.put(sampleDirection[s]);
        }
        return out;
    }

    /** A batch that is not one: where and what, in one line. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Decodes {@code data} into this batch (its previous content is replaced). Never reads outside
     * {@code data}; a malformed batch throws {@link Malformed} saying at which byte and what, and leaves
     * the batch in an unspecified state (clear it before reuse).
     */
    public void decode(byte[] data) throws Malformed {
        decode(data, false);
    }

    /**
     * Decodes the header only (what an aggregator needs to route a batch and follow its sensor: sensor,
     * kind, partition, sequence, times, whether totals follow); the batch then holds no totals' values,
     * hosts, removals or samples.
     * Throws {@link Malformed} when that much is not well-formed.
     */
    public void decodeHeader(byte[] data) throws Malformed {
        decode(data, true);
    }

    private void decode(byte[] data, boolean headerOnly) throws Malformed {
        BatchReader r = new BatchReader(data);
        clear();
        for (byte b : MAGIC) {
            if (r.u8() != (b & 0xff)) {
                throw new Malformed("not a counter batch (no FNMC at its start)");
            }
        }
        int version = r.u8();
        if (version != VERSION) {
            throw new Malformed("counter batch version " + version + " (this version reads " + VERSION + ")");
        }
        int flags = r.u8();
        hasTotals = (flags & FLAG_TOTALS) != 0;
        wholeSeconds = (flags & FLAG_WHOLE_SECONDS) != 0;
        int nameLength = r.u8();
        sensor = utf8(r.bytes(nameLength));
        partition = r.count(Integer.MAX_VALUE, "partition");
        sequence = r.varint();
        endNanos = r.varint();
        coveredNanos = r.varint();
        long upTo = r.varint();
        countedUpToNanos = upTo == 0 ? Long.MIN_VALUE : upTo - 1;
        if (headerOnly) {
            return;
        }
        if (hasTotals) {
            for (int i = 0; i < totals.length; i++) {
                totals[i] = r.delta();
            }
            untrackedPackets = r.delta();
            promotedHosts = r.delta();
            networks = r.count(Math.min(MAX_NETWORKS, r.left() / 4), "networks"); // 4 values of a byte at least each
            if (networkTotals.length < 4 * networks) {
                networkTotals = new long[4 * networks];
            }
            for (int i = 0; i < 4 * networks; i++) {
                networkTotals[i] = r.delta();
            }
        }
        // Each host takes 6 bytes at least, each removal 5, each sample 17: counts beyond what is left are malformed.
        int n = r.count(r.left() / 6, "hosts");
        if (hostHi.length < n) {
            hostHi = new long[n];
            hostLo = new long[n];
            counts = new long[n * C];
        }
        for (int h = 0; h < n; h++) {
            r.address();
            hostHi[h] = r.hi;
            hostLo[h] = r.lo;
            long mask = r.varint();
            if (C < 64 && (mask >>> C) != 0) {
                throw new Malformed("host " + h + ": counter mask names counters beyond the " + C + " there are (byte " + r.pos + ")");
            }
            int base = h * C;
            for (int i = 0; i < C; i++) {
                counts[base + i] = (mask & (1L << i)) != 0 ? r.delta() : 0;
            }
        }
        hosts = n;
        int m = r.count(r.left() / 5, "removed hosts");
        if (removedHi.length < m) {
            removedHi = new long[m];
            removedLo = new long[m];
        }
        for (int i = 0; i < m; i++) {
            r.address();
            removedHi[i] = r.hi;
            removedLo[i] = r.lo;
        }
        removed = m;
        int s = r.count(Math.min(MAX_SAMPLES, r.left() / 17), "samples");
        if (sampleTime.length < s) {
            growSamples(s);
        }
        for (int i = 0; i < s; i++) {
            sampleTime[i] = r.varint();
            r.address();
            srcHi[i] = r.hi;
            srcLo[i] = r.lo;
            r.address();
            dstHi[i] = r.hi;
            dstLo[i] = r.lo;
            ports[i] = (int) r.varint();
            meta[i] = (int) r.varint();
            samplePackets[i] = r.delta();
            sampleBytes[i] = r.delta();
            sampleLength[i] = (int) r.varint();
            int d = r.u8();
            if (d >= Direction.values().length) {
                throw new Malformed("sample " + i + ": direction " + d + " (byte " + (r.pos - 1) + ")");
            }
            sampleDirection[i] = (byte) d;
        }
        samples = s;
        if (r.left() != 0) {
            throw new Malformed(r.left() + " bytes after the batch's end (byte " + r.pos + ")");
        }
    }

    /** Strictly: a name with a replacement character could grow beyond what {@link #encode} takes. */
    private static String utf8(byte[] b) throws Malformed {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the sensor's name is not UTF-8");
        }
    }
}
