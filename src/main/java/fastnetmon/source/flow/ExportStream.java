package fastnetmon.source.flow;

import org.agrona.collections.Long2LongHashMap;

/**
 * What one exporter keeps per stream of exports: an sFlow agent + sub-agent, a NetFlow v5 engine, a NetFlow
 * v9 source id or an IPFIX observation domain. Decoding thread only.
 */
final class ExportStream {
    /**
     * A sequence number this far or further ahead of the expected one is a restarted exporter, not a loss.
     * Behind it by less than the caller's late window: a late datagram (its gap was counted; the expected
     * number does not go back); further behind: a restart too.
     */
    static final long RESTART = 1L << 24;

    final long k0, k1, k2;
    private long expected;
    private boolean known;
    /** IPFIX systemInitTimeMilliseconds (160) from options data, ms since the epoch, or -1. */
    long systemInitMillis = -1;
    /** Sampling rate from options data that names no sampler (exporter-wide), or 0. */
    long defaultRate;
    /** Sampler (or selector) id to rate, from options data; made when the first one comes. */
    private Long2LongHashMap samplers;

    // IPFIX: the previous message's sequence number and records, and which numbering the exporter uses.
    private long lastSeq, lastFlows, lastAll;
    private int convention;

    ExportStream(long k0, long k1, long k2) {
        this.k0 = k0;
        this.k1 = k1;
        this.k2 = k2;
    }

    /**
     * IPFIX: RFC 7011 numbers a message with the data records sent before it ({@code all}, options data
     * included), but exporters differ: some count flow records only, some (softflowd 1.1) number a message
     * after counting its own records. The numbering that explains a message exactly is learnt and used to
     * count the records missing before later ones. {@code flows < 0}: a set could not be decoded (no template),
     * the next message is not checked.
     */
    long ipfixSequence(long seq, long flows, long all, long lateWindow) {
        long missing = 0;
        if (known) {
            long d = (int) (seq - candidate(convention, flows, all));
            if (d != 0) {
                for (int c = 0; c < 4; c++) {
                    if (flows >= 0 && (int) (seq - candidate(c, flows, all)) == 0) {
                        convention = c;
                        d = 0;
                        break;
                    }
                }
            }
            if (d < 0 && d > -lateWindow) {
                return 0;
            }
            if (d > 0 && d < RESTART) {
                missing = d;
            }
        }
        known = flows >= 0;
        lastSeq = seq;
        lastFlows = flows;
        lastAll = all;
        return missing;
    }

    /** The rate options data gave this sampler, or 0. */
    long samplerRate(long samplerId) {
        return samplers == null ? 0 : samplers.get(samplerId);
    }

    /**
     * Keeps a sampler's rate (at least 1); returns whether it is a new sampler. {@code mayAdd}: whether a new
     * one may be kept (the exporter's bound); an update of a known one always is.
     */
    boolean putSamplerRate(long samplerId, long rate, boolean mayAdd) {
        if (samplers == null) {
            if (!mayAdd) {
                return false;
            }
            samplers = new Long2LongHashMap(0);
        }
        boolean known = samplers.containsKey(samplerId);
        if (known || mayAdd) {
            samplers.put(samplerId, rate);
        }
        return !known && mayAdd;
    }

    /** The sequence number the message should have under numbering {@code c}. */
    private long candidate(int c, long flows, long all) {
        return lastSeq + switch (c) {
            case 0 -> lastAll;   // RFC 7011
            case 1 -> lastFlows; // options data not counted
            case 2 -> all;       // numbered after counting its own records
            default -> flows;    // both
        };
    }

    /**
     * Takes a 32-bit sequence number and how far this export moves the sequence on ({@code advance}, or -1
     * when that is unknown: then the next one is not checked); returns how many exports went missing before it.
     */
    long sequence(long seq, long advance, long lateWindow) {
        long missing = 0;
        if (known) {
            long d = (int) (seq - expected); // distance modulo 2^32
            if (d < 0 && d > -lateWindow) {
                return 0; // a late one: the gap it left was already counted
            }
            if (d > 0 && d < RESTART) {
                missing = d;
            }
        }
        known = advance >= 0;
        expected = (seq + Math.max(advance, 0)) & 0xffff_ffffL;
        return missing;
    }
}
