package fastnetmon;

import fastnetmon.config.Configuration;
import fastnetmon.detection.BaselineSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ban state file (and the baselines' beside it) is tied to the configuration unless ban_state_path says otherwise. */
class InstancePathsTest {
    @TempDir
    Path dir;

    private Configuration conf(String folder, String extra) throws Exception {
        Path d = Files.createDirectories(dir.resolve(folder));
        Files.writeString(d.resolve("networks_list"), "10.0.0.0/8\n");
        Path f = d.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = networks_list\nwhite_list_path =\n" + extra);
        return Configuration.load(f);
    }

    @Test
    void twoConfigurationsNeverShareTheirBans() throws Exception {
        Path a = ProcessSettings.from(conf("a", "")).banState(), b = ProcessSettings.from(conf("b", "")).banState();
        assertNotEquals(a, b);
        String expect = dir.resolve("a/fastnetmon.conf").toAbsolutePath().toString().substring(1).replace('/', '-');
        assertEquals(Path.of("/var/lib/fastnetmon-java", expect + ".bans.json"), a);
    }

    @Test
    void setMeansThatFileAndEmptyMeansNone() throws Exception {
        assertEquals(dir.resolve("c/state.json"), ProcessSettings.from(conf("c", "ban_state_path = state.json\n")).banState());
        assertNull(ProcessSettings.from(conf("d", "ban_state_path =\n")).banState());
    }

    @Test
    void learnedBaselinesAreKeptBesideTheBansLiveAndNotInAReplay() throws Exception {
        Configuration c = conf("e", "baseline_detection = on\n");
        Path state = InstancePaths.defaultBaselineState(c.file());
        String bans = ProcessSettings.from(c).banState().getFileName().toString();
        assertEquals(bans.replace(".bans.json", ".baselines"), state.getFileName().toString());
        assertEquals(state, BaselineSettings.from(c, state, true).statePath());
        assertNull(BaselineSettings.from(c, state, false).statePath()); // a replay
        Configuration set = conf("f", "baseline_state_path = learned\n"), none = conf("g", "baseline_state_path =\n");
        assertEquals(dir.resolve("f/learned"), BaselineSettings.from(set, state, true).statePath());
        assertNull(BaselineSettings.from(none, state, true).statePath());
    }
}
