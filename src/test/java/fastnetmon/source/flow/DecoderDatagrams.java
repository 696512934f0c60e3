package fastnetmon.source.flow;

import fastnetmon.networks.IpAddresses;
import fastnetmon.packet.PacketRecord;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: builds NetFlow v5/v9, IPFIX and sFlow datagrams by hand (for what the real exporters here
 * do not send), and a recording sink.
 */
final class DecoderDatagrams {
    private DecoderDatagrams() {
    }

    /** A big-endian byte writer with back-patched lengths. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(long v) {
            out.write((int) v);
            return this;
        }

        Bytes u16(long v) {
            return u8(v >>> 8).u8(v);
        }

        Bytes u32(long v) {
            return u16(v >>> 16).u16(v);
        }

        Bytes u64(long v) {
            return u32(v >>> 32).u32(v);
        }

        Bytes bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Bytes addr(String a) {
            return bytes(ip(a));
        }

        int size() {
            return out.size();
        }

        byte[] build() {
            return out.toByteArray();
        }
    }

    static byte[] ip(String a) {
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(a);
        }
    }

    /** A set (flowset): id, length, body, padded to 4 bytes. */
    static byte[] set(int id, byte[] body) {
        int pad = (4 - (body.length + 4) % 4) % 4;
        return new Bytes().u16(id).u16(4 + body.length + pad).bytes(body).bytes(new byte[pad]).build();
    }

    /** A template record: id, count, then (element id, length) pairs; an id above 0x7fff takes an enterprise number 0x12345. */
    static byte[] template(int id, int... fields) {
        Bytes b = new Bytes().u16(id).u16(fields.length / 2);
        for (int i = 0; i < fields.length; i += 2) {
            b.u16(fields[i]).u16(fields[i + 1]);
            if (fields[i] > 0x7fff) {
                b.u32(0x12345);
            }
        }
        return b.build();
    }

    /** An IPFIX options template record: id, field count, scope count, fields. */
    static byte[] ipfixOptionsTemplate(int id, int scopes, int... fields) {
        Bytes b = new Bytes().u16(id).u16(fields.length / 2).u16(scopes);
        for (int i = 0; i < fields.length; i += 2) {
            b.u16(fields[i]).u16(fields[i + 1]);
        }
        return b.build();
    }

    /** A NetFlow v9 options template record: id, scope length, option length, scope fields then options. */
    static byte[] v9OptionsTemplate(int id, int[] scopes, int... options) {
        Bytes b = new Bytes().u16(id).u16(scopes.length * 2).u16(options.length * 2);
        for (int v : scopes) {
            b.u16(v);
        }
        for (int v : options) {
            b.u16(v);
        }
        return b.build();
    }

    static byte[] ipfix(long exportSeconds, long sequence, long domain, byte[]... sets) {
        Bytes b = new Bytes().u16(10).u16(0).u32(exportSeconds).u32(sequence).u32(domain);
        for (byte[] s : sets) {
            b.bytes(s);
        }
        byte[] d = b.build();
        d[2] = (byte) (d.length >>> 8);
        d[3] = (byte) d.length;
        return d;
    }

    static byte[] v9(long sysUptime, long unixSeconds, long sequence, long sourceId, byte[]... sets) {
        Bytes b = new Bytes().u16(9).u16(sets.length).u32(sysUptime).u32(unixSeconds).u32(sequence).u32(sourceId);
        for (byte[] s : sets) {
            b.bytes(s);
        }
        return b.build();
    }

    /** One decoded record, copied. */
    record Rec(String exporter, String src, String dst, int protocol, int srcPort, int dstPort, int tcpFlags, int ttl,
               long packets, long bytes, int length, long start, long end) {
    }

    /** Keeps copies of what it is given. */
    static final class Recorder implements FlowRecordSink {
        final List<Rec> got = new ArrayList<>();

        @Override
        public void record(FlowExporter exporter, PacketRecord r, long startNanos, long endNanos) {
            if (r.timestampNanos != endNanos) {
                throw new AssertionError("timestampNanos is not endNanos");
            }
            got.add(new Rec(exporter.address(), text(r.ipVersion, r.srcHi, r.srcLo), text(r.ipVersion, r.dstHi, r.dstLo),
                    r.protocol, r.srcPort, r.dstPort, r.tcpFlags, r.ttl, r.packets, r.bytes, r.length, startNanos, endNanos));
        }

        Rec only() {
            if (got.size() != 1) {
                throw new AssertionError("expected one record, got " + got);
            }
            return got.get(0);
        }
    }

    static String text(int version, long hi, long lo) {
        return IpAddresses.format(hi, lo);
    }

    static final long A_HI = 0, A_LO = PacketRecord.V4_MAPPED_PREFIX | 0xc000_0201L; // 192.0.2.1
    static final long B_LO = PacketRecord.V4_MAPPED_PREFIX | 0xc000_0202L;           // 192.0.2.2

    /** Decodes from exporter 192.0.2.1 (or {@code lo}) with the version field deciding the protocol. */
    static void decode(FlowDecoder d, byte[] datagram, long lo, long arrivalNanos, FlowRecordSink sink) {
        d.decode(ByteBuffer.wrap(datagram), 0, datagram.length, 0, lo, null, arrivalNanos, sink);
    }

    static FlowExporter exporter(FlowDecoder d, String address) {
        return d.exporters().stream().filter(e -> e.address().equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no exporter " + address));
    }
}
