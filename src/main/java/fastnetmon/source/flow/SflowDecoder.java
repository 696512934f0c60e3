package fastnetmon.source.flow;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;

import java.nio.ByteBuffer;

import static fastnetmon.source.flow.Wire.i32;
import static fastnetmon.source.flow.Wire.i64;
import static fastnetmon.source.flow.Wire.u32;

/**
 * sFlow v5 (sflow.org, "sFlow Version 5"): flow samples and expanded flow samples become one record each,
 * from their raw packet header record (parsed by {@link PacketParser} like a mirrored frame: VLAN, QinQ,
 * MPLS, IPv4, IPv6), else from a sampled IPv4 / IPv6 record. The sample's sampling rate multiplies packets
 * (1 per sample) and bytes (the frame length, or the IP length with sflow_read_packet_length_from_ip_header).
 * Counter samples are counted. Datagram sequence gaps are counted per agent address + sub-agent.
 * sFlow has no wall clock: a sample's time is the datagram's arrival. Decoding thread only.
 */
final class SflowDecoder {
    static final int HEADER_MIN = 28;
    private static final int RAW_HEADER = 1, SAMPLED_IPV4 = 3, SAMPLED_IPV6 = 4;
    private static final int HEADER_ETHERNET = 1, HEADER_IPV4 = 11, HEADER_IPV6 = 12;
    private final RecordOut out;
    private final boolean lengthFromIp;

    SflowDecoder(RecordOut out, FlowDecoderSettings settings) {
        this.out = out;
        this.lengthFromIp = settings.sflowLengthFromIpHeader();
    }

    void decode(ByteBuffer b, int off, int end, ExporterState st, long arrivalNanos) {
        if (end - off < HEADER_MIN) {
            error(st, "shorter than an sFlow v5 header", end - off);
            return;
        }
        if (i32(b, off) != 5) {
            error(st, "version is not 5", i32(b, off));
            return;
        }
        long agentType = u32(b, off + 4);
        long agentHi, agentLo;
        int p;
        if (agentType == 1) {
            agentHi = 0;
            agentLo = PacketRecord.V4_MAPPED_PREFIX | u32(b, off + 8);
            p = off + 12;
        } else if (agentType == 2) {
            if (end - off < HEADER_MIN + 12) {
                error(st, "shorter than an sFlow v5 header with an IPv6 agent", end - off);
                return;
            }
            agentHi = i64(b, off + 8);
            agentLo = i64(b, off + 16);
            p = off + 24;
        } else {
            error(st, "unknown agent address type", agentType);
            return;
        }
        long subAgent = u32(b, p);
        long sequence = u32(b, p + 4);
        long samples = u32(b, p + 12);
        p += 16;
        st.sequence(agentHi, agentLo, (1L << 32) | subAgent, sequence, 1, 1024); // bit 32: not a NetFlow stream key
        for (long i = 0; i < samples; i++) {
            if (end - p < 8) {
                error(st, "samples run past the end of the datagram", i);
                return;
            }
            int format = i32(b, p);
            long length = u32(b, p + 4);
            p += 8;
            if (length > end - p) {
                error(st, "a sample runs past the end of the datagram", length);
                return;
            }
            int sampleEnd = p + (int) length;
            if ((format >>> 12) == 0) { // enterprise 0: the standard formats
                switch (format & 0xfff) {
                    case 1 -> flowSample(b, p, sampleEnd, st, arrivalNanos, false);
                    case 3 -> flowSample(b, p, sampleEnd, st, arrivalNanos, true);
                    case 2 -> counterSample(b, p, sampleEnd, st, false);
                    case 4 -> counterSample(b, p, sampleEnd, st, true);
                    default -> {
                        // unknown sample format: skipped by its length
                    }
                }
            }
            p = sampleEnd;
        }
    }

    private void flowSample(ByteBuffer b, int p, int end, ExporterState st, long arrivalNanos, boolean expanded) {
        int fixed = expanded ? 44 : 32;
        if (end - p < fixed) {
            error(st, "a flow sample shorter than its fixed fields", end - p);
            return;
        }
        long rate = u32(b, p + (expanded ? 12 : 8));
        long records = u32(b, p + fixed - 4);
        p += fixed;
        int fallback = -1, fallbackEnd = 0, fallbackFormat = 0;
        for (long i = 0; i < records; i++) {
            if (end - p < 8) {
                error(st, "flow records run past the end of their sample", i);
                return;
            }
            int format = i32(b, p);
            long length = u32(b, p + 4);
            p += 8;
            if (length > end - p) {
                error(st, "a flow record runs past the end of its sample", length);
                return;
            }
            int recordEnd = p + (int) length;
            if (format == RAW_HEADER) {
                if (rawHeader(b, p, recordEnd, st)) {
                    out.flow(st, FlowProtocol.SFLOW5, 1, out.rec.length, rate, arrivalNanos, arrivalNanos);
                }
                return; // one record per sample: the packet header is the best description of it
            }
            if ((format == SAMPLED_IPV4 || format == SAMPLED_IPV6) && fallback < 0) {
                fallback = p;
                fallbackEnd = recordEnd;
                fallbackFormat = format;
            }
            p = recordEnd;
        }
        if (fallback >= 0 && sampledIp(b, fallback, fallbackEnd, fallbackFormat, st)) {
            out.flow(st, FlowProtocol.SFLOW5, 1, out.rec.length, rate, arrivalNanos, arrivalNanos);
        }
    }

    /** Counts a counter sample and takes its generic interface counters. */
    private void counterSample(ByteBuffer b, int p, int end, ExporterState st, boolean expanded) {
        st.exporter.add(FlowExporter.COUNTER_SAMPLES, 1);
        int fixed = expanded ? 16 : 12;
        if (end - p < fixed) {
            error(st, "a counter sample shorter than its fixed fields", end - p);
            return;
        }
        long records = u32(b, p + fixed - 4);
        p += fixed;
        for (long i = 0; i < records; i++) {
            if (end - p < 8) {
                error(st, "counter records run past the end of their sample", i);
                return;
            }
            int format = i32(b, p);
            long length = u32(b, p + 4);
            p += 8;
            if (length > end - p) {
                error(st, "a counter record runs past the end of its sample", length);
                return;
            }
            if (format == 1 && length >= SflowInterfaces.GENERIC_LENGTH) {
                st.interfaces().generic(b, p, st.exporter);
            }
            p += (int) length;
        }
    }

    /** Parses a raw packet header record into out.rec (length set to the bytes one packet counts for). */
    private boolean rawHeader(ByteBuffer b, int p, int end, ExporterState st) {
        if (end - p < 16) {
            error(st, "a raw packet header record shorter than 16 bytes", end - p);
            return false;
        }
        long headerProtocol = u32(b, p);
        long frameLength = u32(b, p + 4);
        long headerLength = u32(b, p + 12);
        p += 16;
        if (headerLength > end - p) {
            error(st, "a raw packet header longer than its record", headerLength);
            return false;
        }
        int wire = (int) Math.min(frameLength, Integer.MAX_VALUE);
        PacketRecord rec = out.rec;
        int result;
        if (headerProtocol == HEADER_ETHERNET) {
            result = PacketParser.parseEthernet(b, p, (int) headerLength, wire, rec);
        } else if (headerProtocol == HEADER_IPV4 || headerProtocol == HEADER_IPV6) {
            result = PacketParser.parseIp(b, p, (int) headerLength, wire, rec);
        } else {
            return false; // another link layer (FDDI, token ring, 802.11...): not counted
        }
        if (result != PacketParser.PARSED) {
            return false; // not IP (ARP...) or a sampled packet cut before its IP header: nothing to count
        }
        if (lengthFromIp && rec.ipLength > 0) {
            rec.length = rec.ipLength;
        }
        rec.length = Math.max(rec.length, 1);
        return true;
    }

    /** Fills out.rec from a sampled IPv4 (32 bytes) or IPv6 (56 bytes) record; its length is the IP length. */
    private boolean sampledIp(ByteBuffer b, int p, int end, int format, ExporterState st) {
        boolean v4 = format == SAMPLED_IPV4;
        if (end - p < (v4 ? 32 : 56)) {
            error(st, "a sampled IP record shorter than its fields", end - p);
            return false;
        }
        PacketRecord rec = out.rec;
        rec.reset();
        long length = u32(b, p);
        rec.protocol = (int) u32(b, p + 4) & 0xff;
        int q;
        if (v4) {
            rec.setIpv4(i32(b, p + 8), i32(b, p + 12));
            q = p + 16;
        } else {
            rec.setIpv6(i64(b, p + 8), i64(b, p + 16), i64(b, p + 24), i64(b, p + 32));
            q = p + 40;
        }
        rec.srcPort = (int) u32(b, q) & 0xffff;
        rec.dstPort = (int) u32(b, q + 4) & 0xffff;
        rec.tcpFlags = rec.protocol == PacketRecord.TCP ? (int) u32(b, q + 8) & 0xff : 0;
        rec.ipLength = (int) Math.min(length, Integer.MAX_VALUE);
        rec.length = Math.max(rec.ipLength, 1);
        return true;
    }

    private void error(ExporterState st, String what, long detail) {
        out.error(st, FlowProtocol.SFLOW5, what, detail);
    }
}
