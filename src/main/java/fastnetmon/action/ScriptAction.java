package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The operator's notify script with FastNetMon 1.2.4's contract: {@code SCRIPT IP DIRECTION PPS
 * ban|attack_details|unban}, stdin the attack description (ban), the description and sample lines
 * (attack_details) or nothing (unban). Not called for a ban restored at start. With no script
 * configured, each call is one log line.
 *
 * <p>Threading: {@link #handle} runs on the registry's workers, concurrently for different hosts;
 * the history is thread-safe; {@link #close} kills this action's running scripts with their trees.
 */
public final class ScriptAction implements Action {
    private static final Logger log = LoggerFactory.getLogger(ScriptAction.class);

    private final NotifyScript script;
    private final ZoneId zone;
    private final List<ScriptCall> history = new CopyOnWriteArrayList<>();

    /**
     * @param script  notify script, or null when notify_script is disabled (log lines only)
     * @param timeout how long a call may run before it is killed with its process tree (null: 60 s)
     * @param zone    time zone of the sample times (FastNetMon uses local time)
     */
    public ScriptAction(Path script, Duration timeout, ZoneId zone) {
        this.script = script == null ? null : new NotifyScript(script, timeout);
        this.zone = zone == null ? ZoneId.systemDefault() : zone;
    }

    @Override
    public String name() {
        return "script";
    }

    @Override
    public void handle(BanEvent event) throws Failed {
        if (event.kind() == BanEvent.Kind.RESTORED) {
            return; // as FastNetMon: a restored ban calls no script
        }
        Attack a = event.attack();
        String action = event.kind().name().toLowerCase(Locale.ROOT);
        String direction = a.direction.text();
        long pps = a.initialPps();
        int code = ScriptCall.NO_SCRIPT;
        if (script == null) {
            log.info("{} {} {} {} {} pps: no notify script", action, a.ip, direction, a.attackType, pps);
        } else {
            log.info("{} {} {} {} {} pps: running {}", action, a.ip, direction, a.attackType, pps, script.path());
            code = script.run(a.ip, List.of(a.ip, direction, Long.toString(pps), action), stdin(event));
        }
        history.add(new ScriptCall(a.ip, action, code));
        if (code != 0 && code != ScriptCall.NO_SCRIPT) {
            throw new Failed("exit code " + code); // NotifyScript has logged why
        }
    }

    private String stdin(BanEvent event) {
        Attack a = event.attack();
        return switch (event.kind()) {
            case BAN -> AttackText.description(a);
            case ATTACK_DETAILS -> AttackText.details(a, zone);
            default -> "";
        };
    }

    /** Every call made so far, in completion order. */
    public List<ScriptCall> history() {
        return List.copyOf(history);
    }

    @Override
    public void close() {
        if (script != null) {
            script.killRunning();
        }
    }
}
