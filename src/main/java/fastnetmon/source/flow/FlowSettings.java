package fastnetmon.source.flow;

import fastnetmon.config.Configuration;
import fastnetmon.source.SourceException;

import java.util.ArrayList;
import java.util.List;

/**
 * The flow collectors' part of the configuration. Immutable.
 *
 * @param sflowPorts       ports of {@code sflow_port} when {@code sflow = on}, else empty
 * @param netflowPorts     ports of {@code netflow_port} when {@code netflow = on}, else empty
 * @param threads          receiving threads per port ({@code flow_threads}, 0 resolved to the core count)
 * @param maxLag           {@code flow_max_lag}
 * @param bufferRecords    {@code flow_buffer_records}
 * @param socketBuffer     {@code flow_socket_buffer}
 */
public record FlowSettings(String sflowHost, List<Integer> sflowPorts, String netflowHost, List<Integer> netflowPorts,
                           FlowDecoderSettings decoder, int threads, int maxLag, int bufferRecords, int socketBuffer) {

    /** @throws SourceException for a port that is not a number from 1 to 65535 (one line naming the key) */
    public static FlowSettings from(Configuration c) throws SourceException {
        return from(c, false);
    }

    /** For an export replay: the ports of both collectors, on or off, say which protocol a datagram is. */
    public static FlowSettings forReplay(Configuration c) throws SourceException {
        return from(c, true);
    }

    private static FlowSettings from(Configuration c, boolean allPorts) throws SourceException {
        List<Integer> sflow = allPorts || c.getBoolean("sflow") ? ports(c, "sflow_port") : List.of();
        List<Integer> netflow = allPorts || c.getBoolean("netflow") ? ports(c, "netflow_port") : List.of();
        int threads = c.getInt("flow_threads");
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        FlowDecoderSettings d = new FlowDecoderSettings(c.getInt("netflow_sampling_ratio"),
                c.getBoolean("sflow_read_packet_length_from_ip_header"), FlowDecoderSettings.DEFAULT_MAX_EXPORTERS,
                FlowDecoderSettings.DEFAULT_MAX_TEMPLATES_PER_EXPORTER, FlowDecoderSettings.DEFAULT_MAX_PENDING_DATA_SETS);
        return new FlowSettings(c.getString("sflow_host"), sflow, c.getString("netflow_host"), netflow, d, threads,
                c.getInt("flow_max_lag"), c.getInt("flow_buffer_records"), c.getInt("flow_socket_buffer"));
    }

    /** The ports of {@code key} whether or not the collector is on (an export replay reads them). */
    static List<Integer> ports(Configuration c, String key) throws SourceException {
        List<Integer> out = new ArrayList<>();
        for (String p : c.getList(key)) {
            int port;
            try {
                port = Integer.parseInt(p.strip());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new SourceException(where(c) + key + ": '" + p + "' is not a UDP port (1-65535)");
            }
            if (!out.contains(port)) {
                out.add(port);
            }
        }
        if (out.isEmpty()) {
            throw new SourceException(where(c) + key + " names no port");
        }
        return List.copyOf(out);
    }

    private static String where(Configuration c) {
        return c.file() != null ? c.file() + ": " : "";
    }

    /** True when a collector is configured. */
    public boolean any() {
        return !sflowPorts.isEmpty() || !netflowPorts.isEmpty();
    }
}
