package fastnetmon.capture.pfring;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        Files.writeString(dir.resolve("networks_list"), "10.10.0.0/16\n");
        Path calls = dir.resolve("calls.log");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\ncat > /dev/null\necho \"$1 $2 $4\" >> \"" + calls + "\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = dir.resolve("fastnetmon.conf");
        Files.writeString(conf, String.join("\n", "networks_list_path = networks_list", "white_list_path =",
                "notify_script_path = notify.sh", "log_file = fastnetmon.log", "pid_path = fastnetmon.pid",
                "attack_details_folder = attacks", "ban_state_path = bans.json", "threshold_pps = 20000",
                "ban_details_records_count = 10", "pfring = on", "mirror_afpacket = off", "prometheus = off",
                "api = off", ""));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + PfRingLibrary.PATH_PROPERTY + "=" + lib, "-cp", System.getProperty("java.class.path"),
                "fastnetmon.FastNetMon", "--configuration_file", conf.toString(), "--log_to_console", "lo")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("PFRING_STANDIN_PCAP", pcap.toString());
        Process p = pb.start();
        try {
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                if (Files.exists(calls) && Files.readAllLines(calls).contains("10.10.0.5 incoming ban")) {
                    break;
                }
                if (!p.isAlive()) {
                    fail("detector exited: " + Files.readString(dir.resolve("out.txt")));
                }
                Thread.sleep(100);
            }
            assertTrue(Files.exists(calls), Files.readString(dir.resolve("out.txt")));
            assertTrue(Files.readString(dir.resolve("out.txt")).contains("capturing on lo with PF_RING"));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "detector did not stop on SIGTERM");
        }
        // The file was served at once, so no packet came after the ban: stopping sends the details it has.
        assertEquals(List.of("10.10.0.5 incoming ban", "10.10.0.5 incoming attack_details"), Files.readAllLines(calls),
                Files.readString(dir.resolve("out.txt")));
    }
}
