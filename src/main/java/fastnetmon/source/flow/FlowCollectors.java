package fastnetmon.source.flow;

import fastnetmon.counters.ShardFactory;
import fastnetmon.source.SourceException;

import java.util.ArrayList;
import java.util.List;

/** Opens the flow collectors the configuration asks for: per port, one {@link FlowCollector} per receiving thread. */
public final class FlowCollectors {
    private FlowCollectors() {
    }

    /**
     * Binds every configured port {@code threads} times (SO_REUSEPORT) and gives each socket a shard.
     * Nothing is left open when one fails.
     *
     * @throws SourceException one line naming the address and the reason
     */
    public static List<FlowCollector> open(FlowSettings s, ShardFactory shards) throws SourceException {
        List<FlowCollector> out = new ArrayList<>();
        FlowPorts ports = new FlowPorts(s.sflowPorts(), s.netflowPorts());
        try {
            open(out, "sflow", s.sflowHost(), s.sflowPorts(), s, ports, shards);
            open(out, "netflow", s.netflowHost(), s.netflowPorts(), s, ports, shards);
        } catch (SourceException | RuntimeException e) {
            out.forEach(FlowCollector::close);
            throw e;
        }
        return out;
    }

    private static void open(List<FlowCollector> out, String kind, String host, List<Integer> portList, FlowSettings s,
                             FlowPorts ports, ShardFactory shards) throws SourceException {
        for (int port : portList) {
            for (int t = 0; t < s.threads(); t++) {
                UdpReceiver socket = UdpReceiver.open(host, port, true, s.socketBuffer());
                String name = kind + " " + socket.where() + "#" + t;
                out.add(new FlowCollector(name, socket, ports, s, shards.newShard(name, true)));
            }
        }
    }
}
