package fastnetmon.source.pcap;

import fastnetmon.source.SourceException;

/** A libpcap capture that cannot start or go on, with what kind of problem it is. */
public final class PcapException extends SourceException {
    public enum Kind {
        /** libpcap is not installed (or could not be loaded). */
        NOT_INSTALLED,
        /** Not allowed to capture: CAP_NET_RAW / CAP_NET_ADMIN missing. */
        PERMISSION,
        /** No such interface. */
        NO_SUCH_DEVICE,
        /** The interface exists but is down. */
        INTERFACE_DOWN,
        /** The BPF filter does not compile or cannot be set. */
        BAD_FILTER,
        /** Anything else: a bad argument, an error while capturing. */
        OTHER
    }

    private final Kind kind;

    public PcapException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PcapException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
