package fastnetmon.action;

import fastnetmon.detection.Attack;

import java.util.List;

/**
 * An action that keeps bans somewhere else (Redis) and offers them at start, so that a restart, or a
 * second detector reading the same place, takes them up. {@link ActionRegistry#recover} merges them with
 * the ban-state journal's, each ban (host, direction and ban time) once.
 *
 * <p>Threading: called once, on the thread that starts the detector; it may block, bounded by the
 * action's own timeout (a few seconds).
 */
public interface BanSource {
    /** The bans in force that the action holds; empty when it cannot tell now (said in one line). */
    List<Attack> bansInForce();
}
