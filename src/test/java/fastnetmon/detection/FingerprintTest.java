package fastnetmon.detection;

import fastnetmon.detection.Fingerprint.Dimension;
import fastnetmon.detection.Fingerprint.Share;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static fastnetmon.detection.AttackVectorTest.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FingerprintTest {
    @Test
    void valuesReadBackToTheNumbersTheyName() {
        for (int bits = 0; bits < 64; bits++) {
            assertEquals(bits, Fingerprint.tcpFlagBits(Fingerprint.tcpFlags(bits)), Fingerprint.tcpFlags(bits));
        }
        for (int protocol : new int[]{1, 6, 17, 47, 58, 132}) {
            assertEquals(protocol, Fingerprint.protocolNumber(Fingerprint.protocolName(protocol)));
        }
        assertEquals(-1, Fingerprint.protocolNumber("sctp?"));
    }

    @Test
    void sharesOfEachDimensionMostFirst() {
        List<SamplePacket> s = new ArrayList<>();
        for (int i = 0; i < 98; i++) {
            s.add(packet(17, 123, 1000 + i % 2, 0, false, 468, 50 + i % 2)); // NTP monlist replies to two ports
        }
        s.add(packet(6, 4000, 443, PacketRecord.TCP_SYN, false, 60, 128));
        s.add(packet(6, 4001, 443, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK, false, 1514, 128));
        Fingerprint f = Fingerprint.of(s);
        assertEquals(100, f.sampledPackets());
        assertEquals(List.of(new Share("udp", 98, 0.98), new Share("tcp", 2, 0.02)), f.top(Dimension.PROTOCOL).shares());
        assertEquals(List.of(new Share("123", 98, 0.98), new Share("4000", 1, 0.01), new Share("4001", 1, 0.01)),
                f.top(Dimension.SRC_PORT).shares());
        assertEquals(List.of(new Share("1000", 49, 0.49), new Share("1001", 49, 0.49), new Share("443", 2, 0.02)),
                f.top(Dimension.DST_PORT).shares());
        assertEquals(List.of(new Share("syn", 1, 0.01), new Share("syn+ack", 1, 0.01)), f.top(Dimension.TCP_FLAGS).shares());
        assertEquals(List.of(new Share("256-511", 98, 0.98), new Share("0-63", 1, 0.01), new Share("1500+", 1, 0.01)),
                f.top(Dimension.PACKET_SIZE).shares());
        assertEquals(List.of(new Share("50", 49, 0.49), new Share("51", 49, 0.49), new Share("128", 2, 0.02)),
                f.top(Dimension.TTL).shares());
        assertEquals(0.98, f.share(Dimension.SRC_PORT, "123"));
        assertEquals(0, f.share(Dimension.SRC_PORT, "53"));
        assertEquals(List.of("protocol: udp 98%, tcp 2%", "src_port: 123 98%, 4000 1%, 4001 1%", "dst_port: 1000 49%, 1001 49%, 443 2%",
                "tcp_flags: syn 1%, syn+ack 1%", "packet_size: 256-511 98%, 0-63 1%, 1500+ 1%", "ttl: 50 49%, 51 49%, 128 2%"), f.lines());
    }

    @Test
    void keepsTheTopFiveAndSaysTinySharesAreBelowOnePercent() {
        List<SamplePacket> s = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            s.add(packet(17, 53, 10 + i % 10, 0, false, 64 + i, 64)); // ten destination ports, sizes 64..363
        }
        s.add(packet(1, 0, 0, 0, false, 98, 64));
        Fingerprint f = Fingerprint.of(s);
        assertEquals(Fingerprint.TOP, f.top(Dimension.DST_PORT).shares().size());
        assertEquals(List.of("10", "11", "12", "13", "14"), f.top(Dimension.DST_PORT).shares().stream().map(Share::value).toList());
        assertTrue(f.lines().get(0).equals("protocol: udp 100%, icmp <1%"), f.lines().get(0));
        // ICMP has no ports: port shares are of all sampled packets
        assertEquals(300.0 / 301, f.share(Dimension.SRC_PORT, "53"), 1e-9);
        assertEquals(List.of("128-255", "256-511", "64-127"), f.top(Dimension.PACKET_SIZE).shares().stream().map(Share::value).toList());
    }

    @Test
    void flowRecordSamplesWeighByPacketsWithTheirAverageSize() {
        SamplePacket v9 = new SamplePacket(1, "198.51.100.7", 1900, "10.10.0.5", 80, 17, 0, false, 9, 0, 0, 9 * 300, PacketRecord.ORIGIN_NETFLOW9);
        Fingerprint f = Fingerprint.of(List.of(v9, packet(6, 1, 2, PacketRecord.TCP_ACK, false, 60, 64)));
        assertEquals(10, f.sampledPackets());
        assertEquals(0.9, f.share(Dimension.SRC_PORT, "1900"));
        assertEquals(0.9, f.share(Dimension.PACKET_SIZE, "256-511"));
    }

    @Test
    void noSamplesNoValues() {
        assertEquals(0, Fingerprint.EMPTY.sampledPackets());
        assertEquals(Dimension.values().length, Fingerprint.EMPTY.dimensions().size());
        assertEquals(List.of(), Fingerprint.EMPTY.lines());
    }
}
