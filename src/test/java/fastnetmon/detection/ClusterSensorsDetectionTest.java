package fastnetmon.detection;

import fastnetmon.cluster.CounterBatch;
import fastnetmon.cluster.WantedSamples;
import fastnetmon.cluster.SensorCounters;
import fastnetmon.cluster.SensorBatches;
import fastnetmon.counters.Direction;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.TestPackets;
import fastnetmon.detection.Harness.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real evaluator over four cluster sensors' counters (the aggregator): a host that each sensor sees at
 * a quarter of the threshold is banned with the summed rate, and the samples the sensors send for it make
 * its attack details. The batches go straight into the counters (the feed's hand-off; Redis is
 * ClusterFeedTest's).
 */
class ClusterSensorsDetectionTest {
    private static final long NANOS = 1_000_000_000L;

    @Test
    void aHostAtAQuarterOfTheThresholdOnEachOfFourSensorsIsBannedWithTheSummedRate() {
        Harness h = new Harness(new Settings().build(), List.of()); // 20,000 pps
        WantedSamples requests = new WantedSamples();
        List<SensorCounters> sensors = new ArrayList<>();
        for (int s = 1; s <= 4; s++) {
            SensorCounters c = new SensorCounters("s" + s, false, 1000, requests, MonitoredNetworks.NONE,
                    Duration.ofSeconds(5), () -> h.second * NANOS);
            sensors.add(c);
            h.evaluator.addCounters(c);
        }
        for (int s = 0; s < 4; s++) {
            CounterBatch b = SensorBatches.batch("s" + (s + 1), 0, 1, h.second * NANOS + NANOS / 2);
            SensorBatches.host(b, "10.0.0.1", 5001, 5001 * 100);
            if (s < 3) {
                SensorBatches.host(b, "10.0.0.2", 5001, 5001 * 100); // three quarters only
            }
            sensors.get(s).offer(SensorBatches.bytes(b), b.endNanos);
        }
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events);
        assertEquals(20_004, h.ban("10.0.0.1").initialPps());
        assertEquals(Map.of("10.0.0.1", 1 << Direction.INCOMING.hostIndex()), requests.wanted(), "its samples wanted");
        long[] src = TestPackets.addr("198.51.100.7"), dst = TestPackets.addr("10.0.0.1");
        for (int s = 0; s < 4; s++) {
            CounterBatch b = SensorBatches.batch("s" + (s + 1), 0, 2, h.second * NANOS + NANOS / 2);
            for (int i = 0; i < 2; i++) {
                b.addSample(h.second * NANOS + i, src[0], src[1], dst[0], dst[1], 1000 + s, 53, 17, 0, 64, false, 1, 100,
                        Direction.INCOMING, 100, 0);
            }
            sensors.get(s).offer(SensorBatches.bytes(b), b.endNanos);
        }
        h.tick();
        assertEquals(List.of("ban 10.0.0.1", "details 10.0.0.1 5"), h.events);
    }
}
