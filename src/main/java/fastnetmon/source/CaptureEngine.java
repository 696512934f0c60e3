package fastnetmon.source;

/**
 * A live traffic source on one interface (or one fanout member of it). {@link #run()} captures on the
 * calling thread until {@link #stop()}, handing frames in batches to its {@link PacketCounter}.
 */
public interface CaptureEngine extends AutoCloseable {
    /** Captures until stopped; returns normally after {@link #stop()}. */
    void run() throws SourceException;

    /** Asks {@link #run()} to return soon; callable from any thread. */
    void stop();

    /** Interface name, as in metrics and logs. */
    String interfaceName();

    /** Packets the kernel or library delivered to this engine so far. */
    long received();

    /** Packets the kernel or library dropped for lack of room so far. */
    long dropped();

    @Override
    void close();
}
