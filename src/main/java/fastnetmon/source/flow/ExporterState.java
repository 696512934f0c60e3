package fastnetmon.source.flow;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The decoding state of one exporter address: its streams (sequence numbers, sampler rates, IPFIX system
 * init time) and templates, all bounded. Decoding thread only; {@link #exporter} carries the counters
 * other threads read.
 */
final class ExporterState {
    static final int MAX_STREAMS = 64;
    /** Samplers (with their rates from options data) kept per exporter over all its streams. */
    static final int MAX_SAMPLERS = 256;
    private static final long LOG_EVERY_MILLIS = 60_000;

    final FlowExporter exporter;
    private final int maxTemplates;
    private final TemplateBudget budget;
    private final ExportStream[] streams = new ExportStream[MAX_STREAMS];
    private int streamCount, samplerCount;
    private ExportStream lastStream;
    /** Key: IPFIX bit 48 | observation domain / source id << 16 | template id. */
    private final Long2ObjectHashMap<Template> templates = new Long2ObjectHashMap<>();
    private SflowInterfaces interfaces;
    private long lastLogMillis = Long.MIN_VALUE / 2; // "long ago" without overflowing the difference

    ExporterState(FlowExporter exporter, FlowDecoderSettings settings, TemplateBudget budget) {
        this.exporter = exporter;
        this.budget = budget;
        this.maxTemplates = settings.maxTemplatesPerExporter();
    }

    /** The stream with this key, created when first seen; null beyond {@link #MAX_STREAMS} streams. */
    ExportStream stream(long k0, long k1, long k2) {
        ExportStream s = lastStream;
        if (s != null && s.k0 == k0 && s.k1 == k1 && s.k2 == k2) {
            return s;
        }
        for (int i = 0; i < streamCount; i++) {
            s = streams[i];
            if (s.k0 == k0 && s.k1 == k1 && s.k2 == k2) {
                lastStream = s;
                return s;
            }
        }
        if (streamCount == MAX_STREAMS) {
            return null;
        }
        s = new ExportStream(k0, k1, k2);
        streams[streamCount++] = s;
        lastStream = s;
        return s;
    }

    /** Counts the exports missing before this one in its stream (no stream left: not checked). */
    void sequence(long k0, long k1, long k2, long seq, long advance, long lateWindow) {
        ExportStream s = stream(k0, k1, k2);
        if (s != null) {
            long missing = s.sequence(seq, advance, lateWindow);
            if (missing > 0) {
                exporter.add(FlowExporter.SEQUENCE_GAPS, missing);
            }
        }
    }

    /** IPFIX: counts the data records missing before this message in its observation domain. */
    void ipfixSequence(ExportStream s, long seq, long flows, long all) {
        if (s != null) {
            long missing = s.ipfixSequence(seq, flows, all, 1L << 20);
            if (missing > 0) {
                exporter.add(FlowExporter.SEQUENCE_GAPS, missing);
            }
        }
    }

    static long templateKey(boolean ipfix, long domain, int templateId) {
        return (ipfix ? 1L << 48 : 0) | (domain << 16) | templateId;
    }

    Template template(boolean ipfix, long domain, int templateId) {
        return templates.get(templateKey(ipfix, domain, templateId));
    }

    /**
     * Keeps a template (replacing one with the same id); false when a bound refuses it (counted): the
     * exporter's template count, or the fields all exporters' templates may hold ({@link TemplateBudget}).
     */
    boolean putTemplate(boolean ipfix, long domain, int templateId, Template t) {
        long key = templateKey(ipfix, domain, templateId);
        Template old = templates.get(key);
        long more = t.fieldCount() - (old == null ? 0 : old.fieldCount());
        if ((old == null && templates.size() >= maxTemplates) || (more > 0 && !budget.take(more))) {
            exporter.add(FlowExporter.TEMPLATES_REFUSED, 1);
            return false;
        }
        if (more < 0) {
            budget.give(-more);
        }
        templates.put(key, t);
        exporter.set(FlowExporter.TEMPLATES, templates.size());
        return true;
    }

    void withdrawTemplate(long domain, int templateId) {
        Template old = templates.remove(templateKey(true, domain, templateId));
        if (old != null) {
            budget.give(old.fieldCount());
            exporter.set(FlowExporter.TEMPLATES, templates.size());
        }
    }

    /** IPFIX "withdraw all": every data (or every options) template of the domain. */
    void withdrawAll(long domain, boolean options) {
        long ipfixDomain = (1L << 32) | domain;
        templates.entrySet().removeIf(e -> {
            boolean match = (e.getKey() >>> 16) == ipfixDomain && e.getValue().options == options;
            if (match) {
                budget.give(e.getValue().fieldCount());
            }
            return match;
        });
        exporter.set(FlowExporter.TEMPLATES, templates.size());
    }

    /** Keeps a sampler's rate on its stream, within the exporter's bound on samplers. */
    void putSamplerRate(ExportStream s, long samplerId, long rate) {
        if (s.putSamplerRate(samplerId, rate, samplerCount < MAX_SAMPLERS)) {
            samplerCount++;
        }
    }

    /** The exporter's sFlow interface counters, made with its first counter sample. */
    SflowInterfaces interfaces() {
        if (interfaces == null) {
            interfaces = new SflowInterfaces();
        }
        return interfaces;
    }

    /** Whether a decode error may be logged now (at most once a minute per exporter). */
    boolean mayLog(long nowMillis) {
        if (nowMillis - lastLogMillis < LOG_EVERY_MILLIS) {
            return false;
        }
        lastLogMillis = nowMillis;
        return true;
    }
}
