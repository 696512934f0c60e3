package fastnetmon.packaging;

import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package's parts from packaging/: the systemd unit passes {@code systemd-analyze verify} with no
 * message at all, and the configuration the .deb installs has only paths of its own (never FastNetMon's
 * /var/log/fastnetmon.log, /var/run/fastnetmon.pid or /etc/networks_list).
 */
class PackagingTest {
    private static final Path REPO = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    record Run(int exit, String output) {
    }

    private static Run run(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        return new Run(p.exitValue(), out);
    }

    /** The unit as installed, but starting the repository's launcher (the installed one is not here). */
    private Path unit(String replaceWhat, String with) throws Exception {
        String text = Files.readString(REPO.resolve("packaging/fastnetmon-java.service"))
                .replace("ExecStart=/usr/sbin/fastnetmon-java", "ExecStart=" + REPO.resolve("packaging/fastnetmon-java"))
                .replace(replaceWhat, with);
        Path unit = dir.resolve("fastnetmon-java.service");
        Files.writeString(unit, text);
        return unit;
    }

    @Test
    void unitPassesSystemdAnalyzeVerifyWithoutAWord() throws Exception {
        NetnsRig.assumeAvailable("systemd-analyze");
        // --man=no: the man page is installed by the package, not present in a build tree
        Run ok = run(dir, "systemd-analyze", "verify", "--man=no", unit("", "").toString());
        assertEquals(new Run(0, ""), new Run(ok.exit(), aboutOurUnit(ok.output())));
        // The check can fail: a typo in the unit is reported (systemd-analyze exits 0 but says so)
        Run bad = run(dir, "systemd-analyze", "verify", "--man=no", unit("Type=forking", "Type=forkin").toString());
        assertTrue(bad.output().contains("Failed to parse service type"), bad.toString());
    }

    /**
     * The lines that are not about another package's installed unit: verify also loads the units ours
     * is ordered with, and their own obsolete settings (graphite-carbon's, say) are not ours to fix.
     */
    private static String aboutOurUnit(String output) {
        StringBuilder sb = new StringBuilder();
        for (String line : output.lines().toList()) {
            if (!line.matches("^/(usr/)?lib/systemd/system/[^:]+:.*") && !line.startsWith("/etc/systemd/")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void installedConfigurationHasPathsOfItsOwn() throws Exception {
        Path etc = dir.resolve("etc");
        Run r = run(REPO, "sh", REPO.resolve("packaging/etc-conf.sh").toString(), REPO.toString(), etc.toString());
        assertEquals(0, r.exit(), r.output());
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(etc.resolve("fastnetmon.conf"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                keys.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        assertEquals("/var/log/fastnetmon-java/fastnetmon.log", keys.get("log_file"));
        assertEquals("/run/fastnetmon-java/fastnetmon.pid", keys.get("pid_path"));
        assertEquals("/var/lib/fastnetmon-java/bans.json", keys.get("ban_state_path"));
        assertEquals("/var/lib/fastnetmon-java/baselines", keys.get("baseline_state_path"));
        assertEquals("/etc/fastnetmon-java/networks_list", keys.get("networks_list_path"));
        assertEquals("/etc/fastnetmon-java/networks_whitelist", keys.get("white_list_path"));
        assertEquals("/etc/fastnetmon-java/notify_about_attack.sh", keys.get("notify_script_path"));
        assertEquals("/var/log/fastnetmon-java/attacks", keys.get("attack_details_folder"));
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().endsWith("_path") || e.getKey().endsWith("_file") || e.getKey().endsWith("_folder")) {
                assertTrue(e.getValue().isEmpty() || e.getValue().startsWith("/"), e.getKey() + " = " + e.getValue());
            }
        }
        for (String f : List.of("networks_list", "networks_whitelist", "notify_about_attack.sh")) {
            assertTrue(Files.exists(etc.resolve(f)), f);
        }
        assertTrue(Files.isExecutable(etc.resolve("notify_about_attack.sh")));
        assertFalse(Files.readString(etc.resolve("fastnetmon.conf")).contains("= ../"));
    }
}
