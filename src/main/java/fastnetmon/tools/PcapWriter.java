package fastnetmon.tools;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes little-endian classic pcap (microsecond or nanosecond magic) or pcapng (one section, one
 * interface, Enhanced Packet Blocks, if_tsresol=9 when nanosecond) through a 1 MiB buffer.
 */
public final class PcapWriter implements Closeable {
    public static final int SNAPLEN = 262_144;

    private final FileChannel channel;
    private final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final boolean pcapng, nanos;
    private long packets, bytes;

    private PcapWriter(Path file, boolean pcapng, boolean nanos) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.pcapng = pcapng;
        this.nanos = nanos;
    }

    public static PcapWriter pcap(Path file, int linkType, boolean nanos) throws IOException {
        PcapWriter w = new PcapWriter(file, false, nanos);
        w.out.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(SNAPLEN).putInt(linkType);
        return w;
    }

    public static PcapWriter pcapng(Path file, int linkType, boolean nanos) throws IOException {
        PcapWriter w = new PcapWriter(file, true, nanos);
        w.out.putInt(0x0a0d0d0a).putInt(28).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0)
                .putLong(-1L).putInt(28);
        int idbLen = nanos ? 32 : 20;
        w.out.putInt(1).putInt(idbLen).putShort((short) linkType).putShort((short) 0).putInt(SNAPLEN);
        if (nanos) {
            w.out.putShort((short) 9).putShort((short) 1).putInt(9).putInt(0); // if_tsresol=9, opt_endofopt
        }
        w.out.putInt(idbLen);
        return w;
    }

    public void write(long timestampNanos, byte[] frame) throws IOException {
        write(timestampNanos, frame, frame.length, frame.length);
    }

    /** Writes the first {@code len} bytes of {@code frame} as a packet that was {@code wireLen} bytes on the wire. */
    public void write(long timestampNanos, byte[] frame, int len, int wireLen) throws IOException {
        if (len < 0 || len > SNAPLEN || len > frame.length) {
            throw new IllegalArgumentException("captured length " + len);
        }
        if (out.remaining() < len + 36) {
            flush();
        }
        if (pcapng) {
            int padded = (len + 3) & ~3;
            long units = nanos ? timestampNanos : Math.floorDiv(timestampNanos, 1000L);
            out.putInt(6).putInt(32 + padded).putInt(0).putInt((int) (units >>> 32)).putInt((int) units)
                    .putInt(len).putInt(wireLen).put(frame, 0, len);
            for (int i = len; i < padded; i++) {
                out.put((byte) 0);
            }
            out.putInt(32 + padded);
        } else {
            long frac = Math.floorMod(timestampNanos, 1_000_000_000L);
            out.putInt((int) Math.floorDiv(timestampNanos, 1_000_000_000L)).putInt((int) (nanos ? frac : frac / 1000))
                    .putInt(len).putInt(wireLen).put(frame, 0, len);
        }
        packets++;
    }

    public long packetCount() {
        return packets;
    }

    /** Bytes written to the file so far, including what is still buffered. */
    public long bytesWritten() {
        return bytes + out.position();
    }

    private void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            bytes += channel.write(out);
        }
        out.clear();
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                flush();
            } finally {
                channel.close();
            }
        }
    }
}
