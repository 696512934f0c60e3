package fastnetmon.mitigation;

import java.io.IOException;

/**
 * What puts {@link Announcement}s in force and takes them out: a BGP daemon (ExaBGP through its command
 * pipe, gobgpd through its gRPC API) or the kernel's ipsets. Announcing what is in force again, and
 * withdrawing what is not, are harmless: the owner retries both after a failure.
 *
 * <p>Threading: its owner calls it from one thread at a time; a call may block, bounded by the speaker's
 * own timeout (a few seconds), and an interrupt ends it. {@link #close} once, after the last call.
 */
public interface Speaker extends AutoCloseable {
    /** "exabgp", "gobgp", "ipset": the action's name in logs and metrics. */
    String name();

    /** Whether it can carry this announcement at all (an ipset holds no routes); others are not offered. */
    boolean carries(Announcement a);

    /**
     * Gets ready for the first call (loads what it needs, connects), so that the first ban is not slower
     * than the others; failures are the first call's to report. Called once, off the start path.
     */
    default void prepare() {
    }

    /** Puts it in force. IOException, its message one line naming the daemon and the cause, when it could not. */
    void announce(Announcement a) throws IOException;

    /** Takes it out. IOException as for {@link #announce}. */
    void withdraw(Announcement a) throws IOException;

    /** Releases connections; leaves what is announced in force (the bans still are). */
    @Override
    default void close() {
    }
}
