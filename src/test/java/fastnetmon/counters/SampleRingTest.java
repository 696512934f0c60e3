package fastnetmon.counters;

import fastnetmon.counters.Direction;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SampleRingTest {

    private static PacketRecord rec(int n) {
        PacketRecord r = TestPackets.udp("1.2.3.4", 1000 + n, "10.0.0.1", 53);
        r.timestampNanos = n;
        return r;
    }

    /** Source ports of the drained samples (each sample's port is 1000 + its number). */
    private static List<Integer> drain(SampleRing ring) {
        List<Integer> out = new ArrayList<>();
        ring.drain((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, pk, len, dir) -> {
            assertEquals(sp - 1000, ts);
            out.add(sp - 1000);
        });
        return out;
    }

    @Test
    void drainsInOrderAndEmpties() {
        SampleRing ring = new SampleRing(4);
        for (int i = 0; i < 5; i++) {
            ring.offer(rec(i), Direction.INCOMING);
        }
        assertEquals(List.of(0, 1, 2, 3, 4), drain(ring));
        assertEquals(List.of(), drain(ring));
        ring.offer(rec(5), Direction.INCOMING);
        assertEquals(List.of(5), drain(ring));
        assertEquals(0, ring.dropped());
    }

    @Test
    void dropsNewSamplesWhenFull() {
        SampleRing ring = new SampleRing(3); // 8 samples
        for (int i = 0; i < 11; i++) {
            ring.offer(rec(i), Direction.INCOMING);
        }
        assertEquals(3, ring.dropped());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), drain(ring));
        // Room again after the drain, and the order holds across the wrap of the ring's indices.
        for (int round = 0; round < 5; round++) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = 100 + round * 10 + i;
                ring.offer(rec(n), Direction.INCOMING);
                expected.add(n);
            }
            assertEquals(expected, drain(ring));
        }
        assertEquals(3, ring.dropped());
    }

    @Test
    void everyFieldRoundTrips() {
        SampleRing ring = new SampleRing(2);
        PacketRecord r = TestPackets.tcp("2001:db8::1", 65535, "2001:db9::ff", 65534, 0xff);
        r.protocol = 255; // keep the flags byte: the widest values every field can hold
        r.ttl = 255;
        r.fragmented = true;
        r.packets = 1L << 40;
        r.length = 65535;
        r.timestampNanos = Long.MAX_VALUE;
        ring.offer(r, Direction.OUTGOING);
        PacketRecord q = TestPackets.icmp("1.2.3.4", "10.0.0.1");
        q.ttl = 1;
        ring.offer(q, Direction.INCOMING);
        List<String> seen = new ArrayList<>();
        ring.drain((ts, sHi, sLo, dHi, dLo, sp, dp, proto, flags, ttl, frag, pk, len, dir) -> seen.add(
                ts + " " + fastnetmon.networks.IpAddresses.format(sHi, sLo) + " " + sp + " "
                        + fastnetmon.networks.IpAddresses.format(dHi, dLo) + " " + dp + " " + proto + " " + flags
                        + " " + ttl + " " + frag + " " + pk + " " + len + " " + dir));
        assertEquals(List.of(
                Long.MAX_VALUE + " 2001:db8::1 65535 2001:db9::ff 65534 255 255 255 true " + (1L << 40) + " 65535 OUTGOING",
                "0 1.2.3.4 0 10.0.0.1 0 1 0 1 false 1 100 INCOMING"), seen);
    }

    @Test
    void carriesTheBytesAndTheOriginOfAFlowRecord() {
        SampleRing ring = new SampleRing(4);
        PacketRecord r = rec(1);
        r.packets = 1000;
        r.bytes = 60_000;
        r.length = 60;
        r.fragmented = true;
        r.ttl = 255;
        r.origin = PacketRecord.ORIGIN_IPFIX;
        ring.offer(r, Direction.OUTGOING);
        ring.offer(rec(2), Direction.INCOMING);
        List<String> seen = new ArrayList<>();
        ring.drain(new SampleRing.Visitor() {
            @Override
            public void sample(long ts, long sHi, long sLo, long dHi, long dLo, int sp, int dp, int proto, int flags, int ttl,
                               boolean frag, long pk, int len, Direction dir) {
                throw new AssertionError("the ring calls the full form");
            }

            @Override
            public void sample(long ts, long sHi, long sLo, long dHi, long dLo, int sp, int dp, int proto, int flags, int ttl,
                               boolean frag, long pk, int len, Direction dir, long bytes, int origin) {
                seen.add(pk + " " + len + " " + bytes + " " + origin + " " + frag + " " + ttl + " " + dir);
            }
        });
        assertEquals(List.of("1000 60 60000 4 true 255 OUTGOING", "1 " + rec(2).length + " " + rec(2).bytes + " 0 false "
                + rec(2).ttl + " INCOMING"), seen);
    }
}
