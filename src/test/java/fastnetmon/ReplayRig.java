package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The files a replay test runs a real detector process with, in its folder: networks_list 10.10.0.0/16,
 * an executable notify script (whose output goes to {@code script-out/}), and a configuration; and the
 * replay itself, which returns the JSON summary.
 */
final class ReplayRig {
    private ReplayRig() {
    }

    /**
     * Writes the files; returns the configuration.
     *
     * @param scriptBody the notify script after its {@code #!/bin/sh} line; {@code OUT} stands for the
     *                   script-out folder
     * @param lines      configuration lines after the paths (thresholds, switches)
     */
    static Path setUp(Path dir, String scriptBody, String... lines) throws Exception {
        Files.writeString(dir.resolve("networks_list"), "10.10.0.0/16\n");
        Path out = Files.createDirectories(dir.resolve("script-out"));
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\n" + scriptBody.replace("OUT", out.toString()) + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> conf = new ArrayList<>(List.of(
                "networks_list_path = networks_list",
                "notify_script_path = notify.sh",
                "log_file = log/fastnetmon.log",
                "attack_details_folder = attacks",
                "pid_path = log/fastnetmon.pid"));
        conf.addAll(List.of(lines));
        conf.add("");
        Path file = dir.resolve("fastnetmon.conf");
        Files.writeString(file, String.join("\n", conf));
        return file;
    }

    /** Replays {@code pcap} in a detector process; returns its JSON summary and puts its bans by IP in {@code bans}. */
    static JsonNode replay(Path dir, Path conf, Path pcap, Map<String, JsonNode> bans) throws Exception {
        Processes.Result r = Processes.fastnetmon(dir, "--configuration_file", conf.toString(), "--pcap_file", pcap.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode summary = new ObjectMapper().readTree(r.lastLine());
        summary.path("bans").forEach(b -> bans.put(b.path("ip").asText(), b));
        return summary;
    }
}
