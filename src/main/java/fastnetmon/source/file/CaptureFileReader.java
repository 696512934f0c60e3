package fastnetmon.source.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads classic pcap (µs or ns, either byte order) and pcapng (any number of sections and interfaces,
 * EPB/SPB/obsolete PB, unknown blocks skipped) from a memory-mapped file, allocating nothing per packet.
 * The file is mapped in chunks (1 GiB by default); a record crossing a chunk end is remapped from its start.
 *
 * <p>After {@link #next()} returns true the packet is {@code capturedLength()} bytes at {@code offset()}
 * in {@code buffer()} (big-endian, read it with absolute gets only). That buffer is valid until the
 * next-but-one remap or {@link #close()}: use it before calling {@code next()} again. Not thread-safe.
 */
public final class CaptureFileReader implements Closeable {
    /** Largest captured length accepted (libpcap's MAXIMUM_SNAPLEN). */
    public static final int MAX_RECORD = 262_144;
    /** Largest original (wire) length accepted: GRO/TSO super-packets stay far below this. */
    static final long MAX_WIRE = 16L << 20;
    static final long MAX_BLOCK = 64L << 20;
    static final long DEFAULT_CHUNK = 1L << 30;
    private static final int MAX_INTERFACES = 1 << 16;

    private static final int SHB = 0x0a0d0d0a, IDB = 1, OPB = 2, SPB = 3, EPB = 6;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final long chunkSize;
    private final boolean pcapng;

    private MappedByteBuffer map, retired;
    private long mapStart;
    private int mapLen;
    /** File offset of the next record or block. */
    private long pos;
    private boolean swap;
    private boolean truncated;

    // classic pcap
    private boolean nanos;
    private int pcapLinkType;

    // pcapng interfaces of the current section
    private final PcapngInterfaces interfaces = new PcapngInterfaces();

    // current packet
    private int offset, capturedLength, wireLength, linkType;
    private long timestampNanos;

    private CaptureFileReader(Path file, FileChannel channel, long chunkSize) throws IOException {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
        this.chunkSize = Math.min(Math.max(chunkSize, 64), Integer.MAX_VALUE);
        if (size < 4) {
            throw error(0, size == 0 ? "file is empty" : "file is too short (" + size + " bytes) for a capture file");
        }
        ensure(0, 4);
        int magic = map.getInt(0);
        switch (magic) {
            case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1 -> {
                pcapng = false;
                swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
                nanos = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
                readPcapHeader();
            }
            case SHB -> {
                pcapng = true;
                sectionHeader();
            }
            default -> throw error(0, String.format("not a pcap or pcapng file (magic 0x%08x)", magic));
        }
    }

    public static CaptureFileReader open(Path file) throws IOException {
        return open(file, DEFAULT_CHUNK);
    }

    /** Opens with a custom mapping chunk size (tests use tiny chunks to cross chunk boundaries). */
    static CaptureFileReader open(Path file, long chunkSize) throws IOException {
        fastnetmon.config.RegularFile.require(file, "capture file", Long.MAX_VALUE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new CaptureFileReader(file, ch, chunkSize);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void readPcapHeader() throws IOException {
        if (size < 24) {
            throw error(0, "pcap file header is truncated (" + size + " bytes)");
        }
        ensure(0, 24);
        int major = rd16(4), minor = rd16(6);
        if (major != 2) {
            throw error(4, "unsupported pcap version " + major + "." + minor);
        }
        pcapLinkType = rd32(20) & 0xffff; // upper bits may carry FCS information
        pos = 24;
    }

    /** Advances to the next packet; false at the end of the file (see {@link #truncatedAtEnd()}). */
    public boolean next() throws IOException {
        return pcapng ? nextPcapng() : nextPcap();
    }

    private boolean nextPcap() throws IOException {
        long rem = size - pos;
        if (rem == 0) {
            return false;
        }
        if (rem < 16) {
            truncated = true;
            return false;
        }
        ensure(pos, 16);
        long incl = u32(pos + 8), orig = u32(pos + 12);
        if (incl > MAX_RECORD) {
            throw error(pos, "record length " + incl + " is not plausible");
        }
        if (orig > MAX_WIRE) {
            throw error(pos, "original length " + orig + " is not plausible");
        }
        if (rem - 16 < incl) {
            truncated = true;
            return false;
        }
        ensure(pos, 16 + (int) incl);
        long frac = u32(pos + 4);
        timestampNanos = u32(pos) * 1_000_000_000L + (nanos ? frac : frac * 1000L);
        offset = rel(pos + 16);
        capturedLength = (int) incl;
        wireLength = (int) Math.max(orig, incl);
        linkType = pcapLinkType;
        pos += 16 + incl;
        return true;
    }

    private boolean nextPcapng() throws IOException {
        while (true) {
            long rem = size - pos;
            if (rem == 0) {
                return false;
            }
            if (rem < 12) {
                truncated = true;
                return false;
            }
            ensure(pos, 12);
            if (map.getInt(rel(pos)) == SHB) {
                if (!sectionHeader()) {
                    return false;
                }
                continue;
            }
            long block = pos;
            int type = rd32(block);
            long len = u32(block + 4);
            if (!readBlock(block, len, rem)) {
                return false;
            }
            pos = block + len;
            switch (type) {
                case IDB -> interfaceDescription(block, len);
                case EPB, OPB -> {
                    if (len < 32) {
                        throw error(block, "packet block length " + len + " is too short");
                    }
                    long ifId = type == EPB ? u32(block + 8) : rd16(block + 8);
                    long cap = u32(block + 20);
                    if (cap > MAX_RECORD || cap > len - 32) {
                        throw error(block, "captured length " + cap + " is not plausible in a block of " + len + " bytes");
                    }
                    long ticks = ((long) rd32(block + 12) << 32) | u32(block + 16);
                    packet(block, ifId, block + 28, cap, u32(block + 24));
                    timestampNanos = interfaces.toNanos((int) ifId, ticks);
                    return true;
                }
                case SPB -> {
                    if (len < 16) {
                        throw error(block, "simple packet block length " + len + " is too short");
                    }
                    long orig = u32(block + 8);
                    long cap = Math.min(orig, len - 16);
                    if (interfaces.count() > 0 && interfaces.snaplen(0) > 0) {
                        cap = Math.min(cap, interfaces.snaplen(0));
                    }
                    if (cap > MAX_RECORD) {
                        throw error(block, "captured length " + cap + " is not plausible");
                    }
                    packet(block, 0, block + 12, cap, orig); // no timestamp: keeps the previous packet's
                    return true;
                }
                default -> {
                    // unknown or uninteresting block (statistics, name resolution, custom...): skip
                }
            }
        }
    }

    private void packet(long block, long ifId, long data, long cap, long orig) throws CaptureFileException {
        if (ifId >= interfaces.count()) {
            throw error(block, "packet refers to interface " + ifId + " but the section defines " + interfaces.count());
        }
        if (orig > MAX_WIRE) {
            throw error(block, "original length " + orig + " is not plausible");
        }
        offset = rel(data);
        capturedLength = (int) cap;
        wireLength = (int) Math.max(orig, cap);
        linkType = interfaces.linkType((int) ifId);
    }

    /** Validates a block's length, maps it whole and checks its trailing length; false when the file ends inside it. */
    private boolean readBlock(long block, long len, long rem) throws IOException {
        if (len < 12 || (len & 3) != 0 || len > MAX_BLOCK) {
            throw error(block, "block length " + len + " is not plausible");
        }
        if (len > rem) {
            truncated = true;
            return false;
        }
        ensure(block, (int) len);
        long tail = u32(block + len - 4);
        if (tail != len) {
            throw error(block + len - 4, "block trailing length " + tail + " does not match leading length " + len);
        }
        return true;
    }

    /** Reads a Section Header Block at {@code pos}; it sets the byte order and forgets all interfaces. */
    private boolean sectionHeader() throws IOException {
        long rem = size - pos;
        if (rem < 12) {
            truncated = true;
            return false;
        }
        ensure(pos, 12);
        int bom = map.getInt(rel(pos + 8));
        if (bom == 0x1a2b3c4d) {
            swap = false;
        } else if (bom == 0x4d3c2b1a) {
            swap = true;
        } else {
            throw error(pos + 8, String.format("bad pcapng byte-order magic 0x%08x", bom));
        }
        long len = u32(pos + 4);
        if (len < 28) {
            throw error(pos, "section header block length " + len + " is not plausible");
        }
        if (!readBlock(pos, len, rem)) {
            return false;
        }
        int major = rd16(pos + 12);
        if (major != 1) {
            throw error(pos + 12, "unsupported pcapng version " + major + "." + rd16(pos + 14));
        }
        interfaces.clear();
        pos += len;
        return true;
    }

    private void interfaceDescription(long block, long len) throws CaptureFileException {
        if (len < 20) {
            throw error(block, "interface description block length " + len + " is too short");
        }
        if (interfaces.count() == MAX_INTERFACES) {
            throw error(block, "more than " + MAX_INTERFACES + " interfaces");
        }
        int tsresol = 6;
        long tsOffset = 0;
        long p = block + 16, end = block + len - 4;
        while (end - p >= 4) {
            int code = rd16(p), optLen = rd16(p + 2);
            p += 4;
            if (code == 0 || optLen > end - p) {
                break;
            }
            if (code == 9 && optLen >= 1) {
                tsresol = map.get(rel(p)) & 0xff;
            } else if (code == 14 && optLen >= 8) {
                tsOffset = ((long) rd32(p) << 32) | u32(p + 4);
            }
            p += (optLen + 3) & ~3;
        }
        String problem = interfaces.add(rd16(block + 8), u32(block + 12), tsresol, tsOffset);
        if (problem != null) {
            throw error(block, problem);
        }
    }

    /** Makes [at, at+n) addressable in {@link #map}, remapping from {@code at} when it is not. */
    private void ensure(long at, int n) throws IOException {
        if (at >= mapStart && at + n <= mapStart + mapLen && map != null) {
            return;
        }
        long len = Math.min(Math.max(chunkSize, n), size - at);
        // Keep the previous mapping alive one more round: a caller may still hold the buffer it got.
        Unmapper.unmap(retired);
        retired = map;
        map = channel.map(FileChannel.MapMode.READ_ONLY, at, len);
        mapStart = at;
        mapLen = (int) len;
    }

    private int rel(long at) {
        return (int) (at - mapStart);
    }

    private int rd32(long at) {
        int v = map.getInt(rel(at));
        return swap ? Integer.reverseBytes(v) : v;
    }

    private long u32(long at) {
        return rd32(at) & 0xffff_ffffL;
    }

    private int rd16(long at) {
        short v = map.getShort(rel(at));
        return (swap ? Short.reverseBytes(v) : v) & 0xffff;
    }

    private CaptureFileException error(long at, String problem) {
        return new CaptureFileException(file, at, problem);
    }

    /** The mapped chunk holding the current packet (big-endian; do not change its position or limit). */
    public ByteBuffer buffer() {
        return map;
    }

    public int offset() {
        return offset;
    }

    public int capturedLength() {
        return capturedLength;
    }

    public int wireLength() {
        return wireLength;
    }

    /** Epoch nanoseconds (pcapng Simple Packet Blocks have none and repeat the previous packet's). */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** pcap LINKTYPE of the current packet (the file's, or its pcapng interface's). */
    public int linkType() {
        return linkType;
    }

    /** True when the file ends in the middle of a record (for example tcpdump was killed). */
    public boolean truncatedAtEnd() {
        return truncated;
    }

    public boolean isPcapng() {
        return pcapng;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        MappedByteBuffer m = map, r = retired;
        map = null;
        retired = null;
        Unmapper.unmap(m);
        Unmapper.unmap(r);
        channel.close();
    }
}
