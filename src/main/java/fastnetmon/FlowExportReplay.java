package fastnetmon;

import com.fasterxml.jackson.core.JsonGenerator;
import fastnetmon.config.Configuration;
import fastnetmon.counters.CounterShard;
import fastnetmon.detection.Evaluator;
import fastnetmon.source.FileReplay;
import fastnetmon.source.SourceException;
import fastnetmon.source.flow.ExportReplay;
import fastnetmon.source.flow.FlowExporter;
import fastnetmon.source.flow.FlowProtocol;
import fastnetmon.source.flow.FlowSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code --flow_exports_file}: the export replay run as a replay of the command line, with the usual
 * summary plus {@code flow_records}, the lag the exports needed and a per-exporter breakdown.
 */
final class FlowExportReplay {
    private FlowExportReplay() {
    }

    record Replayed(FileReplay.Result result, ReplaySummary.Extra extra) {
    }

    static Replayed run(Path file, Configuration config, CounterShard shard, Evaluator evaluator) throws IOException {
        FlowSettings s;
        try {
            s = FlowSettings.forReplay(config);
        } catch (SourceException e) {
            throw new IOException(e.getMessage());
        }
        ExportReplay.Result r = ExportReplay.run(file, s, shard, evaluator::tick);
        FileReplay.Result usual = new FileReplay.Result(r.frames(), r.bytes(), r.firstNanos(), r.lastNanos(), r.truncatedAtEnd());
        return new Replayed(usual, g -> extra(g, r));
    }

    private static void extra(JsonGenerator g, ExportReplay.Result r) throws IOException {
        g.writeNumberField("flow_datagrams", r.datagrams());
        g.writeNumberField("flow_records", r.records());
        g.writeNumberField("flow_lag_seconds", r.lagSeconds());
        g.writeNumberField("flow_records_moved_forward", r.movedForward());
        g.writeArrayFieldStart("exporters");
        for (FlowExporter e : r.exporters()) {
            g.writeStartObject();
            g.writeStringField("address", e.address());
            g.writeNumberField("datagrams", e.datagrams());
            g.writeNumberField("records", e.records());
            g.writeObjectFieldStart("records_by_protocol");
            for (FlowProtocol p : FlowProtocol.values()) {
                if (e.records(p) != 0 || e.datagrams(p) != 0) {
                    g.writeNumberField(p.name().toLowerCase(Locale.ROOT), e.records(p));
                }
            }
            g.writeEndObject();
            g.writeNumberField("packets", e.packets());
            g.writeNumberField("bytes", e.bytes());
            g.writeNumberField("template_misses", e.templateMisses());
            g.writeNumberField("decode_errors", e.decodeErrors());
            g.writeNumberField("sequence_gaps", e.sequenceGaps());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
