package fastnetmon.source.flow;

import fastnetmon.packet.PacketRecord;

import java.nio.ByteBuffer;

import static fastnetmon.source.flow.Wire.i32;
import static fastnetmon.source.flow.Wire.u16;
import static fastnetmon.source.flow.Wire.u32;
import static fastnetmon.source.flow.Wire.u8;

/**
 * NetFlow v5: a 24-byte header and up to 30 fixed 48-byte records. The header's sampling field (2 bits of
 * mode, 14 bits of interval) gives the rate when it is not 0, else netflow_sampling_ratio. Record times are
 * sysUptime milliseconds: their age against the header's sysUptime is taken back from the arrival time.
 * Sequence gaps: flow_sequence counts flows, per engine type + engine id. Decoding thread only.
 */
final class Netflow5Decoder {
    static final int HEADER = 24, RECORD = 48, MAX_COUNT = 30;
    private final RecordOut out;
    private final long defaultRate;

    Netflow5Decoder(RecordOut out, FlowDecoderSettings settings) {
        this.out = out;
        this.defaultRate = settings.netflowSamplingRatio();
    }

    void decode(ByteBuffer b, int off, int end, ExporterState st, long arrivalNanos) {
        if (end - off < HEADER) {
            out.error(st, FlowProtocol.NETFLOW5, "shorter than the 24-byte header", end - off);
            return;
        }
        if (u16(b, off) != 5) {
            out.error(st, FlowProtocol.NETFLOW5, "version is not 5", u16(b, off));
            return;
        }
        int count = u16(b, off + 2);
        long sysUptime = u32(b, off + 4);
        long sequence = u32(b, off + 16);
        int engine = u16(b, off + 20);
        int sampling = u16(b, off + 22);
        int interval = sampling & 0x3fff;
        long rate = interval > 0 ? interval : defaultRate;
        int available = (end - off - HEADER) / RECORD;
        if (count > MAX_COUNT || count > available) {
            out.error(st, FlowProtocol.NETFLOW5, "record count beyond 30 or the datagram", count);
            count = Math.min(Math.min(count, MAX_COUNT), available);
        }
        st.sequence(5, engine, 0, sequence, count, 1L << 16);
        PacketRecord rec = out.rec;
        for (int i = 0, p = off + HEADER; i < count; i++, p += RECORD) {
            rec.reset();
            rec.setIpv4(i32(b, p), i32(b, p + 4));
            long packets = u32(b, p + 16), bytes = u32(b, p + 20);
            // signed 32-bit distances, so a wrapped uptime still gives small ones
            long first = u32(b, p + 24), last = u32(b, p + 28);
            long endAge = (int) (sysUptime - last), span = (int) (last - first);
            rec.srcPort = u16(b, p + 32);
            rec.dstPort = u16(b, p + 34);
            rec.tcpFlags = u8(b, p + 37);
            rec.protocol = u8(b, p + 38);
            if (rec.protocol != PacketRecord.TCP) {
                rec.tcpFlags = 0;
            }
            // a record never ends after it arrived; its span is its own whatever the exporter's uptime says
            long endNanos = arrivalNanos - Math.max(0, endAge) * 1_000_000L;
            long startNanos = endNanos - Math.max(0, span) * 1_000_000L;
            out.flow(st, FlowProtocol.NETFLOW5, packets, bytes, rate, startNanos, endNanos);
        }
    }
}
