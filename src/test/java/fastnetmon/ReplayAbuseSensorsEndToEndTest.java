package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static fastnetmon.ReplayEndToEndTest.ip;
import static fastnetmon.ReplayEndToEndTest.outside;
import static fastnetmon.ReplayEndToEndTest.spread;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The abuse sensors in a replay: a capture of three inside hosts misbehaving among normal traffic, built
 * as real frames and replayed by a real process. Each is exactly one threat of its kind in the summary,
 * with its offender, in the order the traffic came; the normal traffic and the replies are none.
 */
class ReplayAbuseSensorsEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aPortScanASpamBurstAndAnSmbSweepAreOneThreatEach() throws Exception {
        Path conf = ReplayRig.setUp(dir, "true", "sensor_portscan = on", "sensor_spam = on", "sensor_winscan = on",
                "sensor_portscan_exception_ports = 443");
        Path pcap = dir.resolve("abuse.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < 6; s++) {
                List<byte[]> frames = new ArrayList<>();
                for (int i = 0; i < 300; i++) { // web browsing of many hosts: SYNs to 443, an exception port
                    frames.add(FrameBuilder.ipv4(ip("10.10.0.9"), outside(i)).tcp(40000 + i, 443, PacketRecord.TCP_SYN).ethernet());
                    frames.add(FrameBuilder.ipv4(outside(i), ip("10.10.0.9")).tcp(443, 40000 + i, PacketRecord.TCP_SYN | PacketRecord.TCP_ACK).ethernet());
                }
                if (s == 1) { // 10.10.0.21 probes 300 ports of one host, twice the threshold
                    for (int port = 1; port <= 300; port++) {
                        frames.add(FrameBuilder.ipv4(ip("10.10.0.21"), ip("192.0.2.50")).tcp(50000, port, PacketRecord.TCP_SYN).ethernet());
                    }
                }
                if (s == 2) { // 10.10.0.22 opens SMTP connections to 40 mail servers
                    for (int i = 0; i < 40; i++) {
                        frames.add(FrameBuilder.ipv4(ip("10.10.0.22"), outside(1000 + i)).tcp(51000 + i, 25, PacketRecord.TCP_SYN).ethernet());
                    }
                }
                if (s == 3) { // 10.10.0.23 sweeps SMB over 80 hosts (over winscan's 50; 100 probes would be a port scan too)
                    for (int i = 0; i < 80; i++) {
                        frames.add(FrameBuilder.ipv4(ip("10.10.0.23"), outside(2000 + i)).tcp(52000 + i, 445, PacketRecord.TCP_SYN).ethernet());
                    }
                }
                spread(w, s, frames);
            }
        }
        JsonNode summary = ReplayRig.replay(dir, conf, pcap, new HashMap<>());
        JsonNode threats = summary.path("threats");
        Map<String, String> byType = new HashMap<>();
        threats.forEach(t -> byType.put(t.path("type").asText(), t.path("offender").asText()));
        assertEquals(3, threats.size(), threats.toString());
        assertEquals(Map.of("portscan", "10.10.0.21", "spam", "10.10.0.22", "winscan", "10.10.0.23"), byType, threats.toString());
        assertEquals(List.of("portscan", "spam", "winscan"),
                List.of(threats.get(0).path("type").asText(), threats.get(1).path("type").asText(), threats.get(2).path("type").asText()));
        assertEquals("replay", threats.get(0).path("observer").asText());
        assertEquals("192.0.2.50", threats.get(0).path("details").path("attacked_hosts").get(0).asText());
        assertEquals(0, summary.path("bans").size(), "nothing crossed a ban threshold");
    }
}
