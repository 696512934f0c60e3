package fastnetmon.counters;

import fastnetmon.config.TrafficClass;
import fastnetmon.networks.IpAddresses;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static fastnetmon.counters.TestPackets.addr;
import static fastnetmon.counters.TestPackets.networks;
import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A CounterShard read through HostCounters, as the evaluator reads it: differences, hosts coming and going, samples. */
class HostCountersTest {
    private static final int IDLE = 5;
    private static final int IN_PACKETS = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 0);
    private static final int IN_BYTES = CounterShard.counter(Direction.INCOMING, TrafficClass.TOTAL, 1);
    private static final int OUT_PACKETS = CounterShard.counter(Direction.OUTGOING, TrafficClass.TOTAL, 0);

    private long second = 1_700_000_000L;
    private final CounterShard shard = TestShards.shard("test", networks("10.0.0.0/8", "2001:db8::/32"), 12,
            CounterShard.MAX_HOSTS, IDLE);
    private final HostCounters counters = shard;

    {
        shard.onSecond(second);
    }

    /** What one read reported: "added IP", "counted IP in=P/B out=P", "removed IP", in order. */
    private final class Recorder implements HostCounters.Changes {
        final List<String> seen = new ArrayList<>();

        @Override
        public int added(long hi, long lo) {
            String ip = IpAddresses.format(hi, lo);
            seen.add("added " + ip);
            ips.add(ip); // the reader's id: an index into ips, never reused here
            return ips.size() - 1;
        }

        @Override
        public void counted(int id, long[] counts) {
            seen.add("counted " + ips.get(id) + " in=" + counts[IN_PACKETS] + "/" + counts[IN_BYTES]
                    + " out=" + counts[OUT_PACKETS]);
        }

        @Override
        public void removed(int id) {
            seen.add("removed " + ips.get(id));
        }
    }

    /** The hosts by the id the reader gave them. */
    private final List<String> ips = new ArrayList<>();

    private List<String> read() {
        shard.publish();
        Recorder r = new Recorder();
        counters.read(second, r);
        return r.seen;
    }

    private void send(int n, PacketRecord r) {
        for (int i = 0; i < n; i++) {
            shard.count(r);
        }
    }

    /** The writer moves on by {@code n} seconds (idle hosts give their slots back as it does). */
    private void seconds(int n) {
        for (int i = 0; i < n; i++) {
            shard.onSecond(++second);
        }
    }

    @Test
    void eachReadReportsTheHostsCountedSinceThePreviousOneWithWhatTheyCounted() {
        send(3, udp("1.2.3.4", 1, "10.0.0.1", 2));
        send(2, udp("10.0.0.2", 1, "1.2.3.4", 2));
        assertEquals(List.of("added 10.0.0.1", "counted 10.0.0.1 in=3/300 out=0",
                "added 10.0.0.2", "counted 10.0.0.2 in=0/0 out=2"), read());

        send(4, udp("1.2.3.4", 1, "10.0.0.1", 2));
        assertEquals(List.of("counted 10.0.0.1 in=4/400 out=0"), read(), "only the difference, only that host");
        assertEquals(List.of(), read(), "nothing counted since");

        seconds(1);
        send(1, udp("10.0.0.2", 1, "10.0.0.1", 2)); // internal: outgoing for one, incoming for the other
        assertEquals(List.of("counted 10.0.0.1 in=1/100 out=0", "counted 10.0.0.2 in=0/0 out=1"), read());
    }

    @Test
    void aHostGivingItsSlotBackIsRemovedAndTheNextHostInThatSlotIsAddedWithOnlyItsOwnCounts() {
        send(7, udp("1.2.3.4", 1, "10.0.0.1", 2));
        assertEquals(List.of("added 10.0.0.1", "counted 10.0.0.1 in=7/700 out=0"), read());
        seconds(IDLE + 1); // idle past IDLE: the slot is given back (odd generation) before anyone takes it
        assertEquals(1, shard.evictedHosts());
        assertEquals(List.of("removed 10.0.0.1"), read());

        send(2, udp("1.2.3.4", 1, "10.0.0.9", 2)); // takes the free slot
        assertEquals(0, shard.slotOf(addr("10.0.0.9")[0], addr("10.0.0.9")[1]));
        assertEquals(List.of("added 10.0.0.9", "counted 10.0.0.9 in=2/200 out=0"), read());
    }

    @Test
    void aSlotChangingHandsBetweenTwoReadsIsSeenByItsGeneration() {
        send(7, udp("1.2.3.4", 1, "10.0.0.1", 2));
        read();
        seconds(IDLE + 1);
        send(3, udp("1.2.3.4", 1, "10.0.0.9", 2)); // evicted and retaken before the reader looked again
        assertEquals(0, shard.slotOf(addr("10.0.0.9")[0], addr("10.0.0.9")[1]), "the same slot");
        assertEquals(List.of("removed 10.0.0.1", "added 10.0.0.9", "counted 10.0.0.9 in=3/300 out=0"), read());

        send(1, udp("1.2.3.4", 1, "10.0.0.1", 2)); // the first host is back, in a new slot
        assertEquals(List.of("added 10.0.0.1", "counted 10.0.0.1 in=1/100 out=0"), read());
    }

    private List<String> samples() {
        List<String> out = new ArrayList<>();
        counters.drainSamples((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, pk, len, dir) ->
                out.add(IpAddresses.format(sHi, sLo) + ">" + IpAddresses.format(dHi, dLo) + " " + dir.text()));
        return out;
    }

    @Test
    void sampleRequestsReachAHostNowAndAfterItComesBack() {
        send(1, udp("1.2.3.4", 1, "10.0.0.1", 2));
        read();
        long[] a = addr("10.0.0.1");
        counters.requestSamples(a[0], a[1], Direction.INCOMING);
        send(1, udp("1.2.3.4", 1, "10.0.0.1", 2));
        send(1, udp("10.0.0.1", 1, "1.2.3.4", 2)); // the other direction: not sampled
        send(1, udp("1.2.3.4", 1, "10.0.0.3", 2)); // another host: not sampled
        assertEquals(List.of("1.2.3.4>10.0.0.1 incoming"), samples());

        // A host asked for before the counters hold it is sampled once they take it up (at the next read).
        long[] b = addr("2001:db8::7");
        counters.requestSamples(b[0], b[1], Direction.OUTGOING);
        send(1, udp("2001:db8::7", 1, "2001:db9::1", 2));
        read();
        send(1, udp("2001:db8::7", 1, "2001:db9::1", 2));
        assertEquals(List.of("2001:db8::7>2001:db9::1 outgoing"), samples());

        counters.requestSamples(a[0], a[1], null);
        send(1, udp("1.2.3.4", 1, "10.0.0.1", 2));
        assertEquals(List.of(), samples(), "stopped");
    }

    @Test
    void aSampledHostThatLeavesAndComesBackIsSampledAgain() {
        send(1, udp("1.2.3.4", 1, "10.0.0.1", 2));
        read();
        long[] a = addr("10.0.0.1");
        counters.requestSamples(a[0], a[1], Direction.INCOMING);
        counters.requestSamples(a[0], a[1], null); // stopped: the host may leave
        seconds(IDLE + 1);
        read();
        counters.requestSamples(a[0], a[1], Direction.INCOMING); // asked while the counters do not hold it
        send(1, udp("1.2.3.4", 1, "10.0.0.1", 2));
        assertEquals(List.of(), samples(), "not before the counters took it up and a read saw it");
        read();
        send(1, udp("1.2.3.4", 9, "10.0.0.1", 2));
        assertEquals(List.of("1.2.3.4>10.0.0.1 incoming"), samples());
    }

    @Test
    void totalsAndUntrackedPacketsAreCumulative() {
        CounterShard small = TestShards.shard("small", networks("10.0.0.0/8"), 12, 1);
        small.count(udp("1.2.3.4", 1, "10.0.0.1", 2));
        small.count(udp("1.2.3.4", 1, "10.0.0.2", 2)); // no room: totals only
        HostCounters c = small;
        long[] t = new long[CounterShard.TOTALS];
        c.readTotals(t);
        assertEquals(2, t[CounterShard.totalIndex(Direction.INCOMING, 4, 0)]);
        assertEquals(1, c.untrackedPackets());
    }

    @Test
    void readsWhileTheWriterCountsAddUpToExactlyWhatWasCounted() throws Exception {
        int hosts = 512, rounds = 400, batch = 64; // every host counted 50 times
        Map<String, Long> read = new HashMap<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                PacketRecord[] records = new PacketRecord[batch];
                for (int round = 0; round < rounds; round++) {
                    for (int j = 0; j < batch; j++) {
                        int h = (round * batch + j) % hosts;
                        records[j] = udp("1.2.3.4", 1, "10." + (h >> 8) + "." + (h & 0xff) + ".1", 2);
                    }
                    shard.countBatch(records, batch);
                    shard.publish();
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        HostCounters.Changes sum = new HostCounters.Changes() {
            @Override
            public int added(long hi, long lo) {
                String ip = IpAddresses.format(hi, lo);
                assertNull(read.put(ip, 0L), "added twice");
                ips.add(ip);
                return ips.size() - 1;
            }

            @Override
            public void counted(int id, long[] counts) {
                read.merge(ips.get(id), counts[IN_PACKETS], Long::sum);
            }

            @Override
            public void removed(int id) {
                throw new AssertionError("nothing is idle here");
            }
        };
        writer.start();
        while (writer.isAlive()) {
            counters.read(second, sum);
        }
        writer.join();
        assertNull(failed.get());
        counters.read(second, sum);
        assertEquals(hosts, read.size());
        long expected = (long) rounds * batch / hosts;
        for (Map.Entry<String, Long> e : read.entrySet()) {
            assertEquals(expected, e.getValue(), e.getKey());
        }
    }
}
