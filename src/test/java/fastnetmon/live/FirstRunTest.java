package fastnetmon.live;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's first command from a fresh clone: no --configuration_file and no interface. The clone's
 * conf/ is used even where FastNetMon's /etc/fastnetmon.conf exists (CI installs FastNetMon), and it
 * captures on the interface of the default route and says so. The clone is the repository's conf/,
 * networks and script copied to a folder of the test, but for cli_stats_file_path, moved from
 * /tmp/fastnetmon.dat into the test's folder; the detector runs in the rig's monitor namespace, whose
 * default route goes through mon0.
 */
class FirstRunTest {
    private static final Path REPO = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void freshCloneUsesItsOwnConfigurationAndTheDefaultRoutesInterface() throws Exception {
        NetnsRig.assumeAvailable("ip");
        Path clone = dir.resolve("clone");
        Files.createDirectories(clone.resolve("conf"));
        Files.writeString(clone.resolve("conf/fastnetmon.conf"), Files.readString(REPO.resolve("conf/fastnetmon.conf"))
                .replace("cli_stats_file_path = /tmp/fastnetmon.dat", "cli_stats_file_path = ../fastnetmon.dat"));
        for (String f : List.of("networks_list", "networks_whitelist", "notify_about_attack.sh")) {
            Files.copy(REPO.resolve(f), clone.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        try (NetnsRig rig = NetnsRig.create()) {
            NetnsRig.run("ip", "-n", rig.mon, "route", "add", "default", "dev", NetnsRig.MON_IF);
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", rig.mon));
            cmd.addAll(DetectorFiles.command(List.of("-Dfastnetmon.home=" + clone)));
            Path out = dir.resolve("out.txt");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                Path log = clone.resolve("log/fastnetmon.log");
                long deadline = System.currentTimeMillis() + 60_000;
                while (!(Files.exists(log) && Files.readString(log).contains("capturing on " + NetnsRig.MON_IF + " with"))) {
                    if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                        fail("did not start: " + Files.readString(out) + (Files.exists(log) ? Files.readString(log) : ""));
                    }
                    Thread.sleep(100);
                }
                String said = Files.readString(out), logged = Files.readString(log);
                assertTrue(said.contains("no interface named or configured: capturing on " + NetnsRig.MON_IF
                        + " (the default route's)"), "said: [" + said + "]");
                assertTrue(logged.contains("starting with " + clone.resolve("conf/fastnetmon.conf")), logged);
                assertTrue(logged.contains("capturing on " + NetnsRig.MON_IF + " with AF_PACKET"), logged);
                assertTrue(Files.readString(clone.resolve("conf/fastnetmon.conf")).contains("cli_stats_file_path = ../fastnetmon.dat"));
            } finally {
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
            }
        }
    }
}
