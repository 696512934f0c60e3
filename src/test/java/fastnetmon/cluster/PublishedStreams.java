package fastnetmon.cluster;

import fastnetmon.counters.CounterShard;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a sensor published, read back from its partitions' streams as an aggregator would: every batch
 * decoded (each checked to be in its own partition's stream, each host in its partition, no sequence
 * twice), and the sums of the hosts' deltas and of the totals. Test helper; one thread.
 */
final class PublishedStreams {
    private static final int C = CounterShard.COUNTERS;

    private final ClusterSettings settings;
    private final RedisCommands<byte[], byte[]> redis;
    private final String[] lastIds;
    final List<CounterBatch> batches = new ArrayList<>();
    private final Set<String> sequences = new HashSet<>();
    /** Sums per host ("hi/lo"), of the batches of counts packet by packet, and of whole seconds. */
    final Map<String, long[]> hosts = new HashMap<>(), wholeSecondHosts = new HashMap<>();
    final long[] totals = new long[CounterShard.TOTALS];
    long untracked;
    long[] networks = new long[0];

    PublishedStreams(ClusterSettings settings, RedisCommands<byte[], byte[]> redis) {
        this.settings = settings;
        this.redis = redis;
        this.lastIds = new String[settings.partitions()];
    }

    /** The streams are new (Redis came back empty): read them from their start. */
    void restarted() {
        Arrays.fill(lastIds, null);
    }

    /** Reads and decodes what was added since the previous poll; returns how many batches. */
    int poll() throws CounterBatch.Malformed {
        int n = 0;
        for (int p = 0; p < lastIds.length; p++) {
            byte[] key = settings.streamKey(p).getBytes(StandardCharsets.UTF_8);
            Range<String> range = lastIds[p] == null ? Range.create("-", "+")
                    : Range.from(Range.Boundary.excluding(lastIds[p]), Range.Boundary.unbounded());
            for (StreamMessage<byte[], byte[]> m : redis.xrange(key, range)) {
                lastIds[p] = m.getId();
                byte[] data = null;
                for (Map.Entry<byte[], byte[]> e : m.getBody().entrySet()) {
                    if (new String(e.getKey(), StandardCharsets.UTF_8).equals("b")) {
                        data = e.getValue();
                    }
                }
                CounterBatch b = new CounterBatch();
                b.decode(data);
                take(p, b);
                n++;
            }
        }
        return n;
    }

    private void take(int p, CounterBatch b) {
        assertEquals(p, b.partition, "a batch in its partition's stream");
        assertEquals(settings.sensorName(), b.sensor);
        assertTrue(sequences.add(p + "/" + b.wholeSeconds + "/" + b.sequence), "sequence " + b.sequence + " published once");
        batches.add(b);
        for (int h = 0; h < b.hosts; h++) {
            assertEquals(p, ClusterSettings.partition(b.hostHi[h], b.hostLo[h], settings.partitions()), "a host in its partition");
            long[] sum = (b.wholeSeconds ? wholeSecondHosts : hosts).computeIfAbsent(b.hostHi[h] + "/" + b.hostLo[h], k -> new long[C]);
            for (int i = 0; i < C; i++) {
                sum[i] += b.counts[h * C + i];
            }
        }
        if (b.hasTotals) {
            assertEquals(0, p, "totals in partition 0");
            for (int i = 0; i < totals.length; i++) {
                totals[i] += b.totals[i];
            }
            untracked += b.untrackedPackets;
            if (networks.length < 4 * b.networks) {
                networks = Arrays.copyOf(networks, 4 * b.networks);
            }
            for (int i = 0; i < 4 * b.networks; i++) {
                networks[i] += b.networkTotals[i];
            }
        }
    }

    /** The summed deltas of a host (zeros when none was published). */
    long[] host(long[] address, boolean wholeSeconds) {
        return (wholeSeconds ? wholeSecondHosts : hosts).getOrDefault(address[0] + "/" + address[1], new long[C]);
    }

    /** Batches of partition 0 counted packet by packet carrying the totals (the heartbeats). */
    long heartbeats() {
        return batches.stream().filter(b -> b.hasTotals && !b.wholeSeconds).count();
    }
}
