package fastnetmon.cluster;

import fastnetmon.counters.TestPackets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the feed writes to the sample requests' hash: all of it first and after a failure, else the changes. */
class WantedSamplesTest {
    private static void set(WantedSamples r, String ip, int flags) {
        long[] a = TestPackets.addr(ip);
        r.set(a[0], a[1], flags);
    }

    @Test
    void theFirstFlushRewritesTheHashThenOnlyChangesGoUntilAFailure() {
        WantedSamples r = new WantedSamples();
        assertEquals(new WantedSamples.Writes(true, Map.of(), List.of()), r.flush(), "stale fields of an earlier aggregator go");
        set(r, "10.0.0.1", 1);
        set(r, "10.0.0.2", 3);
        assertEquals(new WantedSamples.Writes(false, Map.of("10.0.0.1", "1", "10.0.0.2", "3"), List.of()), r.flush());
        assertTrue(r.flush().none());
        set(r, "10.0.0.2", 3); // every sensor's counters say it again: nothing to write
        assertTrue(r.flush().none());
        set(r, "10.0.0.1", 0);
        set(r, "10.0.0.2", 2);
        assertEquals(new WantedSamples.Writes(false, Map.of("10.0.0.2", "2"), List.of("10.0.0.1")), r.flush());
        r.forgetWritten();
        assertEquals(new WantedSamples.Writes(true, Map.of("10.0.0.2", "2"), List.of()), r.flush());
    }

    @Test
    void atMostMaxHostsAreWanted() {
        WantedSamples r = new WantedSamples();
        for (int i = 0; i <= WantedSamples.MAX_HOSTS; i++) {
            r.set(0, fastnetmon.networks.IpAddresses.v4ToLo(0x0a000000 + i), 1);
        }
        assertEquals(WantedSamples.MAX_HOSTS, r.wanted().size());
        assertEquals(1, r.refused());
        set(r, "10.0.0.0", 2); // a host wanted already may change
        assertEquals(2, r.wanted().get("10.0.0.0"));
    }
}
