package fastnetmon.source.pcap;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.types.uintptr_t;

/**
 * The part of libpcap's C API the engine uses, bound with jnr-ffi. {@code pcap_t *} is a {@link Pointer}
 * (one object per handle, so passing it allocates nothing); the packet callback takes raw addresses.
 */
public interface LibPcap {
    int PCAP_ERRBUF_SIZE = 256;

    int PCAP_WARNING = 1, PCAP_WARNING_PROMISC_NOTSUP = 2, PCAP_WARNING_TSTAMP_TYPE_NOTSUP = 3;
    int PCAP_ERROR = -1, PCAP_ERROR_BREAK = -2, PCAP_ERROR_NOT_ACTIVATED = -3, PCAP_ERROR_ACTIVATED = -4,
            PCAP_ERROR_NO_SUCH_DEVICE = -5, PCAP_ERROR_RFMON_NOTSUP = -6, PCAP_ERROR_NOT_RFMON = -7,
            PCAP_ERROR_PERM_DENIED = -8, PCAP_ERROR_IFACE_NOT_UP = -9, PCAP_ERROR_CANTSET_TSTAMP_TYPE = -10,
            PCAP_ERROR_PROMISC_PERM_DENIED = -11, PCAP_ERROR_TSTAMP_PRECISION_NOTSUP = -12;
    int PCAP_TSTAMP_PRECISION_MICRO = 0, PCAP_TSTAMP_PRECISION_NANO = 1;
    /** bpf_u_int32 0xffffffff: no netmask (only matters for IPv4 broadcast tests in a filter). */
    int PCAP_NETMASK_UNKNOWN = -1;

    /**
     * {@code void (*pcap_handler)(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)}. The
     * arguments are plain addresses so that an upcall does not wrap them in {@link Pointer} objects.
     */
    interface PacketHandler {
        @Delegate
        void handle(@uintptr_t long user, @uintptr_t long header, @uintptr_t long bytes);
    }

    Pointer pcap_create(String source, Pointer errbuf);

    int pcap_set_snaplen(Pointer p, int snaplen);

    int pcap_set_promisc(Pointer p, int promisc);

    int pcap_set_timeout(Pointer p, int timeoutMs);

    int pcap_set_buffer_size(Pointer p, int bytes);

    int pcap_set_immediate_mode(Pointer p, int immediate);

    int pcap_set_tstamp_precision(Pointer p, int precision);

    int pcap_get_tstamp_precision(Pointer p);

    int pcap_activate(Pointer p);

    String pcap_geterr(Pointer p);

    String pcap_statustostr(int status);

    int pcap_datalink(Pointer p);

    int pcap_snapshot(Pointer p);

    int pcap_compile(Pointer p, Pointer program, String filter, int optimize, int netmask);

    int pcap_setfilter(Pointer p, Pointer program);

    void pcap_freecode(Pointer program);

    int pcap_dispatch(Pointer p, int count, PacketHandler callback, Pointer user);

    void pcap_breakloop(Pointer p);

    int pcap_setnonblock(Pointer p, int nonblock, Pointer errbuf);

    int pcap_get_selectable_fd(Pointer p);

    int pcap_stats(Pointer p, Pointer stats);

    void pcap_close(Pointer p);

    String pcap_lib_version();

    /** Loads libpcap once per JVM; a failure is remembered and rethrown (as a new error) on every use. */
    final class Holder {
        private static final Object LIB;

        static {
            Object lib;
            try {
                lib = load();
            } catch (Throwable t) {
                lib = t;
            }
            LIB = lib;
        }

        private Holder() {
        }

        /** The library, or throws UnsatisfiedLinkError naming what was tried. */
        static LibPcap get() {
            if (LIB instanceof LibPcap lib) {
                return lib;
            }
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(((Throwable) LIB).getMessage());
            e.initCause((Throwable) LIB);
            throw e;
        }

        /** Names or paths to load instead of the defaults, comma-separated (e.g. a PF_RING-aware libpcap). */
        static final String LIBRARY_PROPERTY = "fastnetmon.pcap.library";

        private static LibPcap load() {
            // "pcap" finds libpcap.so (from libpcap-dev) and jnr-ffi also looks for versioned names; the
            // runtime package (libpcap0.8) ships only libpcap.so.0.8, so try that by its full name too.
            String override = System.getProperty(LIBRARY_PROPERTY, "").strip();
            String[] names = override.isEmpty() ? new String[]{"pcap", "libpcap.so.0.8", "libpcap.so.1"}
                    : override.split("\\s*,\\s*");
            UnsatisfiedLinkError first = null;
            for (String name : names) {
                try {
                    return LibraryLoader.create(LibPcap.class).failImmediately().load(name);
                } catch (UnsatisfiedLinkError | IllegalArgumentException e) {
                    if (first == null) {
                        first = e instanceof UnsatisfiedLinkError u ? u : new UnsatisfiedLinkError(e.getMessage());
                    }
                }
            }
            throw first;
        }
    }
}
