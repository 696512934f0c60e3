package fastnetmon.source;

/**
 * A mirror-port capture engine (AF_PACKET, libpcap, PF_RING) on one interface, or one fanout member of
 * it: a {@link Source} whose units are packets. {@link #received()} counts the packets the engine read
 * from the kernel or library and handed to its {@link PacketCounter} (exact, as they are read);
 * {@link #dropped()} the packets the kernel or library dropped because its ring or buffer was full
 * (read about once a second, in {@link #onSecond}). Threading: as {@link Source}.
 */
public interface CaptureEngine extends Source, AutoCloseable {
    /** The interface captured on; metrics sum the engine's members per interface. */
    String interfaceName();

    /** As {@link Source#close()}: before a runner started, or on the runner's thread. */
    @Override
    void close();
}
