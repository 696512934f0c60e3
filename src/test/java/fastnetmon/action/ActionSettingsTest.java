package fastnetmon.action;

import fastnetmon.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The actions' keys are read once, typed, and the registry is built from them. */
class ActionSettingsTest {
    @TempDir
    Path dir;

    private Configuration config(String lines) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\nwhite_list_path =\n" + lines);
        return Configuration.load(f);
    }

    @Test
    void readsEveryActionKey() throws Exception {
        ActionSettings s = ActionSettings.from(config("notify_script_path = notify.sh\nnotify_script_timeout = 7\n"
                + "notify_script_max_running = 5\nattack_details_folder = attacks\n"));
        assertEquals(new ActionSettings(true, dir.resolve("notify.sh"), Duration.ofSeconds(7), 5, dir.resolve("attacks"), 60, false), s);
        assertEquals(dir.resolve("notify.sh"), s.script());

        ActionSettings off = ActionSettings.from(config("notify_script_enabled = off\nnotify_script_path = notify.sh\n"
                + "attack_details_folder =\n"));
        assertNull(off.script(), "a disabled script is not called");
        assertEquals(dir.resolve("notify.sh"), off.scriptPath());
        assertNull(off.detailsFolder());
    }

    @Test
    void theRegistryIsBuiltFromThem() throws Exception {
        ActionRegistry r = ActionRegistry.forReplay(config("notify_script_enabled = off\nnotify_script_max_running = 5\n"
                + "attack_details_folder =\n"));
        try {
            assertEquals(1, r.stats().size(), "no details folder: the script only");
            assertEquals(new ActionStats("script", 0, 0, 0, 0, 0, 0, 5), r.stats().get(0));
        } finally {
            r.close();
        }
    }
}
