package fastnetmon.source.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One exporter: the source address of the datagrams (for NetFlow v9 / IPFIX / sFlow its state is further
 * keyed by source id, observation domain or agent + sub-agent inside the decoder). Holds its counters.
 *
 * <p>Threading: the counters are written only by the thread that owns the {@link FlowDecoder} holding this
 * exporter and may be read from any thread (metrics): writes are opaque stores of a single writer, reads
 * opaque loads, so a reader sees each counter whole and never going backwards, without any lock or fence on
 * the decoding path.
 */
public final class FlowExporter {
    // Counter indexes in one array, so one VarHandle serves them all.
    static final int DATAGRAMS = 0, TEMPLATE_MISSES = 1, DECODE_ERRORS = 2, SEQUENCE_GAPS = 3,
            TEMPLATES_REFUSED = 4, PENDING_DROPPED = 5, PENDING_DECODED = 6, COUNTER_SAMPLES = 7,
            PACKETS = 8, BYTES = 9, TEMPLATES = 10, OPTIONS_SAMPLING = 11;
    /** Records per protocol start here, datagrams per protocol after them, in {@link FlowProtocol} order. */
    static final int RECORDS_BASE = 12, DATAGRAMS_BASE = RECORDS_BASE + 4;
    /** sFlow interface counters, in {@link SflowInterfaces} order. */
    static final int IF_BASE = DATAGRAMS_BASE + 4;
    /** Datagrams on a NetFlow port whose version field is none of 5, 9, 10. */
    static final int UNKNOWN_VERSION = IF_BASE + SflowInterfaces.COUNTERS;
    /** {@link FlowStat}s per protocol: {@code STATS_BASE + protocol.ordinal() * FlowStat.COUNT + stat.ordinal()}. */
    static final int STATS_BASE = UNKNOWN_VERSION + 1, COUNT = STATS_BASE + 4 * FlowStat.COUNT;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final String address;
    private final long addressHi, addressLo;
    private final long[] counters = new long[COUNT];
    /** Its id among the abuse sensors' observers, numbered on its first record (-1: not yet). Collector thread. */
    int observer = -1;

    FlowExporter(String address, long addressHi, long addressLo) {
        this.address = address;
        this.addressHi = addressHi;
        this.addressLo = addressLo;
    }

    /** The datagrams' source address as text ("192.0.2.1", "2001:db8::1"). */
    public String address() {
        return address;
    }

    /** High 64 bits of the address as in {@link fastnetmon.packet.PacketRecord} (0 for IPv4). */
    public long addressHi() {
        return addressHi;
    }

    /** Low 64 bits of the address as in {@link fastnetmon.packet.PacketRecord} (::ffff:a.b.c.d for IPv4). */
    public long addressLo() {
        return addressLo;
    }

    /** Datagrams received from this exporter, whatever became of them. */
    public long datagrams() {
        return get(DATAGRAMS);
    }

    /** Datagrams of one protocol. */
    public long datagrams(FlowProtocol protocol) {
        return get(DATAGRAMS_BASE + protocol.ordinal());
    }

    /**
     * Flow records (sFlow: flow samples) of one protocol decoded; those with an IP address and packets
     * went to the sink.
     */
    public long records(FlowProtocol protocol) {
        return get(RECORDS_BASE + protocol.ordinal());
    }

    /** Records of all protocols. */
    public long records() {
        long n = 0;
        for (int i = 0; i < 4; i++) {
            n += get(RECORDS_BASE + i);
        }
        return n;
    }

    /** Packets the records stand for (sampling applied). */
    public long packets() {
        return get(PACKETS);
    }

    /** Bytes the records stand for (sampling applied). */
    public long bytes() {
        return get(BYTES);
    }

    /** NetFlow v9 / IPFIX data sets (counted once each) whose template was not known when they arrived. */
    public long templateMisses() {
        return get(TEMPLATE_MISSES);
    }

    /** Malformed datagrams, sets or records (each counted once; what came before the fault was used). */
    public long decodeErrors() {
        return get(DECODE_ERRORS);
    }

    /**
     * Lost exports as the protocol counts them: datagrams for sFlow (per agent + sub-agent) and NetFlow v9
     * (per source id), flow records for NetFlow v5 and IPFIX (per engine / observation domain).
     */
    public long sequenceGaps() {
        return get(SEQUENCE_GAPS);
    }

    /** Templates currently known from this exporter (data and options, all source ids). */
    public long templates() {
        return get(TEMPLATES);
    }

    /** Templates not kept because the exporter reached the bound, or malformed. */
    public long templatesRefused() {
        return get(TEMPLATES_REFUSED);
    }

    /** Data sets held for a template that were dropped (bound reached, too old, or template never came). */
    public long pendingDropped() {
        return get(PENDING_DROPPED);
    }

    /** Data sets held for a template that were decoded when it arrived. */
    public long pendingDecoded() {
        return get(PENDING_DECODED);
    }

    /** One of the per-protocol figures behind FastNetMon's NetFlow and IPFIX counters. */
    public long count(FlowStat stat, FlowProtocol protocol) {
        return get(stat(protocol, stat));
    }

    /** Datagrams on a NetFlow port whose version field is none of NetFlow v5, v9 and IPFIX. */
    public long unknownVersions() {
        return get(UNKNOWN_VERSION);
    }

    static int stat(FlowProtocol protocol, FlowStat stat) {
        return STATS_BASE + protocol.ordinal() * FlowStat.COUNT + stat.ordinal();
    }

    /** sFlow counter samples received. */
    public long counterSamples() {
        return get(COUNTER_SAMPLES);
    }

    /** Options data records that set a sampling rate. */
    public long optionsSamplingRecords() {
        return get(OPTIONS_SAMPLING);
    }

    /**
     * What the exporter's sFlow generic interface counters grew by since its first counter sample of each
     * interface, summed over its interfaces (up to {@link SflowInterfaces#MAX_INTERFACES}): octets, packets
     * (unicast, multicast and broadcast), discards and errors, in and out.
     */
    public long ifInOctets() {
        return get(IF_BASE + SflowInterfaces.IN_OCTETS);
    }

    public long ifInPackets() {
        return get(IF_BASE + SflowInterfaces.IN_PACKETS);
    }

    public long ifInDiscards() {
        return get(IF_BASE + SflowInterfaces.IN_DISCARDS);
    }

    public long ifInErrors() {
        return get(IF_BASE + SflowInterfaces.IN_ERRORS);
    }

    public long ifOutOctets() {
        return get(IF_BASE + SflowInterfaces.OUT_OCTETS);
    }

    public long ifOutPackets() {
        return get(IF_BASE + SflowInterfaces.OUT_PACKETS);
    }

    public long ifOutDiscards() {
        return get(IF_BASE + SflowInterfaces.OUT_DISCARDS);
    }

    public long ifOutErrors() {
        return get(IF_BASE + SflowInterfaces.OUT_ERRORS);
    }

    long get(int slot) {
        return (long) SLOT.getOpaque(counters, slot);
    }

    /** Single writer: the decoding thread. */
    void add(int slot, long n) {
        SLOT.setOpaque(counters, slot, (long) SLOT.getOpaque(counters, slot) + n);
    }

    void set(int slot, long v) {
        SLOT.setOpaque(counters, slot, v);
    }

    @Override
    public String toString() {
        return "exporter " + address;
    }
}
