package fastnetmon.source.pcap;

import fastnetmon.packet.PacketParser;
import fastnetmon.source.CaptureRights;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * What {@link PcapEngine#open} does with libpcap around activation: loading it, one-line messages for
 * its failures and warnings, the BPF filter, and whether the parser reads the link type. Stateless.
 */
final class PcapSetup {
    private PcapSetup() {
    }

    static LibPcap library() throws PcapException {
        try {
            return LibPcap.Holder.get();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new PcapException(PcapException.Kind.NOT_INSTALLED,
                    "libpcap is not installed: libpcap.so was not found (apt-get install libpcap0.8)", e);
        }
    }

    static PcapException activationFailure(LibPcap lib, Pointer p, String iface, int status) {
        String detail = oneLine(status == LibPcap.PCAP_ERROR || status == LibPcap.PCAP_ERROR_PERM_DENIED
                || status == LibPcap.PCAP_ERROR_PROMISC_PERM_DENIED || status == LibPcap.PCAP_ERROR_NO_SUCH_DEVICE
                || status == LibPcap.PCAP_ERROR_IFACE_NOT_UP ? lib.pcap_geterr(p) : lib.pcap_statustostr(status));
        switch (status) {
            case LibPcap.PCAP_ERROR_PERM_DENIED:
            case LibPcap.PCAP_ERROR_PROMISC_PERM_DENIED:
                return new PcapException(PcapException.Kind.PERMISSION, "capturing on " + iface
                        + " needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode): run as root or grant them with "
                        + CaptureRights.setcapCommand());
            case LibPcap.PCAP_ERROR_NO_SUCH_DEVICE:
                return new PcapException(PcapException.Kind.NO_SUCH_DEVICE, "no such network interface: " + iface
                        + " (check the interfaces setting; ip -br link lists them)" + suffix(detail));
            case LibPcap.PCAP_ERROR_IFACE_NOT_UP:
                return new PcapException(PcapException.Kind.INTERFACE_DOWN, "interface " + iface
                        + " is down: bring it up with ip link set " + iface + " up" + suffix(detail));
            default:
                return new PcapException(PcapException.Kind.OTHER, "cannot capture on " + iface + ": "
                        + (detail.isEmpty() ? "libpcap error " + status : detail));
        }
    }

    static String suffix(String detail) {
        return detail.isEmpty() ? "" : " [libpcap: " + detail + "]";
    }

    static String warningText(LibPcap lib, Pointer p, int status) {
        String text = status == LibPcap.PCAP_WARNING || status == LibPcap.PCAP_WARNING_PROMISC_NOTSUP
                ? lib.pcap_geterr(p) : null;
        return text == null || text.isBlank() ? lib.pcap_statustostr(status) : text;
    }

    static void setFilter(LibPcap lib, Runtime runtime, Pointer p, String iface, String bpf) throws PcapException {
        // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
        Pointer program = Memory.allocateDirect(runtime, 2 * runtime.addressSize(), true);
        if (lib.pcap_compile(p, program, bpf, 1, LibPcap.PCAP_NETMASK_UNKNOWN) < 0) {
            throw new PcapException(PcapException.Kind.BAD_FILTER, "bad pcap_filter \"" + oneLine(bpf) + "\": "
                    + oneLine(lib.pcap_geterr(p)));
        }
        try {
            if (lib.pcap_setfilter(p, program) < 0) {
                throw new PcapException(PcapException.Kind.BAD_FILTER, "cannot set pcap_filter \"" + oneLine(bpf)
                        + "\" on " + iface + ": " + oneLine(lib.pcap_geterr(p)));
            }
        } finally {
            lib.pcap_freecode(program);
        }
    }

    static boolean parserKnows(int linkType) {
        switch (linkType) {
            case PacketParser.LINKTYPE_NULL:
            case PacketParser.LINKTYPE_ETHERNET:
            case PacketParser.LINKTYPE_RAW_12:
            case PacketParser.LINKTYPE_RAW_14:
            case PacketParser.LINKTYPE_RAW:
            case PacketParser.LINKTYPE_LOOP:
            case PacketParser.LINKTYPE_LINUX_SLL:
            case PacketParser.LINKTYPE_IPV4:
            case PacketParser.LINKTYPE_IPV6:
            case PacketParser.LINKTYPE_LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
