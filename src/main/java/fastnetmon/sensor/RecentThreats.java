package fastnetmon.sensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sensors' threats go: each is logged (WARN, one line with its JSON), kept among the last
 * {@link #KEEP} for the API, counted by type, and handed to every sink (the AMQP publisher), which must
 * not block.
 *
 * <p>Threading: {@link #accept} on the sensor thread; {@link #recent} and {@link #countsByType} on any thread.
 */
public final class RecentThreats implements Consumer<ThreatEvent> {
    private static final Logger log = LoggerFactory.getLogger(RecentThreats.class);
    /** Threats the API shows. */
    public static final int KEEP = 100;

    private final List<Consumer<ThreatEvent>> sinks;
    private final ArrayDeque<ThreatEvent> recent = new ArrayDeque<>(); // guarded by this
    private final Map<String, Long> byType = new TreeMap<>(); // guarded by this

    public RecentThreats(List<Consumer<ThreatEvent>> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void accept(ThreatEvent e) {
        log.warn("threat {} from {} seen by {}: {}", e.type(), e.offender(), e.observer(), e.toJsonText());
        synchronized (this) {
            if (recent.size() == KEEP) {
                recent.removeFirst();
            }
            recent.addLast(e);
            byType.merge(e.type(), 1L, Long::sum);
        }
        for (Consumer<ThreatEvent> sink : sinks) {
            sink.accept(e);
        }
    }

    /** The last threats, newest first. */
    public synchronized List<ThreatEvent> recent() {
        List<ThreatEvent> out = new ArrayList<>(recent);
        java.util.Collections.reverse(out);
        return out;
    }

    /** Threats reported so far, by type. */
    public synchronized Map<String, Long> countsByType() {
        return new TreeMap<>(byType);
    }
}
