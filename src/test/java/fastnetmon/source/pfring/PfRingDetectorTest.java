package fastnetmon.source.pfring;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * `./fastnetmon lo` with `pfring = on`, as an operator runs it, with the stand-in libpfring serving a
 * SYN flood from a capture file: the detector process bans the flooded host through PF_RING.
 */
class PfRingDetectorTest {
    @TempDir
    Path dir;

    @Test
    void theDetectorBansAFloodSeenThroughPfRing() throws Exception {
        Path lib = StandIn.library();
        Path pcap = dir.resolve("flood.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int i = 0; i < 40_000; i++) {
                w.write(i * 1000L, FrameBuilder.ipv4((100 << 24) | (64 << 16) | i, (10 << 24) | (10 << 16) | 5)
                        .tcp(1024 + i % 60000, 80, PacketRecord.TCP_SYN).ethernet());
            }
        }
        Path calls = dir.resolve("calls.log");
        DetectorFiles.recordingScript(dir, calls, "$1 $2 $4");
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"), "threshold_pps = 20000",
                "ban_details_records_count = 10", "pfring = on", "mirror_afpacket = off", "prometheus = off", "api = off");
        Path output = dir.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(DetectorFiles.command(List.of("-D" + PfRingLibrary.PATH_PROPERTY + "=" + lib),
                "--configuration_file", conf.toString(), "--log_to_console", "lo")).directory(dir.toFile());
        pb.environment().put("PFRING_STANDIN_PCAP", pcap.toString());
        Process p = DetectorFiles.startCapturing(pb, output);
        try {
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                if (Files.exists(calls) && Files.readAllLines(calls).contains("10.10.0.5 incoming ban")) {
                    break;
                }
                if (!p.isAlive()) {
                    fail("detector exited: " + Files.readString(output));
                }
                Thread.sleep(100);
            }
            assertTrue(Files.exists(calls), Files.readString(output));
            assertTrue(Files.readString(output).contains("capturing on lo with PF_RING"));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "detector did not stop on SIGTERM");
        }
        // The file was served at once, so no packet came after the ban: stopping sends the details it has.
        assertEquals(List.of("10.10.0.5 incoming ban", "10.10.0.5 incoming attack_details"), Files.readAllLines(calls),
                Files.readString(output));
    }
}
