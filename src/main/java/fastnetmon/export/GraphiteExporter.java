package fastnetmon.export;

import fastnetmon.detection.TrafficView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Pushes the traffic figures to Graphite ({@code graphite}): every period one write on a persistent TCP
 * connection to carbon ({@link CarbonConnection}) of the newest view's lines ({@link GraphiteLines}) after
 * those of the pushes not delivered yet (up to {@link #UNSENT_PUSHES} of them, {@link UnsentBatches}).
 * Carbon's plaintext protocol has no replies: a push counts as delivered once the kernel took all of it.
 *
 * <p>Threading: as {@link Exporter}: {@link #export} and {@link #close} on the exporter's thread, one at a
 * time; {@link #dropped} on any.
 */
public final class GraphiteExporter implements Exporter {
    public static final String NAME = "graphite";
    /** Pushes kept while carbon is away: half a minute at the default period of a second. */
    static final int UNSENT_PUSHES = 30;

    private final GraphiteSettings settings;
    private final CarbonConnection connection;
    private final UnsentBatches unsent;

    public GraphiteExporter(GraphiteSettings settings) {
        this(settings, UNSENT_PUSHES);
    }

    GraphiteExporter(GraphiteSettings settings, int unsentPushes) {
        this.settings = settings;
        this.connection = new CarbonConnection(settings);
        this.unsent = new UnsentBatches(unsentPushes);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration period() {
        return settings.pushPeriod();
    }

    @Override
    public void export(TrafficView view) throws IOException {
        unsent.addView(view, second -> GraphiteLines.of(view, second, settings.prefix()));
        if (unsent.isEmpty()) {
            return;
        }
        connection.send(ByteBuffer.wrap(unsent.joined().getBytes(StandardCharsets.UTF_8)));
        unsent.clear();
    }

    @Override
    public long dropped() {
        return unsent.droppedPoints();
    }

    @Override
    public void close() {
        connection.close();
    }
}
