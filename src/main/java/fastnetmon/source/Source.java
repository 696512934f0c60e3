package fastnetmon.source;

/**
 * Anything that produces traffic for the counters: a capture engine (or one fanout member of it), a flow
 * collector socket, a remote sensor. Threading: driven by exactly one {@link SourceRunner} thread;
 * {@link #doWork()}, {@link #onSecond(long)} and {@link #close()} are called only on that thread, in that
 * order of life (doWork/onSecond repeatedly, then close once). {@link #name()}, {@link #received()} and
 * {@link #dropped()} may be read from any thread.
 */
public interface Source {
    /** As in logs and metrics labels, e.g. "eth3#0", "netflow 0.0.0.0:2055#1". */
    String name();

    /**
     * One bounded round of work: read what is there (waiting at most about 100 ms for it), parse and count
     * it, publish it; returns how many units it handled (0 = idle, the runner's idle strategy backs off).
     * Throws SourceException (one-line message) to stop this source; the others go on.
     */
    int doWork() throws SourceException;

    /** The runner's wall clock entered this second: flush what is queued and roll the counters. */
    void onSecond(long epochSecond);

    /**
     * Units the kernel or library delivered to this source: packets for a mirror engine, datagrams for a
     * flow collector.
     */
    long received();

    /** Units the kernel or library dropped for lack of room before this source read them (same unit). */
    long dropped();

    /** Releases the socket / ring / handle. */
    void close();
}
