package fastnetmon.detection;

import fastnetmon.config.TrafficClass;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttackVectorTest {
    static final int TCP = 6, UDP = 17, ICMP = 1, GRE = 47;

    static SamplePacket packet(int protocol, int srcPort, int dstPort, int flags, boolean fragmented, int length, int ttl) {
        return new SamplePacket(1_000, "198.51.100.7", srcPort, "10.10.0.5", dstPort, protocol, flags, fragmented, 1, length, ttl);
    }

    /** {@code n} copies of one packet followed by {@code m} of another. */
    static List<SamplePacket> mix(SamplePacket a, int n, SamplePacket b, int m) {
        List<SamplePacket> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(a);
        }
        for (int i = 0; i < m; i++) {
            l.add(b);
        }
        return l;
    }

    static final SamplePacket NOISE = packet(TCP, 40000, 443, PacketRecord.TCP_ACK | 8, false, 60, 50);

    @Test
    void everyAmplifierIsNamedBySourcePortWhenItIsMoreThanHalf() {
        for (Map.Entry<Integer, String> e : AttackVector.AMPLIFIERS.entrySet()) {
            SamplePacket reply = packet(UDP, e.getKey(), 4444, 0, false, 480, 55);
            assertEquals(e.getValue(), AttackVector.fromSamples(mix(reply, 11, NOISE, 9)), "port " + e.getKey());
            // exactly half is not more than half: the UDP share is not either, nor is ACK
            assertEquals("unknown", AttackVector.fromSamples(mix(reply, 10, NOISE, 10)), "port " + e.getKey());
        }
        assertEquals(17, AttackVector.AMPLIFIERS.size());
        assertEquals("ntp_amplification", AttackVector.AMPLIFIERS.get(123));
        assertEquals("dns_amplification", AttackVector.AMPLIFIERS.get(53));
        assertEquals("ubiquiti_amplification", AttackVector.AMPLIFIERS.get(10001));
    }

    @Test
    void amplifierPortAsDestinationOrOverTcpIsNotAmplification() {
        assertEquals("udp_flood", AttackVector.fromSamples(mix(packet(UDP, 5555, 123, 0, false, 90, 64), 20, NOISE, 0)));
        assertEquals("ack_flood", AttackVector.fromSamples(mix(packet(TCP, 53, 80, PacketRecord.TCP_ACK, false, 60, 64), 20, NOISE, 0)));
    }

    @Test
    void tcpFloodsAreToldApartByFlags() {
        int syn = PacketRecord.TCP_SYN, ack = PacketRecord.TCP_ACK, rst = 4, fin = 1, psh = 8;
        assertEquals("syn_flood", AttackVector.fromSamples(mix(packet(TCP, 1, 80, syn, false, 60, 64), 15, NOISE, 5)));
        assertEquals("syn_ack_reflection", AttackVector.fromSamples(mix(packet(TCP, 80, 1, syn | ack, false, 60, 64), 15, NOISE, 5)));
        assertEquals("rst_flood", AttackVector.fromSamples(mix(packet(TCP, 1, 80, rst | ack, false, 60, 64), 15, NOISE, 5)));
        assertEquals("ack_flood", AttackVector.fromSamples(mix(packet(TCP, 1, 80, ack | psh, false, 60, 64), 20, NOISE, 0)));
        assertEquals("unknown", AttackVector.fromSamples(mix(packet(TCP, 1, 80, fin | ack, false, 60, 64), 20, NOISE, 0)));
    }

    @Test
    void greFragmentsIcmpAndUdp() {
        assertEquals("gre_flood", AttackVector.fromSamples(mix(packet(GRE, 0, 0, 0, false, 600, 64), 12, NOISE, 8)));
        assertEquals("icmp_flood", AttackVector.fromSamples(mix(packet(ICMP, 0, 0, 0, false, 98, 64), 12, NOISE, 8)));
        assertEquals("icmp_flood", AttackVector.fromSamples(mix(packet(58, 0, 0, 0, false, 98, 64), 12, NOISE, 8)));
        assertEquals("udp_flood", AttackVector.fromSamples(mix(packet(UDP, 999, 9, 0, false, 128, 64), 12, NOISE, 8)));
        // UDP fragments without ports: fragments win over plain UDP
        assertEquals("ip_fragmentation_flood", AttackVector.fromSamples(mix(packet(UDP, 0, 0, 0, true, 1500, 64), 12, NOISE, 8)));
        // the first fragments of DNS replies carry the port: amplification still wins when they are most
        assertEquals("dns_amplification", AttackVector.fromSamples(mix(packet(UDP, 53, 3000, 0, true, 1500, 64), 12, NOISE, 8)));
    }

    @Test
    void aFlowRecordSampleCountsForItsPackets() {
        SamplePacket ntp = new SamplePacket(1, "198.51.100.7", 123, "10.10.0.5", 80, UDP, 0, false, 100, 468, 0, 46800, PacketRecord.ORIGIN_NETFLOW9);
        assertEquals("ntp_amplification", AttackVector.fromSamples(mix(ntp, 1, NOISE, 50)));
    }

    @Test
    void withoutSamplesTheCountersDecide() {
        HostTraffic t = new HostTraffic();
        t.seconds = 1;
        assertEquals("unknown", AttackVector.of(List.of(), t, Direction.INCOMING));
        t.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TOTAL)] = 100;
        t.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TCP)] = 60;
        t.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TCP_SYN)] = 51;
        assertEquals("syn_flood", AttackVector.of(List.of(), t, Direction.INCOMING));
        assertEquals("unknown", AttackVector.of(List.of(), t, Direction.OUTGOING));
        t.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TCP_SYN)] = 50;
        assertEquals("unknown", AttackVector.of(List.of(), t, Direction.INCOMING));
        t.packets[HostTraffic.index(Direction.OUTGOING, TrafficClass.TOTAL)] = 10;
        t.packets[HostTraffic.index(Direction.OUTGOING, TrafficClass.ICMP)] = 9;
        assertEquals("icmp_flood", AttackVector.of(List.of(), t, Direction.OUTGOING));
        // once there are samples they decide
        assertEquals("ntp_amplification", AttackVector.of(List.of(packet(UDP, 123, 80, 0, false, 468, 50)), t, Direction.INCOMING));
    }
}
