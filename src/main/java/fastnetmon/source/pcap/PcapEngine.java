package fastnetmon.source.pcap;

import com.kenai.jffi.MemoryIO;
import fastnetmon.source.CaptureEngine;
import fastnetmon.source.NativeLibC;
import fastnetmon.source.SourceException;
import fastnetmon.source.PacketCounter;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import static fastnetmon.source.pcap.PcapSetup.*;

/**
 * Live capture through libpcap ({@code pcap = on}), called through jnr-ffi: the compatibility engine.
 * It works on any interface libpcap can open, including {@code any} (Linux cooked headers), and takes a
 * BPF filter; AF_PACKET is the fast engine.
 *
 * <p>Each {@link #doWork()} is one {@code pcap_dispatch}, which calls back into Java once per packet: that
 * native-to-Java upcall (through a jnr-ffi closure, created once per engine) is inherent to libpcap's
 * callback API and is what makes this engine slower. The callback itself allocates nothing: it reads
 * the {@code pcap_pkthdr} fields from native memory and copies the captured bytes into one reusable
 * direct buffer (a memcpy of at most the snapshot length), then hands the frame to the
 * {@link PacketCounter}. After every {@code pcap_dispatch} (one kernel block of packets, or a
 * {@value #TIMEOUT_MS} ms timeout) the batch is published; {@link #onSecond} reads {@code pcap_stats}.
 *
 * <p>Threading: as {@link fastnetmon.source.Source}, driven by a {@link fastnetmon.source.SourceRunner}.
 */
public final class PcapEngine implements CaptureEngine {
    private static final Logger log = LoggerFactory.getLogger(PcapEngine.class);

    /**
     * Bytes captured per packet unless told otherwise: a full standard Ethernet payload, plenty for
     * every header the parser reads (FastNetMon's own pcap plugin leaves libpcap's default, 262144).
     * Byte counters use the wire length, so a short snapshot never changes them.
     */
    public static final int DEFAULT_SNAPLEN = 1500;
    public static final int MIN_SNAPLEN = 64, MAX_SNAPLEN = 262_144;
    /** Kernel ring for the capture (FastNetMon uses 10 MB). */
    public static final int DEFAULT_BUFFER_BYTES = 32 << 20;
    /** pcap read timeout: how late a packet may be delivered, and how often an idle loop wakes up. */
    public static final int TIMEOUT_MS = 20;

    private static final MemoryIO IO = MemoryIO.getInstance();

    private final LibPcap lib;
    private final Pointer handle;
    private final String interfaceName;
    private final String filter;
    private final int linkType;
    private final PacketCounter counter;
    private final boolean nanoTimestamps;
    private final int headerLongSize;
    private final ByteBuffer frame;
    private final long frameAddress;
    private final int frameCapacity;
    private final Pointer stats;
    /** The descriptor doWork() polls before a non-blocking pcap_dispatch, or -1 to let pcap_dispatch wait. */
    private final int selectable;
    private final Pointer pollFd;
    /** The closure: one object for the engine's life, so jnr-ffi builds one native trampoline. */
    private final LibPcap.PacketHandler handler = new Handler();

    // The runner thread only.
    private boolean closed;
    private long handedCount;
    private Throwable callbackFailure;
    private long lastDrop; // raw 32-bit pcap_stat value

    // Written by the runner thread, read from any.
    private volatile long received, dropped;

    private PcapEngine(LibPcap lib, Pointer handle, String interfaceName, String filter, int linkType,
                       int snaplen, boolean nanoTimestamps, PacketCounter counter) {
        Runtime runtime = Runtime.getRuntime(lib);
        this.lib = lib;
        this.handle = handle;
        this.interfaceName = interfaceName;
        this.filter = filter;
        this.linkType = linkType;
        this.counter = counter;
        this.nanoTimestamps = nanoTimestamps;
        this.headerLongSize = runtime.longSize();
        this.frameCapacity = snaplen;
        this.frame = ByteBuffer.allocateDirect(snaplen);
        this.frameAddress = IO.getDirectBufferAddress(frame);
        this.stats = Memory.allocateDirect(runtime, 32, true);
        this.pollFd = Memory.allocateDirect(runtime, 8, true);
        // libpcap's read timeout only retires a kernel block that has a packet in it: an idle blocking
        // pcap_dispatch could wait forever, so wait in poll() with a bound and dispatch without blocking.
        Pointer errbuf = Memory.allocateDirect(runtime, LibPcap.PCAP_ERRBUF_SIZE, true);
        int fd = lib.pcap_get_selectable_fd(handle);
        this.selectable = fd >= 0 && lib.pcap_setnonblock(handle, 1, errbuf) == 0 ? fd : -1;
        if (selectable < 0) {
            log.warn("pcap on {}: no selectable descriptor; an idle capture may stop late", interfaceName);
        }
    }

    /** Opens {@code interfaceName} with the default kernel buffer; see the full overload. */
    public static PcapEngine open(String interfaceName, String filter, int snaplen, boolean promiscuous,
                                  PacketCounter counter) throws PcapException {
        return open(interfaceName, filter, snaplen, promiscuous, DEFAULT_BUFFER_BYTES, counter);
    }

    /**
     * Opens and activates a capture.
     *
     * @param interfaceName a network interface, or {@code any} for all of them (Linux)
     * @param filter        a BPF filter in tcpdump syntax; null or blank captures everything
     * @param snaplen       bytes captured per packet, {@value #MIN_SNAPLEN}..{@value #MAX_SNAPLEN}
     *                      ({@link #DEFAULT_SNAPLEN})
     * @param promiscuous   put the interface in promiscuous mode (ignored by libpcap on {@code any})
     * @param bufferBytes   kernel ring size
     * @throws PcapException with a one-line message an operator can act on
     */
    public static PcapEngine open(String interfaceName, String filter, int snaplen, boolean promiscuous,
                                  int bufferBytes, PacketCounter counter) throws PcapException {
        Objects.requireNonNull(counter, "counter");
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new PcapException(PcapException.Kind.OTHER, "no interface given for the pcap capture");
        }
        if (snaplen < MIN_SNAPLEN || snaplen > MAX_SNAPLEN) {
            throw new PcapException(PcapException.Kind.OTHER, "pcap snapshot length " + snaplen + " is out of range "
                    + MIN_SNAPLEN + ".." + MAX_SNAPLEN);
        }
        if (bufferBytes <= 0) {
            throw new PcapException(PcapException.Kind.OTHER, "pcap buffer size must be positive, not " + bufferBytes);
        }
        String bpf = filter == null || filter.isBlank() ? null : filter.strip();
        LibPcap lib = library();
        Runtime runtime = Runtime.getRuntime(lib);
        Pointer errbuf = Memory.allocateDirect(runtime, LibPcap.PCAP_ERRBUF_SIZE, true);
        Pointer p = lib.pcap_create(interfaceName, errbuf);
        if (p == null || p.address() == 0) {
            throw new PcapException(PcapException.Kind.OTHER, "cannot capture on " + interfaceName + ": "
                    + oneLine(errbuf.getString(0, LibPcap.PCAP_ERRBUF_SIZE, StandardCharsets.UTF_8)));
        }
        boolean ok = false;
        try {
            lib.pcap_set_snaplen(p, snaplen);
            lib.pcap_set_promisc(p, promiscuous ? 1 : 0);
            lib.pcap_set_timeout(p, TIMEOUT_MS);
            lib.pcap_set_buffer_size(p, bufferBytes);
            try {
                lib.pcap_set_immediate_mode(p, 0); // batch by kernel block (TPACKET_V3), woken by the timeout
                lib.pcap_set_tstamp_precision(p, LibPcap.PCAP_TSTAMP_PRECISION_NANO);
            } catch (UnsatisfiedLinkError oldLibpcap) {
                // libpcap < 1.5: defaults (buffered, microseconds) are fine
            }
            int status = lib.pcap_activate(p);
            if (status < 0) {
                throw activationFailure(lib, p, interfaceName, status);
            }
            if (status > 0) {
                log.warn("pcap on {}: {}", interfaceName, oneLine(warningText(lib, p, status)));
            }
            int linkType = lib.pcap_datalink(p);
            if (!parserKnows(linkType)) {
                log.warn("pcap on {}: link type {} is not one the packet parser reads; its packets will be counted as unparsed",
                        interfaceName, linkType);
            }
            boolean nanos;
            try {
                nanos = lib.pcap_get_tstamp_precision(p) == LibPcap.PCAP_TSTAMP_PRECISION_NANO;
            } catch (UnsatisfiedLinkError oldLibpcap) {
                nanos = false;
            }
            if (bpf != null) {
                setFilter(lib, runtime, p, interfaceName, bpf);
            }
            int snap = lib.pcap_snapshot(p); // libpcap may raise or lower it
            PcapEngine engine = new PcapEngine(lib, p, interfaceName, bpf, linkType,
                    snap >= MIN_SNAPLEN && snap <= MAX_SNAPLEN ? Math.max(snap, snaplen) : snaplen, nanos, counter);
            ok = true;
            return engine;
        } finally {
            if (!ok) {
                lib.pcap_close(p);
            }
        }
    }

    /** libpcap's version string, or why it cannot be loaded. */
    public static String libraryVersion() {
        try {
            return library().pcap_lib_version();
        } catch (PcapException e) {
            return e.getMessage();
        }
    }

    // ---- capture (the source's runner thread) ----

    /**
     * One {@code pcap_dispatch}: the packets libpcap has (one kernel block), or none after the
     * {@value #TIMEOUT_MS} ms read timeout; counts and publishes them and returns how many.
     */
    @Override
    public int doWork() throws SourceException {
        if (closed) {
            throw new PcapException(PcapException.Kind.OTHER, "pcap capture on " + interfaceName + " is closed");
        }
        long before = handedCount;
        if (selectable >= 0) {
            pollFd.putInt(0, selectable);
            pollFd.putShort(4, (short) 1); // POLLIN
            pollFd.putShort(6, (short) 0);
            if (NativeLibC.libc().poll(pollFd, 1, TIMEOUT_MS) == 0) {
                return 0;
            }
        }
        int n = lib.pcap_dispatch(handle, -1, handler, null);
        counter.endBatch();
        received = handedCount;
        if (callbackFailure != null) {
            Throwable t = callbackFailure;
            throw new PcapException(PcapException.Kind.OTHER, "pcap capture on " + interfaceName
                    + " failed while counting a packet: " + t, t);
        }
        if (n == LibPcap.PCAP_ERROR) {
            throw new PcapException(PcapException.Kind.OTHER, "pcap capture on " + interfaceName + " failed: "
                    + oneLine(lib.pcap_geterr(handle)));
        }
        return (int) (handedCount - before);
    }

    /** Rolls the counters to the runner's second and reads pcap_stats. */
    @Override
    public void onSecond(long epochSecond) {
        counter.onSecond(epochSecond);
        refreshStats();
    }

    /** The pcap_handler: reads the header, copies the bytes into the reusable frame and counts it. */
    private final class Handler implements LibPcap.PacketHandler {
        @Override
        public void handle(long user, long header, long bytes) {
            try {
                // struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }
                long sec, frac;
                int lenOffset;
                if (headerLongSize == 8) {
                    sec = IO.getLong(header);
                    frac = IO.getLong(header + 8);
                    lenOffset = 16;
                } else {
                    sec = IO.getInt(header);
                    frac = IO.getInt(header + 4);
                    lenOffset = 8;
                }
                int caplen = IO.getInt(header + lenOffset);
                int len = IO.getInt(header + lenOffset + 4);
                int n = Math.max(0, Math.min(caplen, frameCapacity));
                IO.copyMemory(bytes, frameAddress, n);
                handedCount++;
                counter.frame(linkType, frame, 0, n, len,
                        sec * 1_000_000_000L + (nanoTimestamps ? frac : frac * 1000));
            } catch (Throwable t) {
                if (callbackFailure == null) {
                    callbackFailure = t;
                }
                lib.pcap_breakloop(handle); // exceptions must not cross the native frame
            }
        }
    }

    /** Folds pcap_stats' 32-bit drop counter (which may wrap) into the 64-bit total. */
    private void refreshStats() {
        if (closed || lib.pcap_stats(handle, stats) != 0) {
            return;
        }
        long drop = stats.getInt(4) & 0xffff_ffffL;
        dropped += (drop - lastDrop) & 0xffff_ffffL;
        lastDrop = drop;
    }

    /** Reads the last statistics and closes the handle; once, later calls do nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        refreshStats();
        closed = true;
        lib.pcap_close(handle);
    }

    @Override
    public String name() {
        return interfaceName;
    }

    @Override
    public String interfaceName() {
        return interfaceName;
    }

    /**
     * Packets libpcap handed to this engine (that passed the filter), counted as they are read. Not
     * pcap_stats' ps_recv, which also counts drops and, on Linux, the sent copy of each packet on lo.
     */
    @Override
    public long received() {
        return received;
    }

    /**
     * Packets dropped because the capture buffer was full (pcap_stats ps_drop), read once a second. Not
     * ps_ifdrop: on Linux that is the interface's rx_dropped, which counts the stack's drops too.
     */
    @Override
    public long dropped() {
        return dropped;
    }

    /** The pcap link type of the frames (pcap_datalink): 1 Ethernet, 113 Linux cooked (any), ... */
    public int linkType() {
        return linkType;
    }

    /** The BPF filter in effect, or null. */
    public String filter() {
        return filter;
    }

    /** Bytes of each packet handed to the counter at most. */
    public int snaplen() {
        return frameCapacity;
    }
}
