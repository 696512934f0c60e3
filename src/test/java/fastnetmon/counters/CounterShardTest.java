package fastnetmon.counters;

import fastnetmon.config.TrafficClass;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static fastnetmon.counters.TestPackets.addr;
import static fastnetmon.counters.TestPackets.icmp;
import static fastnetmon.counters.TestPackets.networks;
import static fastnetmon.counters.TestPackets.packet;
import static fastnetmon.counters.TestPackets.sized;
import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.tcp;
import static fastnetmon.counters.TestPackets.udp;
import static fastnetmon.counters.TestPackets.udpFragment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CounterShardTest {
    private static final int PACKETS = 0, BYTES = 1, FLOWS = 2;
    private static final Direction IN = Direction.INCOMING, OUT = Direction.OUTGOING;

    private final CounterShard shard = TestShards.shard("test", networks("10.0.0.0/8", "2001:db8::/32"), 12);

    {
        shard.onSecond(1_000);
    }

    private long[] counters(String host) {
        long[] a = addr(host);
        int slot = shard.slotOf(a[0], a[1]);
        assertTrue(slot >= 0, host + " has no slot");
        long[] c = new long[CounterShard.COUNTERS];
        shard.readCounters(slot, c, 0);
        return c;
    }

    private long get(String host, Direction dir, int cls, int metric) {
        return counters(host)[CounterShard.counter(dir, cls, metric)];
    }

    private int slot(String host) {
        long[] a = addr(host);
        return shard.slotOf(a[0], a[1]);
    }

    private long[] totals() {
        long[] t = new long[CounterShard.TOTALS];
        shard.readTotals(t);
        return t;
    }

    private static int total(Direction d, int v, int metric) {
        return CounterShard.totalIndex(d, v, metric);
    }

    @Test
    void totalsPerDirectionAndIpVersion() {
        shard.count(sized(udp("1.2.3.4", 1, "10.0.0.1", 2), 101));            // incoming v4
        shard.count(sized(udp("10.0.0.1", 1, "1.2.3.4", 2), 102));            // outgoing v4
        PacketRecord internal = sized(udp("10.0.0.1", 1, "10.0.0.2", 2), 103);
        internal.packets = 3;
        internal.bytes = 309;
        shard.count(internal);                                                 // internal v4, 3 packets
        shard.count(sized(udp("1.2.3.4", 1, "5.6.7.8", 2), 104));             // other v4
        shard.count(sized(udp("2001:db9::1", 1, "2001:db8::1", 2), 201));     // incoming v6
        shard.count(sized(udp("2001:db8::1", 1, "2001:db9::1", 2), 202));     // outgoing v6
        shard.count(sized(udp("2001:db8::1", 1, "2001:db8:1::1", 2), 203));   // internal v6
        shard.count(sized(udp("2001:db9::1", 1, "2001:dba::1", 2), 204));     // other v6

        long[] expected = new long[CounterShard.TOTALS];
        expected[total(Direction.INCOMING, 4, 0)] = 1;
        expected[total(Direction.INCOMING, 4, 1)] = 101;
        expected[total(Direction.OUTGOING, 4, 0)] = 1;
        expected[total(Direction.OUTGOING, 4, 1)] = 102;
        expected[total(Direction.INTERNAL, 4, 0)] = 3;
        expected[total(Direction.INTERNAL, 4, 1)] = 309;
        expected[total(Direction.OTHER, 4, 0)] = 1;
        expected[total(Direction.OTHER, 4, 1)] = 104;
        expected[total(Direction.INCOMING, 6, 0)] = 1;
        expected[total(Direction.INCOMING, 6, 1)] = 201;
        expected[total(Direction.OUTGOING, 6, 0)] = 1;
        expected[total(Direction.OUTGOING, 6, 1)] = 202;
        expected[total(Direction.INTERNAL, 6, 0)] = 1;
        expected[total(Direction.INTERNAL, 6, 1)] = 203;
        expected[total(Direction.OTHER, 6, 0)] = 1;
        expected[total(Direction.OTHER, 6, 1)] = 204;
        assertArrayEquals(expected, totals());
    }

    @Test
    void totalIndexCoversEverySlotOnce() {
        boolean[] seen = new boolean[CounterShard.TOTALS];
        for (Direction d : Direction.values()) {
            for (int v : new int[]{4, 6}) {
                for (int m = 0; m < 2; m++) {
                    int i = CounterShard.totalIndex(d, v, m);
                    assertTrue(!seen[i], "index " + i + " used twice");
                    seen[i] = true;
                }
            }
        }
    }

    @Test
    void hostsAreCreatedOnlyForMonitoredAddresses() {
        shard.count(udp("1.2.3.4", 1, "5.6.7.8", 2));
        shard.count(udp("2001:db9::1", 1, "2001:dba::1", 2));
        assertEquals(0, shard.acquireSlotCount());

        shard.count(udp("1.2.3.4", 1, "10.0.0.1", 2));
        shard.count(udp("2001:db8::5", 1, "2001:dba::1", 2));
        assertEquals(2, shard.acquireSlotCount());
        assertEquals(-1, slot("1.2.3.4"));
        assertEquals(-1, slot("2001:dba::1"));
        assertEquals(0, slot("10.0.0.1"));
        assertEquals(1, slot("2001:db8::5"));
        long[] v4 = addr("10.0.0.1");
        assertEquals(v4[0], shard.keyHi(0));
        assertEquals(v4[1], shard.keyLo(0));
        long[] v6 = addr("2001:db8::5");
        assertEquals(v6[0], shard.keyHi(1));
        assertEquals(v6[1], shard.keyLo(1));
    }

    @Test
    void incomingCountsForDestinationOutgoingForSource() {
        shard.count(udp("1.2.3.4", 1, "10.0.0.1", 2));
        shard.count(udp("10.0.0.2", 1, "1.2.3.4", 2));
        assertEquals(1, get("10.0.0.1", IN, TrafficClass.TOTAL, PACKETS));
        assertEquals(0, get("10.0.0.1", OUT, TrafficClass.TOTAL, PACKETS));
        assertEquals(0, get("10.0.0.2", IN, TrafficClass.TOTAL, PACKETS));
        assertEquals(1, get("10.0.0.2", OUT, TrafficClass.TOTAL, PACKETS));
    }

    @Test
    void internalTrafficCountsInForDestinationAndOutForSource() {
        shard.count(sized(tcp("10.0.0.1", 1000, "10.0.0.2", 80, PacketRecord.TCP_ACK), 300));
        shard.count(sized(tcp("2001:db8::1", 1000, "2001:db8::2", 80, PacketRecord.TCP_ACK), 400));
        for (String[] pair : new String[][]{{"10.0.0.1", "10.0.0.2", "300"}, {"2001:db8::1", "2001:db8::2", "400"}}) {
            long bytes = Long.parseLong(pair[2]);
            assertEquals(1, get(pair[0], OUT, TrafficClass.TOTAL, PACKETS));
            assertEquals(bytes, get(pair[0], OUT, TrafficClass.TCP, BYTES));
            assertEquals(1, get(pair[0], OUT, TrafficClass.TOTAL, FLOWS));
            assertEquals(0, get(pair[0], IN, TrafficClass.TOTAL, PACKETS));
            assertEquals(1, get(pair[1], IN, TrafficClass.TOTAL, PACKETS));
            assertEquals(bytes, get(pair[1], IN, TrafficClass.TCP, BYTES));
            assertEquals(1, get(pair[1], IN, TrafficClass.TOTAL, FLOWS));
            assertEquals(0, get(pair[1], OUT, TrafficClass.TOTAL, PACKETS));
        }
    }

    @Test
    void trafficClasses() {
        String h = "10.0.0.1";
        shard.count(syn("1.2.3.4", 1000, h, 80));                                                // tcp, tcp_syn
        shard.count(tcp("1.2.3.4", 1001, h, 80, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK));   // tcp, tcp_syn
        shard.count(tcp("1.2.3.4", 1002, h, 80, PacketRecord.TCP_ACK));                          // tcp
        shard.count(udp("1.2.3.4", 1003, h, 53));                                                // udp
        shard.count(udp("1.2.3.4", 1004, h, 53));                                                // udp
        shard.count(udp("1.2.3.4", 1005, h, 53));                                                // udp
        shard.count(udpFragment("1.2.3.4", 1006, h, 53));                                        // udp, fragmented
        shard.count(icmp("1.2.3.4", h));                                                         // icmp
        shard.count(packet("1.2.3.4", 0, h, 0, 47));                                             // GRE: total only
        PacketRecord notTcpSyn = udp("1.2.3.4", 1007, h, 53);
        notTcpSyn.tcpFlags = PacketRecord.TCP_SYN; // flags byte set on a non-TCP packet must not count as SYN
        shard.count(notTcpSyn);                                                                  // udp

        assertEquals(10, get(h, IN, TrafficClass.TOTAL, PACKETS));
        assertEquals(3, get(h, IN, TrafficClass.TCP, PACKETS));
        assertEquals(2, get(h, IN, TrafficClass.TCP_SYN, PACKETS));
        assertEquals(5, get(h, IN, TrafficClass.UDP, PACKETS));
        assertEquals(1, get(h, IN, TrafficClass.ICMP, PACKETS));
        assertEquals(1, get(h, IN, TrafficClass.FRAGMENTED, PACKETS));
        assertEquals(1000, get(h, IN, TrafficClass.TOTAL, BYTES));
        assertEquals(300, get(h, IN, TrafficClass.TCP, BYTES));
        assertEquals(200, get(h, IN, TrafficClass.TCP_SYN, BYTES));
        assertEquals(500, get(h, IN, TrafficClass.UDP, BYTES));
        assertEquals(100, get(h, IN, TrafficClass.ICMP, BYTES));
        assertEquals(100, get(h, IN, TrafficClass.FRAGMENTED, BYTES));
        // every packet above is its own 5-tuple except the three identical UDP ones to port 53 ... they differ
        // by source port, so all are distinct flows
        assertEquals(10, get(h, IN, TrafficClass.TOTAL, FLOWS));
        assertEquals(3, get(h, IN, TrafficClass.TCP, FLOWS));
        assertEquals(2, get(h, IN, TrafficClass.TCP_SYN, FLOWS));
        assertEquals(5, get(h, IN, TrafficClass.UDP, FLOWS));
        assertEquals(1, get(h, IN, TrafficClass.ICMP, FLOWS));
        assertEquals(1, get(h, IN, TrafficClass.FRAGMENTED, FLOWS));
        long[] c = counters(h);
        for (int cls = 0; cls < TrafficClass.COUNT; cls++) {
            for (int m = 0; m < 3; m++) {
                assertEquals(0, c[CounterShard.counter(OUT, cls, m)], "nothing outgoing");
            }
        }
    }

    @Test
    void icmpv6CountsAsIcmp() {
        shard.count(icmp("2001:db9::1", "2001:db8::1"));
        shard.count(icmp("2001:db8::1", "2001:db9::1"));
        assertEquals(1, get("2001:db8::1", IN, TrafficClass.ICMP, PACKETS));
        assertEquals(1, get("2001:db8::1", OUT, TrafficClass.ICMP, PACKETS));
        assertEquals(0, get("2001:db8::1", IN, TrafficClass.UDP, PACKETS));
    }

    @Test
    void bytesComeFromRecordBytesAndPacketsFromItsMultiplier() {
        PacketRecord flow = udp("1.2.3.4", 1000, "10.0.0.1", 53);
        flow.length = 60;     // wire length of one packet
        flow.bytes = 150_000; // a flow record standing for 100 packets of 1500 bytes
        flow.packets = 100;
        shard.count(flow);
        assertEquals(100, get("10.0.0.1", IN, TrafficClass.TOTAL, PACKETS));
        assertEquals(100, get("10.0.0.1", IN, TrafficClass.UDP, PACKETS));
        assertEquals(150_000, get("10.0.0.1", IN, TrafficClass.TOTAL, BYTES));
        assertEquals(150_000, get("10.0.0.1", IN, TrafficClass.UDP, BYTES));
        assertEquals(1, get("10.0.0.1", IN, TrafficClass.TOTAL, FLOWS));
        assertEquals(100, totals()[total(Direction.INCOMING, 4, 0)]);
        assertEquals(150_000, totals()[total(Direction.INCOMING, 4, 1)]);
    }

    @Test
    void flowsAreDistinctFiveTuplesPerSecond() {
        String h = "10.0.0.1";
        shard.count(udp("1.2.3.4", 1000, h, 53));
        shard.count(udp("1.2.3.4", 1000, h, 53));
        assertEquals(1, get(h, IN, TrafficClass.TOTAL, FLOWS));
        assertEquals(2, get(h, IN, TrafficClass.TOTAL, PACKETS));
        shard.count(udp("1.2.3.4", 1001, h, 53));      // other source port
        shard.count(udp("1.2.3.4", 1000, h, 54));      // other destination port
        shard.count(udp("1.2.3.5", 1000, h, 53));      // other source address
        shard.count(tcp("1.2.3.4", 1000, h, 53, 0));   // other protocol
        assertEquals(5, get(h, IN, TrafficClass.TOTAL, FLOWS));

        shard.onSecond(1_000); // same second: nothing resets
        shard.count(udp("1.2.3.4", 1000, h, 53));
        assertEquals(5, get(h, IN, TrafficClass.TOTAL, FLOWS));

        shard.onSecond(1_001);
        shard.count(udp("1.2.3.4", 1000, h, 53));
        shard.count(udp("1.2.3.4", 1000, h, 53));
        assertEquals(6, get(h, IN, TrafficClass.TOTAL, FLOWS));
        assertEquals(5, get(h, IN, TrafficClass.UDP, FLOWS));
        assertEquals(1, get(h, IN, TrafficClass.TCP, FLOWS));
    }

    @Test
    void flowsAreCountedPerHostAndDirection() {
        // The same 5-tuple is one flow for each monitored end in its own direction.
        shard.count(udp("10.0.0.1", 1000, "10.0.0.2", 53));
        shard.count(udp("10.0.0.1", 1000, "10.0.0.2", 53));
        assertEquals(1, get("10.0.0.1", OUT, TrafficClass.TOTAL, FLOWS));
        assertEquals(1, get("10.0.0.2", IN, TrafficClass.TOTAL, FLOWS));
        // The reply is another 5-tuple.
        shard.count(udp("10.0.0.2", 53, "10.0.0.1", 1000));
        assertEquals(1, get("10.0.0.1", IN, TrafficClass.TOTAL, FLOWS));
        assertEquals(1, get("10.0.0.2", OUT, TrafficClass.TOTAL, FLOWS));
        // IPv6 as well.
        shard.count(udp("2001:db9::1", 1000, "2001:db8::1", 53));
        shard.count(udp("2001:db9::1", 1000, "2001:db8::1", 53));
        shard.count(udp("2001:db9::2", 1000, "2001:db8::1", 53));
        assertEquals(2, get("2001:db8::1", IN, TrafficClass.TOTAL, FLOWS));
    }

    @Test
    void manyHostsManyFlowsAreExactBelowTheFlowTableSize() {
        // 4096-entry flow table: 1000 flows a second are exact, second after second.
        for (int sec = 0; sec < 3; sec++) {
            shard.onSecond(2_000 + sec);
            for (int i = 0; i < 1000; i++) {
                shard.count(udp("1.2.3.4", 1000 + i % 100, "10.0.1." + (i / 100), 53));
                shard.count(udp("1.2.3.4", 1000 + i % 100, "10.0.1." + (i / 100), 53));
            }
        }
        for (int h = 0; h < 10; h++) {
            assertEquals(300, get("10.0.1." + h, IN, TrafficClass.TOTAL, FLOWS));
            assertEquals(600, get("10.0.1." + h, IN, TrafficClass.TOTAL, PACKETS));
        }
    }

    private record Sample(String src, String dst, int srcPort, int dstPort, int protocol, int flags, int ttl,
                          boolean fragmented, long packets, int length, Direction direction, long ts) {
    }

    private List<Sample> drain() {
        List<Sample> out = new ArrayList<>();
        shard.samples().drain((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, pk, len, dir) ->
                out.add(new Sample(fastnetmon.networks.IpAddresses.format(sHi, sLo),
                        fastnetmon.networks.IpAddresses.format(dHi, dLo), sp, dp, proto, flags, ttl, frag, pk, len, dir, ts)));
        return out;
    }

    @Test
    void sampleFlagsCopyOnlyThatHostAndDirection() {
        shard.count(udp("1.2.3.4", 1, "10.0.0.1", 2));       // creates the hosts, not sampled yet
        shard.count(udp("10.0.0.1", 1, "1.2.3.4", 2));
        shard.count(udp("1.2.3.4", 1, "10.0.0.2", 2));
        assertEquals(List.of(), drain());

        shard.setSampleFlags(slot("10.0.0.1"), 1L << IN.hostIndex());
        PacketRecord in = tcp("1.2.3.4", 4444, "10.0.0.1", 80, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK);
        in.ttl = 57;
        in.timestampNanos = 123_456_789L;
        sized(in, 1234);
        shard.count(in);
        shard.count(udp("10.0.0.1", 5, "1.2.3.4", 6));       // outgoing of the sampled host: no
        shard.count(udp("1.2.3.4", 7, "10.0.0.2", 8));       // another host: no
        shard.count(udp("1.2.3.4", 1, "5.6.7.8", 2));        // not monitored: no
        PacketRecord frag = udpFragment("10.0.0.3", 9, "10.0.0.1", 10); // internal: incoming for 10.0.0.1
        frag.packets = 7;
        shard.count(frag);

        assertEquals(List.of(
                new Sample("1.2.3.4", "10.0.0.1", 4444, 80, PacketRecord.TCP, 0x12, 57, false, 1, 1234, IN, 123_456_789L),
                new Sample("10.0.0.3", "10.0.0.1", 9, 10, PacketRecord.UDP, 0, 64, true, 7, 100, IN, 0)), drain());
        assertEquals(List.of(), drain());

        shard.setSampleFlags(slot("10.0.0.1"), 1L << OUT.hostIndex());
        shard.count(udp("1.2.3.4", 1, "10.0.0.1", 2));
        shard.count(udp("2001:db8::9", 1, "2001:db9::9", 2)); // a host without flags
        shard.count(udp("10.0.0.1", 65535, "1.2.3.4", 65534));
        assertEquals(List.of(
                new Sample("10.0.0.1", "1.2.3.4", 65535, 65534, PacketRecord.UDP, 0, 64, false, 1, 100, OUT, 0)), drain());

        shard.setSampleFlags(slot("10.0.0.1"), 0);
        shard.count(udp("1.2.3.4", 1, "10.0.0.1", 2));
        shard.count(udp("10.0.0.1", 1, "1.2.3.4", 2));
        assertEquals(List.of(), drain());
    }

    @Test
    void sampleFlagsWorkForIpv6Hosts() {
        shard.count(udp("2001:db9::1", 1, "2001:db8::1", 2));
        shard.setSampleFlags(slot("2001:db8::1"), 1L << IN.hostIndex());
        shard.count(udp("2001:db9::1", 3, "2001:db8::1", 4));
        shard.count(udp("2001:db9::1", 3, "2001:db8::2", 4));
        List<Sample> s = drain();
        assertEquals(1, s.size());
        assertEquals("2001:db9::1", s.get(0).src());
        assertEquals("2001:db8::1", s.get(0).dst());
        assertEquals(3, s.get(0).srcPort());
    }

    @Test
    void unparsedIsCounted() {
        shard.countUnparsed();
        shard.countUnparsed();
        assertEquals(2, shard.unparsed());
        assertEquals(0, shard.untrackedPackets());
    }

    @Test
    void hostsBeyondTheLimitCountInTotalsOnlyAndKnownHostsGoOn() {
        CounterShard small = TestShards.shard("small", networks("10.0.0.0/8"), 12, 3);
        small.onSecond(1_000);
        for (int round = 0; round < 2; round++) {
            for (int i = 1; i <= 5; i++) {
                small.count(udp("198.51.100.1", 1, "10.0.0." + i, 2));
            }
        }
        assertEquals(3, small.acquireSlotCount());
        for (int i = 1; i <= 3; i++) {
            long[] a = addr("10.0.0." + i);
            long[] c = new long[CounterShard.COUNTERS];
            small.readCounters(small.slotOf(a[0], a[1]), c, 0);
            assertEquals(2, c[CounterShard.counter(IN, TrafficClass.TOTAL, PACKETS)], "10.0.0." + i);
        }
        long[] a = addr("10.0.0.4");
        assertEquals(-1, small.slotOf(a[0], a[1]));
        assertEquals(4, small.untrackedPackets());
        long[] totals = new long[CounterShard.TOTALS];
        small.readTotals(totals);
        assertEquals(10, totals[CounterShard.totalIndex(Direction.INCOMING, 4, 0)]);
    }

    @Test
    void publishedSlotCountFollowsNewHosts() {
        for (int i = 0; i < 5000; i++) { // more than one chunk of 4096 slots
            shard.count(udp("1.2.3.4", 1, "10.1." + (i >> 8) + "." + (i & 0xff), 2));
        }
        shard.publish();
        assertEquals(5000, shard.acquireSlotCount());
        long[] a = addr("10.1.19.135"); // i = 4999
        assertEquals(4999, shard.slotOf(a[0], a[1]));
        assertEquals(a[1], shard.keyLo(4999));
        long[] c = new long[CounterShard.COUNTERS];
        shard.readCounters(4999, c, 0);
        assertEquals(1, c[CounterShard.counter(IN, TrafficClass.UDP, PACKETS)]);
    }

    @Test
    void countingAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        CounterShard s = TestShards.shard("alloc", networks("10.0.0.0/8", "2001:db8::/32"), 14);
        PacketRecord[] recs = new PacketRecord[8];
        for (int i = 0; i < recs.length; i++) {
            recs[i] = i % 4 == 3 ? udp("2001:db9::1", 1, "2001:db8::1", 2)
                    : i % 4 == 2 ? syn("1.2.3.4", 1, "10.0.0.1", 2)
                    : i % 4 == 1 ? udp("10.0.0.1", 1, "1.2.3.4", 2)
                    : udpFragment("10.0.0.1", 1, "10.0.0.2", 2);
        }
        Runnable run = () -> {
            for (int n = 0; n < 1_000_000; n++) {
                PacketRecord r = recs[n & 7];
                int h = n % 300;
                if (r.ipVersion == 4) {
                    int a = 0x0a000000 | h;
                    if ((n & 7) == 1 || (n & 7) == 4) {
                        r.src4 = a;
                        r.srcLo = PacketRecord.V4_MAPPED_PREFIX | a;
                    } else {
                        r.dst4 = a;
                        r.dstLo = PacketRecord.V4_MAPPED_PREFIX | a;
                    }
                } else {
                    r.dstLo = h;
                }
                r.srcPort = n & 0xffff;
                if ((n & 0xfffff) == 0) {
                    s.onSecond(n);
                }
                s.count(r);
                if ((n & 1023) == 0) {
                    s.publish();
                }
            }
        };
        run.run(); // warm-up: hosts, chunks, JIT
        // Sample a host so that the sampling path runs too (the ring fills and then drops).
        s.setSampleFlags(1, 3);
        long before = mx.getThreadAllocatedBytes(tid);
        run.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4096, "count() allocated " + allocated + " bytes over 1M packets");
        assertTrue(s.acquireSlotCount() >= 300);
        assertTrue(s.samples().dropped() > 0);
    }
}
