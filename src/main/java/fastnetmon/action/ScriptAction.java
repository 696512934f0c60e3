package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.geoip.OriginLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * The operator's notify script with FastNetMon 1.2.4's contract: {@code SCRIPT IP DIRECTION PPS
 * ban|attack_details|unban}, stdin the attack description (ban), the description and sample lines
 * (attack_details) or nothing (unban). Not called for a ban restored at start. With no script
 * configured, each call is one log line.
 *
 * <p>Threading: {@link #handle} runs on the registry's workers, concurrently for different hosts;
 * the history is guarded by itself; {@link #close} kills this action's running scripts with their trees.
 */
public final class ScriptAction implements Action {
    private static final Logger log = LoggerFactory.getLogger(ScriptAction.class);

    private final NotifyScript script;
    private final ZoneId zone;
    private final OriginLookup origins;
    /** The last {@link #HISTORY} calls; guarded by itself. */
    private final ArrayDeque<ScriptCall> history = new ArrayDeque<>();
    static final int HISTORY = 1000;

    /**
     * @param script  notify script, or null when notify_script is disabled (log lines only)
     * @param timeout how long a call may run before it is killed with its process tree (null: 60 s)
     * @param zone    time zone of the sample times (FastNetMon uses local time)
     */
    public ScriptAction(Path script, Duration timeout, ZoneId zone) {
        this(script, timeout, zone, OriginLookup.NONE);
    }

    /** @param origins where attacks come from, for their description (GeoIP) */
    public ScriptAction(Path script, Duration timeout, ZoneId zone, OriginLookup origins) {
        this.script = script == null ? null : new NotifyScript(script, timeout);
        this.zone = zone == null ? ZoneId.systemDefault() : zone;
        this.origins = origins;
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
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(new ScriptCall(a.ip, action, code));
        }
        if (code != 0 && code != ScriptCall.NO_SCRIPT) {
            throw new Failed("exit code " + code); // NotifyScript has logged why
        }
    }

    private String stdin(BanEvent event) {
        Attack a = event.attack();
        return switch (event.kind()) {
            case BAN -> AttackText.banText(a, origins.of(a));
            case ATTACK_DETAILS -> AttackText.details(a, origins.of(a), zone);
            default -> "";
        };
    }

    /** The last 1000 calls, in completion order. */
    public List<ScriptCall> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public void close() {
        if (script != null) {
            script.killRunning();
        }
    }
}
