package fastnetmon.source.flow;

import java.nio.ByteBuffer;

import static fastnetmon.source.flow.Wire.u16;
import static fastnetmon.source.flow.Wire.u32;

/**
 * NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) messages: templates and options templates kept per exporter
 * address and source id / observation domain (a template with a known id replaces it; IPFIX withdrawals
 * remove one or all), data sets decoded through their template's plan, data sets without a template counted
 * as template misses and held in {@link PendingSets} until it comes. Sequence gaps: v9 counts datagrams per
 * source id, IPFIX data records per observation domain. Decoding thread only.
 */
final class TemplateDecoder {
    /** Templates with more fields are refused (no exporter sends them; they would only cost memory). */
    static final int MAX_FIELDS = 512;
    private static final int V9_HEADER = 20, IPFIX_HEADER = 16;

    private final RecordOut out;
    private final TemplateRecords records;
    private final FieldValues values = new FieldValues();
    private final PendingSets pending;
    private final int[] ids = new int[MAX_FIELDS], enterprises = new int[MAX_FIELDS], lengths = new int[MAX_FIELDS];
    // The datagram being decoded.
    private ExporterState st;
    private FlowProtocol protocol;
    private long domain, sysUptime, exportNanos, arrival;
    private ExportStream stream;
    private long flowRecords, optionRecords, templateRecords;
    private boolean missed, padded;
    /** Templates this datagram brought while data sets were held (a template beyond these waits for its next refresh). */
    private final int[] arrived = new int[64];
    private int arrivedCount;

    TemplateDecoder(RecordOut out, FlowDecoderSettings settings) {
        this.out = out;
        this.records = new TemplateRecords(out, settings);
        this.pending = new PendingSets(settings.maxPendingDataSets());
    }

    void decode(ByteBuffer b, int off, int end, ExporterState st, long arrivalNanos, boolean ipfix) {
        this.st = st;
        this.protocol = ipfix ? FlowProtocol.IPFIX : FlowProtocol.NETFLOW9;
        this.arrival = arrivalNanos;
        arrivedCount = 0;
        int header = ipfix ? IPFIX_HEADER : V9_HEADER;
        if (end - off < header) {
            error("shorter than the header", end - off);
            return;
        }
        int version = u16(b, off);
        if (version != (ipfix ? 10 : 9)) {
            error("wrong version", version);
            return;
        }
        long sequence;
        if (ipfix) {
            int length = u16(b, off + 2);
            if (length < IPFIX_HEADER) {
                error("message length shorter than the header", length);
                return;
            }
            if (length > end - off) {
                error("message cut short: length field beyond the datagram", length);
            } else {
                end = off + length;
            }
            sysUptime = -1;
            exportNanos = u32(b, off + 4) * 1_000_000_000L;
            sequence = u32(b, off + 8);
            domain = u32(b, off + 12);
        } else {
            sysUptime = u32(b, off + 4);
            exportNanos = u32(b, off + 8) * 1_000_000_000L;
            sequence = u32(b, off + 12);
            domain = u32(b, off + 16);
        }
        stream = st.stream(version, domain, 0);
        records.begin(st, stream, protocol, sysUptime, exportNanos, arrival);
        flowRecords = 0;
        optionRecords = 0;
        templateRecords = 0;
        missed = false;
        padded = false;
        int p = off + header;
        boolean cut = false;
        while (end - p >= 4) {
            int setId = u16(b, p), setLength = u16(b, p + 2);
            if (setLength < 4 || setLength > end - p) {
                error("set length beyond the datagram or below 4", setLength);
                cut = true;
                break;
            }
            int setEnd = p + setLength;
            if (setId == (ipfix ? 2 : 0)) {
                templates(b, p + 4, setEnd, setId, false, ipfix);
            } else if (setId == (ipfix ? 3 : 1)) {
                templates(b, p + 4, setEnd, setId, true, ipfix);
            } else if (setId >= 256) {
                Template t = st.template(protocol == FlowProtocol.IPFIX, domain, setId);
                if (t == null) {
                    missed = true;
                    st.exporter.add(FlowExporter.TEMPLATE_MISSES, 1);
                    st.exporter.add(FlowExporter.stat(protocol, FlowStat.UNKNOWN_TEMPLATE_SETS), 1);
                    pending.hold(st, protocol, domain, setId, sysUptime, exportNanos, arrival, b, p + 4, setEnd);
                } else {
                    long n = data(b, p + 4, setEnd, t);
                    if (t.options) {
                        optionRecords += n;
                    } else {
                        flowRecords += n;
                    }
                    st.exporter.add(FlowExporter.stat(protocol, t.options ? FlowStat.OPTIONS_SETS : FlowStat.DATA_SETS), 1);
                }
            } // 2..255 (v9) and 4..255 (IPFIX) are reserved: skipped
            p = setEnd;
        }
        if (padded) {
            st.exporter.add(FlowExporter.stat(protocol, FlowStat.PADDED_MESSAGES), 1);
        }
        for (int i = 0; i < arrivedCount; i++) {
            Template t = st.template(protocol == FlowProtocol.IPFIX, domain, arrived[i]);
            if (t != null) {
                releasePending(arrived[i], t);
            }
        }
        arrivedCount = 0;
        if (p < end && end - p < 4) {
            error("bytes after the last set, too few for a set header", end - p);
        }
        if (!ipfix && !cut && !missed && templateRecords + flowRecords + optionRecords < u16(b, off + 2)) {
            // softflowd's count can be short of what it sends (no error then); more is a cut datagram
            error("fewer records than the header's count", u16(b, off + 2));
        }
        // v9: one per datagram; IPFIX: the data records it carried (unknown when a set had no template)
        if (ipfix) {
            st.ipfixSequence(stream, sequence, missed ? -1 : flowRecords, missed ? -1 : flowRecords + optionRecords);
        } else {
            st.sequence(version, domain, 0, sequence, 1, 1024);
        }
    }

    /** Decodes the records of a data set; returns how many. */
    private long data(ByteBuffer b, int p, int end, Template t) {
        long n = 0;
        while (end - p >= t.minLength) {
            int next = values.at(b, p, end, t);
            if (next < 0) {
                error("a variable-length field runs past its set", n);
                return n;
            }
            if (t.options) {
                records.options(values);
            } else {
                records.data(values);
            }
            n++;
            p = next;
        }
        if (p < end && n > 0) {
            padded = true; // bytes after the last record, too few for another: padding (RFC 7011 3.3.1)
        }
        return n;
    }

    /** A template or options template set. */
    private void templates(ByteBuffer b, int p, int end, int setId, boolean options, boolean ipfix) {
        int fixed = options ? 6 : 4;
        while (end - p >= 4) {
            int templateId = u16(b, p), count = u16(b, p + 2);
            if (ipfix && count == 0) { // RFC 7011 8.1: withdrawal of one template, or of all when id == set id
                if (templateId == setId) {
                    st.withdrawAll(domain, options);
                } else {
                    st.withdrawTemplate(domain, templateId);
                }
                p += 4;
                continue;
            }
            if (templateId < 256) {
                if (!ipfix && templateId == 0 && count == 0) {
                    return; // v9 padding
                }
                error("template id below 256", templateId);
                return;
            }
            if (end - p < fixed) {
                error("options template header cut short", end - p);
                return;
            }
            int fields;
            if (!options) {
                fields = count;
            } else if (ipfix) {
                fields = count;
                if (u16(b, p + 4) == 0 || u16(b, p + 4) > count) {
                    error("options template scope field count 0 or above the field count", u16(b, p + 4));
                    return;
                }
            } else { // v9: scope and option lengths in bytes, 4 per field
                int scopeBytes = count, optionBytes = u16(b, p + 4);
                if (scopeBytes % 4 != 0 || optionBytes % 4 != 0) {
                    error("options template lengths not multiples of 4", scopeBytes);
                    return;
                }
                fields = (scopeBytes + optionBytes) / 4;
            }
            // v9 scope fields carry scope types (1 system, 2 interface...), not element ids: never read
            int v9Scopes = options && !ipfix ? count / 4 : 0;
            p += fixed;
            int kept = 0;
            for (int i = 0; i < fields; i++) {
                if (end - p < 4) {
                    error("template fields run past their set", i);
                    return;
                }
                int id = u16(b, p), length = u16(b, p + 2);
                int enterprise = 0;
                p += 4;
                if (ipfix && (id & 0x8000) != 0) {
                    if (end - p < 4) {
                        error("enterprise number runs past its set", i);
                        return;
                    }
                    enterprise = (int) u32(b, p);
                    p += 4;
                }
                if (!ipfix && length == Template.VARIABLE) {
                    error("variable-length field in a NetFlow v9 template", id);
                    return;
                }
                if (kept < MAX_FIELDS) {
                    ids[kept] = i < v9Scopes ? id | 0x8000 : id; // the enterprise bit makes it skipped
                    enterprises[kept] = enterprise;
                    lengths[kept] = length;
                    kept++;
                }
            }
            templateRecords++;
            st.exporter.add(FlowExporter.stat(protocol, options ? FlowStat.OPTIONS_TEMPLATES : FlowStat.DATA_TEMPLATES), 1);
            if (fields > MAX_FIELDS) {
                st.exporter.add(FlowExporter.TEMPLATES_REFUSED, 1);
                continue;
            }
            keep(templateId, options, kept);
        }
    }

    private void keep(int templateId, boolean options, int n) {
        Template old = st.template(protocol == FlowProtocol.IPFIX, domain, templateId);
        if (old != null && old.sameAs(options, ids, enterprises, lengths, n)) {
            st.exporter.add(FlowExporter.stat(protocol, FlowStat.TEMPLATE_SAME), 1);
            return; // the periodic refresh: nothing changes, nothing allocated
        }
        Template t = Template.of(options, ids, enterprises, lengths, n);
        if (t == null) {
            st.exporter.add(FlowExporter.TEMPLATES_REFUSED, 1);
            error("template with empty or oversized records", templateId);
            return;
        }
        boolean kept = st.putTemplate(protocol == FlowProtocol.IPFIX, domain, templateId, t);
        if (kept && old != null) {
            st.exporter.add(FlowExporter.stat(protocol, FlowStat.TEMPLATE_CHANGES), 1);
        }
        if (kept && !pending.isEmpty() && arrivedCount < arrived.length) {
            arrived[arrivedCount++] = templateId;
        }
    }

    /**
     * Decodes the sets held for a template that arrived in this datagram, with their own datagram's header
     * values, once the whole datagram is read (so options data that came after the template, sampling
     * rates for instance, applies to them as to the datagram's own records).
     */
    private void releasePending(int templateId, Template t) {
        long saveUptime = sysUptime, saveExport = exportNanos, saveArrival = arrival;
        pending.release(st, protocol, domain, templateId, arrival, h -> {
            records.begin(st, stream, protocol, h.sysUptime, h.exportNanos, h.arrivalNanos);
            data(h.set, 0, h.set.limit(), t);
        });
        records.begin(st, stream, protocol, saveUptime, saveExport, saveArrival);
    }

    private void error(String what, long detail) {
        out.error(st, protocol, what, detail);
    }
}
