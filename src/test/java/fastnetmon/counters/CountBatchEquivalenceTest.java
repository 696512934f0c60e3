package fastnetmon.counters;

import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay (and the benchmarks) count in batches with {@link CounterShard#countBatch}, which reorders
 * the reads of the flow table for speed: it must leave exactly what {@link CounterShard#count} leaves
 * packet by packet, including host slot order, flow sampling in small tables and the sample ring, with
 * few hosts and with more than {@link CounterShard#SCATTERED_HOSTS} (where it finds the hosts' slots in a
 * pass of their own), tracked one by one or some of them not for lack of room.
 */
class CountBatchEquivalenceTest {

    @ParameterizedTest
    @CsvSource({"8, 1, 2000, 0", "8, 2, 2000, 0", "10, 3, 2000, 0", "14, 4, 2000, 0", "20, 5, 2000, 0",
            "14, 6, 30000, 0", "20, 7, 30000, 0", "16, 8, 30000, 6000"})
    void batchesCountExactlyLikeOneByOne(int flowTableLog2, long seed, int v4Hosts, int maxHosts) {
        PrefixMatcher monitored = PrefixMatcher.of(List.of(Cidr.parse("10.0.0.0/16"), Cidr.parse("2001:db8::/32")));
        int limit = maxHosts == 0 ? CounterShard.MAX_HOSTS : maxHosts;
        CounterShard one = TestShards.shard("one", monitored, flowTableLog2, limit);
        CounterShard many = TestShards.shard("many", monitored, flowTableLog2, limit);
        SplittableRandom rnd = new SplittableRandom(seed);
        PacketRecord[] batch = new PacketRecord[150];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new PacketRecord();
        }
        long second = 1_000;
        one.onSecond(second);
        many.onSecond(second);
        for (int round = 0; round < 800; round++) {
            int n = rnd.nextInt(batch.length + 1); // also empty batches and ones longer than the internal block
            for (int i = 0; i < n; i++) {
                randomPacket(batch[i], rnd, second, v4Hosts);
                one.count(batch[i]);
            }
            many.countBatch(batch, n);
            if (rnd.nextInt(10) == 0) {
                second++;
                one.onSecond(second);
                many.onSecond(second);
            }
            if (round == 30) { // some hosts under attack: their packets go to the sample ring
                for (int slot = 0; slot < one.acquireSlotCount(); slot += 7) {
                    one.setSampleFlags(slot, 1 + (slot & 1));
                    many.setSampleFlags(slot, 1 + (slot & 1));
                }
            }
        }
        int slots = one.acquireSlotCount();
        assertEquals(slots, many.acquireSlotCount());
        if (v4Hosts > CounterShard.SCATTERED_HOSTS) {
            assertTrue(slots > CounterShard.SCATTERED_HOSTS, "hosts enough for countBatch's pass for many: " + slots);
        }
        if (maxHosts > 0) {
            assertTrue(one.untrackedPackets() > 0, "some hosts found no room");
        }
        long[] a = new long[CounterShard.COUNTERS], b = new long[CounterShard.COUNTERS];
        for (int slot = 0; slot < slots; slot++) {
            assertEquals(one.keyHi(slot), many.keyHi(slot), "slot " + slot);
            assertEquals(one.keyLo(slot), many.keyLo(slot), "slot " + slot);
            one.readCounters(slot, a, 0);
            many.readCounters(slot, b, 0);
            assertArrayEquals(a, b, "counters of slot " + slot);
        }
        long[] ta = new long[CounterShard.TOTALS], tb = new long[CounterShard.TOTALS];
        one.readTotals(ta);
        many.readTotals(tb);
        assertArrayEquals(ta, tb);
        assertEquals(one.untrackedPackets(), many.untrackedPackets());
        assertEquals(samples(one), samples(many));
    }

    private static String samples(CounterShard shard) {
        StringBuilder sb = new StringBuilder();
        shard.samples().drain((ts, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, protocol, flags, ttl, frag, packets, length, dir) ->
                sb.append(ts).append(' ').append(srcLo).append(' ').append(dstLo).append(' ').append(srcPort).append(' ')
                        .append(dstPort).append(' ').append(protocol).append(' ').append(length).append(' ').append(dir).append('\n'));
        return sb.toString();
    }

    /** Incoming, outgoing, internal or other; IPv4 or IPv6; TCP (SYN or not), UDP, ICMP or GRE; some fragments. */
    private static void randomPacket(PacketRecord r, SplittableRandom rnd, long second, int v4Hosts) {
        r.reset();
        boolean v6 = rnd.nextInt(8) == 0;
        int kind = rnd.nextInt(4);
        if (v6) {
            long mon = 0x2001_0db8_0000_0000L | rnd.nextInt(4), out = 0x2a00_1450_0000_0000L;
            long m1 = rnd.nextInt(300), m2 = rnd.nextInt(300), o = rnd.nextInt(1000);
            switch (kind) {
                case 0 -> r.setIpv6(out, o, mon, m1);
                case 1 -> r.setIpv6(mon, m1, out, o);
                case 2 -> r.setIpv6(mon, m1, mon, m2);
                default -> r.setIpv6(out, o, out, o + 1);
            }
        } else {
            int m1 = 0x0a00_0000 | rnd.nextInt(v4Hosts), m2 = 0x0a00_0000 | rnd.nextInt(v4Hosts), o = 0x0b00_0000 | rnd.nextInt(5000);
            switch (kind) {
                case 0 -> r.setIpv4(o, m1);
                case 1 -> r.setIpv4(m1, o);
                case 2 -> r.setIpv4(m1, m2);
                default -> r.setIpv4(o, o + 1);
            }
        }
        int p = rnd.nextInt(5);
        r.protocol = p <= 1 ? PacketRecord.TCP : p == 2 ? PacketRecord.UDP : p == 3 ? (v6 ? PacketRecord.ICMPV6 : PacketRecord.ICMP) : 47;
        r.tcpFlags = rnd.nextInt(4) == 0 ? PacketRecord.TCP_SYN : PacketRecord.TCP_ACK;
        r.srcPort = rnd.nextInt(50);
        r.dstPort = rnd.nextInt(3);
        r.fragmented = rnd.nextInt(20) == 0;
        r.length = 60 + rnd.nextInt(1400);
        r.bytes = r.length;
        r.packets = 1 + rnd.nextInt(2);
        r.timestampNanos = second * 1_000_000_000L + rnd.nextInt(1_000_000_000);
    }
}
