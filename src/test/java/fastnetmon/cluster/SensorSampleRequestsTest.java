package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.TestPackets;
import fastnetmon.counters.TestShards;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SensorSampleRequestsTest {

    private static Map<byte[], byte[]> hash(String... fieldsAndValues) {
        Map<byte[], byte[]> m = new HashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            m.put(fieldsAndValues[i].getBytes(StandardCharsets.UTF_8), fieldsAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    /** Counts a packet to and one from the host, reads the shard (which takes the host up) and returns the samples' directions. */
    private static List<Direction> sampled(CounterShard s, String host) {
        s.onSecond(1_767_225_600L);
        s.count(TestPackets.udp("198.51.100.1", 1000, host, 53));
        s.count(TestPackets.udp(host, 53, "198.51.100.1", 1000));
        s.publish();
        s.read(1_767_225_600L, TestShards.NO_CHANGES);
        List<Direction> d = new ArrayList<>();
        s.drainSamples((t, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, packets, length, direction) -> d.add(direction));
        return d;
    }

    @Test
    void requestsFollowTheHashAndReachShardsAddedLater() {
        CounterShard first = TestShards.shard("a", TestPackets.networks("10.0.0.0/8"), 10);
        List<CounterShard> shards = new ArrayList<>(List.of(first));
        sampled(first, "10.0.0.1"); // the shard holds the host before the request
        SensorSampleRequests requests = new SensorSampleRequests();
        requests.update(hash("10.0.0.1", "1", "not an address", "3", "10.0.0.2", "x"), shards);
        assertEquals(1, requests.size(), "only addresses with flags");
        assertEquals(List.of(Direction.INCOMING), sampled(first, "10.0.0.1"));

        requests.update(null, shards); // Redis did not answer: nothing changes
        assertEquals(List.of(Direction.INCOMING), sampled(first, "10.0.0.1"));

        requests.update(hash("10.0.0.1", "3"), shards);
        assertEquals(List.of(Direction.INCOMING, Direction.OUTGOING), sampled(first, "10.0.0.1"));

        CounterShard late = TestShards.shard("b", TestPackets.networks("10.0.0.0/8"), 10);
        shards.add(late);
        requests.tellNew(shards);
        sampled(late, "10.0.0.1"); // flags are set on the host's slot when the reader takes it up
        assertEquals(List.of(Direction.INCOMING, Direction.OUTGOING), sampled(late, "10.0.0.1"), "a shard added later");

        requests.update(hash("10.0.0.1", "2"), shards);
        assertEquals(List.of(Direction.OUTGOING), sampled(first, "10.0.0.1"));
        requests.update(hash(), shards);
        assertEquals(List.of(), sampled(first, "10.0.0.1"), "unlisted");
        assertEquals(List.of(), sampled(late, "10.0.0.1"), "unlisted");
    }
}
