package fastnetmon.cluster;

import fastnetmon.detection.BanEvent;
import fastnetmon.detection.BanListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * An aggregator's ban events on their way to the actions, held back while it is not sure it still holds
 * the lease (Redis away for longer than the lease time: the standby may have taken over and be acting on
 * the same bans). Renewed again, the held events go on, in order, late but not lost; the lease found in
 * another's hands, they are dropped, since the other aggregator took the bans up from the ban list and
 * acts on them, and this one stops.
 *
 * <p>Threading: {@link #onEvent} on the evaluator's thread, the others on the lease's; one lock, taken for
 * a ban event (rare: never per packet), and held while events are handed on so that they stay in order
 * ({@link BanListener}s return at once).
 */
public final class LeaseGate implements BanListener {
    private static final Logger log = LoggerFactory.getLogger(LeaseGate.class);
    /** Events held at most; a ban's life is three, so this is thousands of bans. */
    static final int MAX_HELD = 100_000;

    private final BanListener actions;
    private final ArrayDeque<BanEvent> held = new ArrayDeque<>(); // guarded by this
    private boolean holding; // guarded by this
    private boolean closed; // guarded by this
    private long dropped; // guarded by this

    public LeaseGate(BanListener actions) {
        this.actions = actions;
    }

    @Override
    public synchronized void onEvent(BanEvent event) {
        if (closed) {
            dropped++;
        } else if (!holding) {
            actions.onEvent(event);
        } else if (held.size() < MAX_HELD) {
            held.add(event);
        } else {
            dropped++;
        }
    }

    /** Holds events back from now on. */
    public synchronized void hold(String why) {
        if (!holding && !closed) {
            holding = true;
            log.warn("cluster: ban events held back ({})", why);
        }
    }

    /** Hands the held events on, in order, and lets the next ones through. */
    public synchronized void release() {
        if (closed) {
            return;
        }
        holding = false;
        if (!held.isEmpty()) {
            log.info("cluster: {} held ban events carried out now", held.size());
        }
        for (BanEvent e; (e = held.poll()) != null; ) {
            actions.onEvent(e);
        }
    }

    /** Another aggregator acts now: what was held and what comes is dropped. */
    public synchronized void close() {
        closed = true;
        dropped += held.size();
        if (!held.isEmpty()) {
            log.warn("cluster: {} held ban events dropped: the active aggregator took the bans up", held.size());
        }
        held.clear();
    }

    /** Events dropped: held beyond {@link #MAX_HELD}, or after {@link #close}. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Events held now. */
    public synchronized int heldCount() {
        return held.size();
    }
}
