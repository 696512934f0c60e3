package fastnetmon.source.flow;

import fastnetmon.packet.PacketRecord;

import static fastnetmon.source.flow.Fields.*;

/**
 * Turns NetFlow v9 / IPFIX data records into flow records and options data records into sampling rates and
 * the IPFIX system init time. Works on the datagram {@link #begin} described. Decoding thread only.
 *
 * <p>Counters: packetDeltaCount, else packetTotalCount, else the post (out) variants; the same for octets.
 * Sampling: a rate in the record itself, else the rate options data gave its sampler id, else an
 * exporter-wide rate from options data, else netflow_sampling_ratio.
 *
 * <p>Times: relative encodings (v9 sysUptime FIRST/LAST_SWITCHED, IPFIX delta microseconds) are ages
 * taken back from the arrival time. Absolute ones (seconds, milliseconds, NTP micro/nanoseconds, IPFIX
 * sysUpTime plus systemInitTimeMilliseconds) are used as they are while the exporter's clock agrees with
 * ours (its export time between 2 s behind and 1 s ahead of the arrival), else shifted by the difference.
 * A missing start or end is the other one minus or plus flowDuration; no timing at all is the arrival. An
 * end after the arrival is moved to it, with the record's span kept.
 */
final class TemplateRecords {
    private static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
    private static final long CLOCK_BEHIND = 2_000_000_000L, CLOCK_AHEAD = 1_000_000_000L;

    private final RecordOut out;
    private final long defaultRate;
    private ExporterState st;
    private ExportStream stream;
    private FlowProtocol protocol;
    private long sysUptime, arrival, skew;
    long start, end;

    TemplateRecords(RecordOut out, FlowDecoderSettings settings) {
        this.out = out;
        this.defaultRate = settings.netflowSamplingRatio();
    }

    /** sysUptime: the v9 header's (ms), -1 for IPFIX; exportNanos: the header's export time. */
    void begin(ExporterState st, ExportStream stream, FlowProtocol protocol, long sysUptime,
               long exportNanos, long arrivalNanos) {
        this.st = st;
        this.stream = stream;
        this.protocol = protocol;
        this.sysUptime = sysUptime;
        this.arrival = arrivalNanos;
        long d = arrivalNanos - exportNanos;
        this.skew = d >= -CLOCK_AHEAD && d <= CLOCK_BEHIND ? 0 : d;
    }

    void data(FieldValues v) {
        PacketRecord rec = out.rec;
        rec.reset();
        if (v.has(SRC4) || v.has(DST4)) {
            rec.setIpv4(v.has(SRC4) ? v.int32(SRC4) : 0, v.has(DST4) ? v.int32(DST4) : 0);
        } else if (v.has(SRC6) || v.has(DST6)) {
            rec.setIpv6(v.has(SRC6) ? v.long64(SRC6, 0) : 0, v.has(SRC6) ? v.long64(SRC6, 1) : 0,
                    v.has(DST6) ? v.long64(DST6, 0) : 0, v.has(DST6) ? v.long64(DST6, 1) : 0);
        }
        rec.protocol = (int) v.get(PROTOCOL, 0) & 0xff;
        rec.srcPort = (int) v.get(SRC_PORT, 0) & 0xffff;
        rec.dstPort = (int) v.get(DST_PORT, 0) & 0xffff;
        rec.tcpFlags = rec.protocol == PacketRecord.TCP ? (int) v.get(TCP_FLAGS, 0) & 0xff : 0;
        rec.ttl = (int) v.get(TTL, v.get(MAX_TTL, v.get(MIN_TTL, 0))) & 0xff;
        long fragmentOffset = v.get(FRAGMENT_OFFSET, 0);
        // fragmentFlags: bit 2 from the left (0x20) is More Fragments
        rec.fragmented = (v.get(FRAGMENT_FLAGS, 0) & 0x20) != 0 || fragmentOffset != 0;
        rec.laterFragment = fragmentOffset != 0;
        long packets = v.get(PACKETS, v.get(PACKETS_TOTAL, v.get(PACKETS_POST, v.get(PACKETS_POST_TOTAL, 0))));
        long bytes = v.get(OCTETS, v.get(OCTETS_TOTAL, v.get(OCTETS_POST, v.get(OCTETS_POST_TOTAL, 0))));
        long rate = rate(v);
        if (rate == 0) {
            long sampler = v.get(SAMPLER_ID, v.get(SELECTOR_ID, -1));
            rate = sampler >= 0 && stream != null ? stream.samplerRate(sampler) : 0;
        }
        if (rate == 0 && stream != null) {
            rate = stream.defaultRate;
        }
        if (rate == 0) {
            rate = defaultRate;
        }
        times(v);
        FlowExporter ex = st.exporter;
        if (v.has(FORWARDING_STATUS)) {
            ex.add(FlowExporter.stat(protocol, FlowStat.FORWARDING_STATUS), 1);
        }
        if (v.has(END_REASON)) {
            int reason = (int) v.get(END_REASON, 0);
            if (reason >= 1 && reason <= 5) { // IANA flowEndReason: idle, active, end of flow, forced end, lack of resources
                ex.add(FlowExporter.stat(protocol, FlowStat.ALL[FlowStat.END_IDLE.ordinal() + reason - 1]), 1);
            }
        }
        out.flow(st, protocol, packets, bytes, rate, start, end);
    }

    /** Options data: sampler rates (per sampler id, or exporter-wide) and the IPFIX system init time. */
    void options(FieldValues v) {
        FlowExporter ex = st.exporter;
        if (v.has(ACTIVE_TIMEOUT)) {
            ex.add(FlowExporter.stat(protocol, FlowStat.ACTIVE_TIMEOUTS), 1);
        }
        if (v.has(IDLE_TIMEOUT)) {
            ex.add(FlowExporter.stat(protocol, FlowStat.INACTIVE_TIMEOUTS), 1);
        }
        long rate = rate(v);
        if (rate > 0) {
            long sampler = v.get(SAMPLER_ID, v.get(SELECTOR_ID, -1));
            ex.add(FlowExporter.stat(protocol, FlowStat.SAMPLING_RATES_RECEIVED), 1);
            if (stream == null) {
                return; // beyond the streams an exporter may have: nowhere to keep it
            }
            long before;
            if (sampler >= 0) {
                before = stream.samplerRate(sampler);
                st.putSamplerRate(stream, sampler, rate);
            } else {
                before = stream.defaultRate;
                stream.defaultRate = rate;
            }
            if (before != rate) { // the first rate of a sampler counts as a change, as in FastNetMon
                ex.add(FlowExporter.stat(protocol, FlowStat.SAMPLING_RATE_CHANGES), 1);
            }
            ex.add(FlowExporter.OPTIONS_SAMPLING, 1);
        }
        if (v.has(SYSTEM_INIT_MS) && stream != null) {
            stream.systemInitMillis = v.get(SYSTEM_INIT_MS, -1);
        }
    }

    /** A sampling rate the record states (1 in N), or 0. */
    private static long rate(FieldValues v) {
        long r = v.get(SAMPLING_INTERVAL, 0);
        if (r > 0) {
            return r;
        }
        r = v.get(SAMPLER_RANDOM_INTERVAL, 0);
        if (r > 0) {
            return r;
        }
        long interval = v.get(SAMPLING_PACKET_INTERVAL, 0);
        if (interval > 0) {
            // RFC 5477 systematic count-based: `interval` packets selected, then `space` skipped
            long space = v.get(SAMPLING_PACKET_SPACE, 0);
            return space > 0 ? Math.max(1, (interval + space + interval / 2) / interval) : interval;
        }
        long size = v.get(SAMPLING_SIZE, 0), population = v.get(SAMPLING_POPULATION, 0);
        if (size > 0 && population >= size) {
            return (population + size / 2) / size;
        }
        if (v.has(SAMPLING_PROBABILITY)) { // RFC 5477: a packet is selected with this probability
            long bits = v.get(SAMPLING_PROBABILITY, 0);
            double p = v.length(SAMPLING_PROBABILITY) == 8 ? Double.longBitsToDouble(bits) : Float.intBitsToFloat((int) bits);
            return p > 0 && p <= 1 ? Math.round(1 / p) : 0;
        }
        return 0;
    }

    /** Sets {@link #start} and {@link #end} for the record. */
    private void times(FieldValues v) {
        long s = absolute(v, START_NS, START_US, START_MS, START_S, START_UPTIME, START_DELTA_US);
        long e = absolute(v, END_NS, END_US, END_MS, END_S, END_UPTIME, END_DELTA_US);
        long duration = v.has(DURATION_US) ? v.get(DURATION_US, 0) * 1_000L
                : v.has(DURATION_MS) ? v.get(DURATION_MS, 0) * 1_000_000L : -1;
        if (e == Long.MIN_VALUE) {
            e = s != Long.MIN_VALUE && duration >= 0 ? s + duration : s;
        }
        if (s == Long.MIN_VALUE) {
            s = e != Long.MIN_VALUE && duration >= 0 ? e - duration : e;
        }
        if (e == Long.MIN_VALUE) {
            s = e = arrival;
        }
        if (e < s && protocol == FlowProtocol.IPFIX) {
            st.exporter.add(FlowExporter.stat(protocol, FlowStat.DURATION_NEGATIVE), 1);
        }
        // a record never ends after it arrived; its span is its own even when its end had to be moved
        end = Math.min(e, arrival);
        start = end - Math.max(0, e - s);
    }

    /** One end of the record in ns since the epoch on our clock, or Long.MIN_VALUE when it has none. */
    private long absolute(FieldValues v, int ns, int us, int ms, int sec, int uptime, int deltaUs) {
        if (v.has(ns)) {
            return ntp(v.get(ns, 0)) + skew;
        }
        if (v.has(us)) {
            return ntp(v.get(us, 0) & ~0x7ffL) + skew; // RFC 7011 6.1.9: the low 11 bits are not significant
        }
        if (v.has(ms)) {
            return v.get(ms, 0) * 1_000_000L + skew;
        }
        if (v.has(sec)) {
            return v.get(sec, 0) * 1_000_000_000L + skew;
        }
        if (v.has(uptime)) {
            long t = v.get(uptime, 0);
            if (sysUptime >= 0) { // v9: an age against the header's sysUptime (signed, so a wrap stays small)
                return arrival - (int) (sysUptime - t) * 1_000_000L; // after the arrival when ahead: times() moves it
            }
            long init = v.get(SYSTEM_INIT_MS, stream == null ? -1 : stream.systemInitMillis);
            if (init >= 0) {
                return (init + t) * 1_000_000L + skew;
            }
        }
        if (v.has(deltaUs)) {
            return arrival - v.get(deltaUs, 0) * 1_000L;
        }
        return Long.MIN_VALUE;
    }

    /** NTP timestamp (seconds since 1900 . 32-bit fraction) to ns since the epoch. */
    static long ntp(long t) {
        long seconds = (t >>> 32) - NTP_TO_UNIX_SECONDS;
        return seconds * 1_000_000_000L + (((t & 0xffff_ffffL) * 1_000_000_000L) >>> 32);
    }
}
