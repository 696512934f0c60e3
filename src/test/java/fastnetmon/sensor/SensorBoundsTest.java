package fastnetmon.sensor;

import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.sensor.Traffic.SECOND;
import static fastnetmon.sensor.Traffic.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Memory stays bounded: the key table under a random-source flood, the destinations of one scanner. */
class SensorBoundsTest {
    private static SensorSettings portscan(int maxTracked) {
        SensorSettings s = Traffic.portscan();
        return new SensorSettings(s.portscan(), s.spam(), s.winscan(), 600, maxTracked, false);
    }

    @Test
    void aMillionRandomSourcesKeepTheTableAtItsBoundAndAreCounted() {
        Traffic t = new Traffic(portscan(1000));
        t.scanPorts("10.200.0.1", "192.0.2.10", 1, 50, T0, 1_000_000L, 0); // a scanner known before the flood
        PacketRecord r = Traffic.syn("10.0.0.1", "192.0.2.10", 80, T0 + SECOND);
        int flood = 1_000_000;
        for (int i = 0; i < flood; i++) { // a million distinct sources scattered over 10.0.0.0/8 (an odd multiplier permutes)
            r.setIpv4(0x0a00_0000 | ((i * 0x9E3779B1) & 0xff_ffff), r.dst4);
            r.timestampNanos = T0 + SECOND + i * 10_000L;             // 10 s of flood
            t.feed(r, 0);
        }
        SensorStats s = t.sensors.stats();
        assertEquals(1000, s.tracked());
        assertEquals(flood + 50, s.records());
        assertEquals(flood + 50, s.matched());
        assertEquals(flood - 999, s.untracked(), "the scanner holds one place, 999 flood sources the others");

        t.scanPorts("10.200.0.1", "192.0.2.10", 51, 60, T0 + 11 * SECOND, 1_000_000L, 0);
        assertEquals(List.of("10.200.0.1"), t.events.stream().map(ThreatEvent::offender).toList(),
                "the scanner tracked before the flood is still watched during it");

        // a minute and more later the flood's sources have expired; the reported scanner stays (its cool-down)
        t.feed(Traffic.syn("10.0.0.2", "192.0.2.10", 80, T0 + 90 * SECOND), 0);
        assertEquals(2, t.sensors.stats().tracked());
        assertEquals(s.untracked(), t.sensors.stats().untracked(), "room again: the new source is tracked");
    }

    @Test
    void idleSourcesExpire() {
        Traffic t = new Traffic(portscan(16384));
        for (int i = 0; i < 500; i++) {
            t.feed(Traffic.syn("10.0.1." + (i % 250), "192.0.2.10", 1000 + i, T0 + i * 1_000_000L), 0);
        }
        assertEquals(250, t.sensors.stats().tracked());
        t.feed(Traffic.syn("10.0.2.1", "192.0.2.10", 80, T0 + 61 * SECOND), 0);
        t.feed(Traffic.syn("10.0.2.1", "192.0.2.10", 80, T0 + 77 * SECOND), 0);
        assertEquals(1, t.sensors.stats().tracked());
    }

    @Test
    void aScannerOfTheWholeInternetKeepsABoundedSetOfDestinationsAndCountsBeyond() {
        Traffic t = new Traffic(Traffic.only("winscan", 60, 1000, Traffic.ports("445"), List.of()));
        for (int h = 0; h < 1001; h++) {
            t.feed(Traffic.syn("10.7.0.9", "198.18." + (h / 256) + "." + (h % 256), 445, T0 + h * 10_000_000L), 0);
        }
        assertEquals(1, t.events.size(), "1001 hosts are more than 1000, though only " + DistinctSet.MAX + " are kept");
        assertEquals(1001L, t.events.get(0).counts().get("destinations"));
        assertEquals(20, t.events.get(0).attackedHosts().size());
    }

    @Test
    void distinctSetHoldsAtMostItsBoundAndForgetsWhatLeftTheWindow() {
        DistinctSet d = new DistinctSet();
        for (int i = 0; i < DistinctSet.MAX; i++) {
            assertTrue(d.add(0, i, i));
        }
        assertTrue(d.add(0, 5, 1000), "a known one is always counted");
        assertEquals(false, d.add(0, 9999, 1000));
        assertEquals(DistinctSet.MAX, d.size());
        d.purge(200);
        assertEquals(DistinctSet.MAX - 200 + 1, d.size(), "200-255 and 5 were seen since");
        assertTrue(d.add(0, 9999, 1001));
        long[][] top = d.top(1);
        assertEquals(5, top[0][1]);
        assertEquals(2, top[0][2]);
    }
}
