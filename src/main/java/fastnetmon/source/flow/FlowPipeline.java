package fastnetmon.source.flow;

import fastnetmon.counters.CounterShard;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Datagrams to counters, for one collector thread or one export replay: the protocol from the port it
 * arrived on, the {@link FlowDecoder}, and the {@link TimeAttribution} in front of the shard. Every
 * pipeline of the process is listed in {@link #active()} from creation until {@link #close()}, for the
 * metrics.
 *
 * <p>Threading: {@link #datagram}, {@link #onSecond}, {@link #endOfRound} and {@link #drain} on the one
 * thread that owns the shard; the getters from any thread.
 */
public final class FlowPipeline implements AutoCloseable {
    private static final List<FlowPipeline> ACTIVE = new CopyOnWriteArrayList<>();

    private final String name;
    private final FlowPorts ports;
    private final FlowDecoder decoder;
    private final TimeAttribution attribution;
    private final CounterShard shard;
    private final UdpReceiver socket;

    FlowPipeline(String name, FlowPorts ports, FlowDecoderSettings decoderSettings, CounterShard shard,
                 int bufferRecords, int maxLag, UdpReceiver socket) {
        this.name = name;
        this.ports = ports;
        this.decoder = new FlowDecoder(decoderSettings);
        this.shard = shard;
        this.attribution = new TimeAttribution(shard, bufferRecords, maxLag);
        this.socket = socket;
        ACTIVE.add(this);
    }

    /** The pipelines running in this process (collectors and replays), for the metrics. */
    public static Collection<FlowPipeline> active() {
        return ACTIVE;
    }

    /**
     * One datagram of {@code length} bytes at {@code offset} (absolute reads only), sent to local port
     * {@code port} from the exporter {@code exporterHi/Lo} (as in PacketRecord), arrived at {@code nanos}.
     */
    void datagram(ByteBuffer buf, int offset, int length, int port, long exporterHi, long exporterLo, long nanos) {
        attribution.arrival(nanos);
        decoder.decode(buf, offset, length, exporterHi, exporterLo, ports.protocol(port, buf, offset, length), nanos, attribution);
    }

    /** After a batch of datagrams: count what is batched and publish it to the evaluator. */
    void endOfRound() {
        attribution.flush();
        shard.publish();
    }

    /** Live: the evaluator has had its tick for this second (the collector calls it some 200 ms in). */
    void afterTick() {
        attribution.afterTick();
        shard.publish();
    }

    void onSecond(long second) {
        attribution.onSecond(second);
    }

    void drain() {
        attribution.drain();
        shard.publish();
    }

    TimeAttribution attribution() {
        return attribution;
    }

    public String name() {
        return name;
    }

    public Collection<FlowExporter> exporters() {
        return decoder.exporters();
    }

    public long exportersRefused() {
        return decoder.exportersRefused();
    }

    /** Flow records and samples decoded. */
    public long records() {
        return attribution.records();
    }

    /** Records counted at once because the time buffer was full. */
    public long countedEarly() {
        return attribution.countedEarly();
    }

    /** Records that arrived after some of the seconds they cover had been evaluated (moved forward). */
    public long movedForward() {
        return attribution.movedForward();
    }

    /** Seconds a second waits for its records before it is counted, now. */
    public int lagSeconds() {
        return attribution.lagSeconds();
    }

    /** Datagrams the socket delivered (0 in a replay). */
    public long socketReceived() {
        return socket == null ? 0 : socket.received();
    }

    /** Datagrams the kernel dropped on the socket for lack of room (0 in a replay). */
    public long socketDropped() {
        return socket == null ? 0 : socket.dropped();
    }

    /** Datagrams longer than the receive slot (only their start was decoded). */
    public long socketTruncated() {
        return socket == null ? 0 : socket.truncated();
    }

    @Override
    public void close() {
        ACTIVE.remove(this);
        if (socket != null) {
            socket.close();
        }
    }
}
