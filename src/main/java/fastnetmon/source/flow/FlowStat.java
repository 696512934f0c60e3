package fastnetmon.source.flow;

/**
 * What the decoders count per exporter and protocol besides datagrams, records, packets and bytes: the
 * figures behind FastNetMon CE's NetFlow / IPFIX counters (read with {@link FlowExporter#count}).
 * Durations are a record's last minus first switched in whole seconds, bucketed as FastNetMon does
 * (up to 15 s, up to 30 s, ..., beyond 180 s).
 */
public enum FlowStat {
    /** Records with IPv4 addresses. */
    IPV4_RECORDS,
    /** Records with IPv6 addresses. */
    IPV6_RECORDS,
    DURATION_15, DURATION_30, DURATION_60, DURATION_90, DURATION_180, DURATION_LONGER,
    /** IPFIX records whose end is before their start (kept with duration 0). */
    DURATION_NEGATIVE,
    /** Data sets decoded with their template (v9 FlowSets, IPFIX Sets). */
    DATA_SETS,
    /** Options data sets decoded with their options template. */
    OPTIONS_SETS,
    /** Template records received (refreshes included). */
    DATA_TEMPLATES,
    /** Options template records received (refreshes included). */
    OPTIONS_TEMPLATES,
    /** Data sets whose template was not known when they arrived. */
    UNKNOWN_TEMPLATE_SETS,
    /** Templates that replaced one with the same id and different fields. */
    TEMPLATE_CHANGES,
    /** Template refreshes that repeated the template already kept. */
    TEMPLATE_SAME,
    /** Options data records that carried a sampling rate. */
    SAMPLING_RATES_RECEIVED,
    /** Sampling rates that were new or differed from the one kept for the same sampler (or the exporter). */
    SAMPLING_RATE_CHANGES,
    /** Options data records carrying the exporter's active flow timeout (element 36). */
    ACTIVE_TIMEOUTS,
    /** Options data records carrying the exporter's idle flow timeout (element 37). */
    INACTIVE_TIMEOUTS,
    /** Records with a forwarding status (element 89). */
    FORWARDING_STATUS,
    /** IPFIX flowEndReason (element 136) 1 to 5. */
    END_IDLE, END_ACTIVE, END_OF_FLOW, END_FORCED, END_LACK_OF_RESOURCES,
    /** IPFIX messages with padding after the last record of a set. */
    PADDED_MESSAGES,
    /** Malformed datagrams, sets or records of this protocol. */
    DECODE_ERRORS;

    static final FlowStat[] ALL = values();
    static final int COUNT = ALL.length;

    /** The duration bucket of a record lasting {@code nanos} (0 or more). */
    static FlowStat duration(long nanos) {
        long s = nanos / 1_000_000_000L;
        return s <= 15 ? DURATION_15 : s <= 30 ? DURATION_30 : s <= 60 ? DURATION_60 : s <= 90 ? DURATION_90
                : s <= 180 ? DURATION_180 : DURATION_LONGER;
    }
}
