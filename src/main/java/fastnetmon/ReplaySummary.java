package fastnetmon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import fastnetmon.api.FingerprintJson;
import fastnetmon.source.FileReplay;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** The one-line JSON object a replay prints last on standard output. */
final class ReplaySummary {
    private ReplaySummary() {
    }

    static String json(FileReplay.Result r, long unparsed, long[] totals, double wallSeconds, List<Attack> bans) {
        return json(r, unparsed, totals, wallSeconds, bans, g -> { });
    }

    /** Fields a kind of replay adds after the usual ones (the export replay: flow records, exporters). */
    interface Extra {
        void write(JsonGenerator g) throws IOException;
    }

    static String json(FileReplay.Result r, long unparsed, long[] totals, double wallSeconds, List<Attack> bans, Extra extra) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new ObjectMapper().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("packets", r.packets());
            g.writeNumberField("bytes", r.bytes());
            g.writeNumberField("unparsed", unparsed);
            for (Direction d : Direction.values()) {
                long packets = totals[CounterShard.totalIndex(d, 4, 0)] + totals[CounterShard.totalIndex(d, 6, 0)];
                g.writeNumberField(d.text() + "_packets", packets);
            }
            g.writeNumberField("seconds", round(r.seconds(), 6));
            g.writeNumberField("wall_seconds", round(wallSeconds, 3));
            g.writeArrayFieldStart("bans");
            for (Attack a : bans) {
                Direction d = a.direction;
                g.writeStartObject();
                g.writeStringField("ip", a.ip);
                g.writeStringField("direction", a.direction.text());
                g.writeNumberField("pps", a.initialPps());
                g.writeNumberField("mbps", round(a.initial.mbps(d, TrafficClass.TOTAL), 2));
                g.writeNumberField("flows", Math.round(a.initial.flowsPerSecond(d, TrafficClass.TOTAL)));
                g.writeStringField("attack_type", a.attackType);
                g.writeStringField("protocol", a.protocol);
                g.writeStringField("attack_vector", a.attackVector());
                g.writeFieldName("fingerprint");
                g.writeTree(FingerprintJson.of(a.fingerprint()));
                g.writeStringField("reason", a.reason);
                g.writeEndObject();
            }
            g.writeEndArray();
            extra.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
