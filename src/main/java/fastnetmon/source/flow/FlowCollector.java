package fastnetmon.source.flow;

import fastnetmon.counters.CounterShard;
import fastnetmon.source.Source;
import fastnetmon.source.SourceException;

import java.nio.ByteBuffer;

/**
 * One receiving thread of a flow collector as a {@link Source}: its own SO_REUSEPORT socket on the
 * configured address, read in batches, decoded and counted into its own shard through the time
 * attribution buffer. {@link #received()} counts datagrams, {@link #dropped()} the datagrams the kernel
 * dropped on this socket.
 *
 * <p>Threading: as {@link Source}: one runner thread; name, received and dropped from any thread.
 */
public final class FlowCollector implements Source {
    /** Longest wait for datagrams in one round (the runner's bound). */
    static final int MAX_WAIT_MILLIS = 100;
    /**
     * Records buffered for the next second to evaluate are counted this far into a second: after the
     * evaluator's tick (20 ms after the turn, see LiveMode), so they count for the next tick.
     */
    static final int AFTER_TICK_MILLIS = 200;

    private final String name;
    private final UdpReceiver socket;
    private final FlowPipeline pipeline;

    FlowCollector(String name, UdpReceiver socket, FlowPorts ports, FlowSettings s, CounterShard shard) {
        this.name = name;
        this.socket = socket;
        this.pipeline = new FlowPipeline(name, ports, s.decoder(), shard, s.bufferRecords(), s.maxLag(), socket);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int doWork() throws SourceException {
        long nowMillis = System.currentTimeMillis();
        if (nowMillis % 1000 >= AFTER_TICK_MILLIS) {
            pipeline.afterTick();
        }
        // Wake up by the second's turn, so the runner counts the second that ended before the evaluator's tick.
        int wait = (int) Math.min(MAX_WAIT_MILLIS, 1000 - nowMillis % 1000 + 1);
        int n = socket.receive(wait);
        if (n == 0) {
            return 0;
        }
        long nanos = System.currentTimeMillis() * 1_000_000L;
        ByteBuffer buf = socket.buffer();
        int port = socket.localPort();
        for (int i = 0; i < n; i++) {
            pipeline.datagram(buf, socket.offset(i), socket.length(i), port, socket.sourceHi(i), socket.sourceLo(i), nanos);
        }
        pipeline.endOfRound();
        return n;
    }

    @Override
    public void onSecond(long epochSecond) {
        pipeline.endOfRound();
        pipeline.onSecond(epochSecond);
    }

    @Override
    public long received() {
        return socket.received();
    }

    @Override
    public long dropped() {
        return socket.dropped();
    }

    /** Decoding and attribution figures, for the metrics and tests. */
    public FlowPipeline pipeline() {
        return pipeline;
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
