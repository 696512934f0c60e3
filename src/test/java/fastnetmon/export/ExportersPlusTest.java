package fastnetmon.export;

import fastnetmon.detection.TrafficView;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Exporters#plus}: more exporters after the configured ones, each run and counted like them. */
class ExportersPlusTest {
    private static Exporter named(String name, CountDownLatch pushed) {
        return new Exporter() {
            @Override public String name() { return name; }
            @Override public Duration period() { return Duration.ofMillis(10); }
            @Override public void export(TrafficView view) { pushed.countDown(); }
        };
    }

    @Test
    void addsAfterTheConfiguredOnesAndRunsThem() throws Exception {
        CountDownLatch first = new CountDownLatch(3), second = new CountDownLatch(3);
        Exporters all = Exporters.of(List.of(named("configured", first)), () -> null)
                .plus(List.of(named("more", second)), () -> null);
        try {
            assertEquals(List.of("configured", "more"), all.stats().stream().map(ExportStats::name).toList());
            all.start();
            assertTrue(first.await(10, TimeUnit.SECONDS) && second.await(10, TimeUnit.SECONDS), "both push");
            assertTrue(all.stats().get(1).pushes() >= 3);
        } finally {
            all.close();
        }
    }

    @Test
    void nothingMoreIsTheSameExporters() {
        Exporters none = Exporters.of(List.of(), () -> null);
        assertSame(none, none.plus(List.of(), () -> null));
    }
}
