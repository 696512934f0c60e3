package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/** The registry as the detector builds it (details file, then the script), driven with ban events. */
final class TestActions {
    final ScriptAction script;
    final ActionRegistry registry;

    TestActions(Path script, Duration timeout, Path detailsFolder) {
        this(script, timeout, detailsFolder, 8, null);
    }

    TestActions(Path script, Duration timeout, Path detailsFolder, int parallelism, Path banState) {
        this.script = new ScriptAction(script, timeout, ZoneOffset.UTC);
        ActionRegistry.Builder b = ActionRegistry.builder(banState);
        if (detailsFolder != null) {
            b.add(new DetailsFileAction(detailsFolder, ZoneOffset.UTC), 1);
        }
        this.registry = b.add(this.script, parallelism).build();
    }

    static BanEvent event(BanEvent.Kind kind, Attack a) {
        return new BanEvent(kind, a, a.bannedAtNanos);
    }

    void ban(Attack a) {
        registry.onEvent(event(BanEvent.Kind.BAN, a));
    }

    void attackDetails(Attack a) {
        registry.onEvent(event(BanEvent.Kind.ATTACK_DETAILS, a));
    }

    void unban(Attack a) {
        registry.onEvent(event(BanEvent.Kind.UNBAN, a));
    }

    List<ScriptCall> history() {
        return script.history();
    }

    boolean awaitIdle(Duration max) {
        return registry.awaitIdle(max);
    }

    boolean close() {
        return registry.close();
    }
}
