package fastnetmon.source.flow;

/**
 * What a {@link FlowDecoder} needs from the configuration. Immutable.
 *
 * @param netflowSamplingRatio      FastNetMon's {@code netflow_sampling_ratio}: the rate applied to NetFlow
 *                                  v9 / IPFIX records when no options data (and, for v5, no header field)
 *                                  says otherwise; at least 1
 * @param sflowLengthFromIpHeader   FastNetMon's {@code sflow_read_packet_length_from_ip_header}: count an
 *                                  sFlow sample's bytes from the IP total length instead of the frame length
 * @param maxExporters              exporters (source addresses) kept; datagrams from more are refused and counted
 * @param maxTemplatesPerExporter   templates (data and options) kept per exporter address, over all its
 *                                  source ids / observation domains; more are refused and counted
 * @param maxPendingDataSets        data sets without a template held per decoder (all exporters) until it
 *                                  arrives, at most 30 s (0: none held, they are only counted as template misses)
 */
public record FlowDecoderSettings(int netflowSamplingRatio, boolean sflowLengthFromIpHeader,
                                  int maxExporters, int maxTemplatesPerExporter, int maxPendingDataSets) {
    public static final int DEFAULT_MAX_EXPORTERS = 4096;
    public static final int DEFAULT_MAX_TEMPLATES_PER_EXPORTER = 512;
    public static final int DEFAULT_MAX_PENDING_DATA_SETS = 128;

    public FlowDecoderSettings {
        if (netflowSamplingRatio < 1) {
            throw new IllegalArgumentException("netflow_sampling_ratio must be at least 1, not " + netflowSamplingRatio);
        }
        if (maxExporters < 1 || maxTemplatesPerExporter < 1 || maxPendingDataSets < 0) {
            throw new IllegalArgumentException("flow decoder bounds must be positive");
        }
    }

    /** Sampling ratio 1, frame lengths for sFlow, the default bounds. */
    public static FlowDecoderSettings defaults() {
        return new FlowDecoderSettings(1, false, DEFAULT_MAX_EXPORTERS, DEFAULT_MAX_TEMPLATES_PER_EXPORTER,
                DEFAULT_MAX_PENDING_DATA_SETS);
    }
}
