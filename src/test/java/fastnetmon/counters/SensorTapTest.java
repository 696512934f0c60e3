package fastnetmon.counters;

import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SensorTapTest {
    private static final PrefixMatcher OURS = PrefixMatcher.of(List.of(Cidr.parse("10.10.0.0/16"), Cidr.parse("2001:db8:10::/48")));
    /** A filter as the sensors' rules are: our hosts opening TCP connections or sending UDP. */
    private static final SensorTap.Filter OPENINGS = r -> OURS.lookup(r.srcHi, r.srcLo) >= 0
            && ((r.protocol == PacketRecord.TCP && (r.tcpFlags & PacketRecord.TCP_SYN) != 0) || r.protocol == PacketRecord.UDP);

    private static PacketRecord record(String src, String dst, int protocol, int flags, int dstPort) {
        PacketRecord r = new PacketRecord();
        long[] s = IpAddresses.parse(src), d = IpAddresses.parse(dst);
        if (src.indexOf(':') < 0) {
            r.setIpv4((int) s[1], (int) d[1]);
        } else {
            r.setIpv6(s[0], s[1], d[0], d[1]);
        }
        r.protocol = protocol;
        r.tcpFlags = flags;
        r.srcPort = 40000;
        r.dstPort = dstPort;
        r.packets = 3;
        r.bytes = 180;
        r.origin = PacketRecord.ORIGIN_NETFLOW9;
        r.ipLength = 60;
        r.length = 74;
        r.timestampNanos = 1_700_000_000_123_000_000L;
        return r;
    }

    private static List<String> drain(SensorTap tap) {
        List<String> out = new ArrayList<>();
        tap.drain(new PacketRecord(), (r, observer) -> out.add(IpAddresses.format(r.srcHi, r.srcLo) + ">"
                + IpAddresses.format(r.dstHi, r.dstLo) + ":" + r.dstPort + " p" + r.protocol + " f" + r.tcpFlags + " "
                + r.packets + "/" + r.bytes + " t" + r.timestampNanos + " o" + r.origin + " ip" + r.ipLength + " l" + r.length
                + " " + tap.observers().name(observer)), 1000);
        return out;
    }

    @Test
    void whatTheFilterWantsIsHandedOverExactly() {
        Observers observers = new Observers();
        SensorTap tap = new SensorTap(OPENINGS, observers, 1 << 16);
        int eth3 = observers.id("eth3");
        tap.offer(record("10.10.0.5", "192.0.2.1", 6, PacketRecord.TCP_SYN, 445), eth3);
        tap.offer(record("10.10.0.5", "192.0.2.1", 6, PacketRecord.TCP_ACK, 445), eth3); // not a connection opened
        tap.offer(record("192.0.2.1", "10.10.0.5", 6, PacketRecord.TCP_SYN, 80), eth3); // not ours sending
        tap.offer(record("2001:db8:10::5", "2001:db8:ff::1", 17, 0, 137), observers.id("192.0.2.9"));
        tap.offer(record("10.10.0.6", "192.0.2.2", 1, 0, 0), eth3); // ICMP
        assertEquals(List.of("10.10.0.5>192.0.2.1:445 p6 f2 3/180 t1700000000123000000 o3 ip60 l74 eth3",
                "2001:db8:10::5>2001:db8:ff::1:137 p17 f0 3/180 t1700000000123000000 o3 ip60 l74 192.0.2.9"), drain(tap));
        assertEquals(2, tap.offered());
        assertEquals(0, tap.dropped());
    }

    @Test
    void aFullRingDropsAndCountsInsteadOfWaiting() {
        SensorTap tap = new SensorTap(OPENINGS, new Observers(), 4096);
        for (int i = 0; i < 1000; i++) {
            tap.offer(record("10.10.0.5", "192.0.2.1", 17, 0, 53), 0);
        }
        int kept = drain(tap).size();
        assertEquals(1000, tap.offered());
        assertEquals(1000 - kept, tap.dropped());
        assertEquals(4096 / (SensorTap.RECORD + 8), kept, "as many as the ring holds (8-byte headers)");
    }

    @Test
    void observersAreNumberedOnceAndBounded() {
        Observers o = new Observers();
        assertEquals(o.id("eth3"), o.id("eth3"));
        assertEquals("eth3", o.name(o.id("eth3")));
        assertEquals("other", o.name(Observers.OTHER));
        for (int i = 0; i < Observers.MAX + 10; i++) {
            o.id("x" + i);
        }
        assertEquals(Observers.OTHER, o.id("one too many"));
    }
}
