package fastnetmon.action;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;

/**
 * Run in a JVM of its own by {@link ScriptReaperTest}: starts a script that hangs (args: script, file
 * the script writes once running), then exits the JVM without closing anything, as a detector that
 * gives up on its orderly stop would.
 */
public final class ScriptReaperMain {
    private ScriptReaperMain() {
    }

    public static void main(String[] args) throws Exception {
        Path script = Path.of(args[0]);
        Path started = Path.of(args[1]);
        ActionRegistry registry = ActionRegistry.builder(null).stopBound(Duration.ofSeconds(1))
                .add(new ScriptAction(script, Duration.ofSeconds(600), ZoneOffset.UTC), 4).build();
        registry.onEvent(TestActions.event(fastnetmon.detection.BanEvent.Kind.BAN, Fixtures.synFlood()));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(started) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.exit(3);
    }
}
