package fastnetmon.live;

import fastnetmon.detection.FlowTableTest;
import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * enable_connection_tracking = on with a real flood in network namespaces, the same traffic as FastNetMon
 * 1.2.4's reference (scripts/fastnetmon-conntrack-reference.sh): hping3 from one spoofed source moving its
 * source port on every packet, TCP SYN to port 80 and UDP to port 53, and TCP from the host's port 80. The
 * notify script's ban stdin ends with the flow list in FastNetMon's layout (incoming, then outgoing), cut
 * after ban_details_records_count + 1 flows per direction and protocol.
 */
class ConnectionTrackingLiveTest {
    private static final String VICTIM = "10.10.0.5";

    @TempDir
    Path dir;
    private NetnsRig rig;
    private Process detector;

    @AfterEach
    void tearDown() throws Exception {
        NetnsRig.kill(detector);
        if (rig != null) {
            rig.close();
        }
    }

    /** The text with every number as '#': the layout only. */
    private static String layout(String text) {
        return text.replaceAll("\\d+", "#");
    }

    @Test
    void banTextListsTheFloodsFlowsAsFastNetMonDoes() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "timeout");
        rig = NetnsRig.create();
        Path conf = DetectorFiles.config(dir, List.of("10.10.0.0/16"),
                "threshold_pps = 1000", "ban_for_bandwidth = off", "ban_for_flows = off",
                "ban_details_records_count = 5", "ban_time = 3600", "enable_connection_tracking = on",
                "mirror_afpacket = on", "prometheus = off", "api = off");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\ncat > \"" + dir + "/stdin-$4-$1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        detector = DetectorFiles.startCapturing(DetectorFiles.inMonitor(rig, dir, conf), dir.resolve("output.txt"));
        // Bounded: 2 x 20,000 + 1,000 packets at most, 10 s at most
        // and the host's own packets (spoofed here, the victim does not exist): TCP from its port 80 to moving ports
        rig.runInPeer(10, "sh", "-c", "hping3 -q -S -p 80 -a 192.0.2.7 -s 10000 -i u200 -c 20000 " + VICTIM + " & "
                + "hping3 -q --udp -p 53 -a 192.0.2.8 -s 20000 -i u400 -c 20000 " + VICTIM + " & "
                + "hping3 -q -S -A -a " + VICTIM + " -s 80 -k -p ++30000 -i u10000 -c 1000 192.0.2.9 & wait");
        Path stdin = dir.resolve("stdin-ban-" + VICTIM);
        long deadline = System.currentTimeMillis() + 15_000;
        while (!Files.exists(stdin) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(stdin), "no ban: " + Files.readString(dir.resolve("output.txt")));
        Thread.sleep(500); // the script has written all of it
        String ban = Files.readString(stdin);
        int at = ban.indexOf("Incoming\n");
        assertTrue(at > 0, ban);
        String flows = ban.substring(at);

        String reference = FlowTableTest.fixture("conntrack-ban-stdin.txt");
        String fastnetmons = reference.substring(reference.indexOf("Incoming\n"));
        assertEquals(layout(fastnetmons), layout(flows), "FastNetMon's layout:\n" + fastnetmons + "\nours:\n" + flows);
        assertEquals(layout(reference.substring(0, reference.indexOf("Incoming\n"))), layout(ban.substring(0, at)),
                "the description before the list");
        // Each flow is one packet of the flood, in FastNetMon's order: ports ascending
        for (String[] p : new String[][]{{"80 < ", "192.0.2.7", "54"}, {"53 < ", "192.0.2.8", "42"}, {"80 > ", "192.0.2.9", "54"}}) {
            Matcher m = Pattern.compile(Pattern.quote(VICTIM + ":" + p[0] + p[1] + ":") + "(\\d+) "
                    + p[2] + " bytes 1 packets\n").matcher(flows);
            int n = 0, last = -1;
            while (m.find()) {
                int port = Integer.parseInt(m.group(1));
                assertTrue(port > last, flows);
                last = port;
                n++;
            }
            assertEquals(6, n, flows);
        }
        // the details file starts with the same ban text
        try (Stream<Path> files = Files.list(dir.resolve("attacks"))) {
            String file = Files.readString(files.filter(f -> f.getFileName().toString().startsWith(VICTIM + "_"))
                    .findFirst().orElseThrow());
            assertTrue(DetectorFiles.withoutPeak(file).startsWith(DetectorFiles.withoutPeak(ban) + "\n\n"), file); // its peak may have risen since
        }
    }
}
