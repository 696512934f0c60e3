package fastnetmon.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.config.AtomicFile;
import fastnetmon.detection.Attack;
import fastnetmon.mitigation.Announcement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What one mitigation action has put in force and for which bans, kept across restarts in its own file
 * beside the ban-state file ({@code {"bans": [{ban fields, "wanted": [...]}], "in_force": [...]}}), so
 * that a restart withdraws on time exactly what was announced before, even if the daemon's config
 * changed since. Written whole (through {@link AtomicFile}) after every change; a file that cannot be
 * read is kept aside with one line, as the ban-state file is.
 *
 * <p>Threading: called by its action under the action's lock; not thread-safe on its own.
 */
final class MitigationLedger {
    private static final Logger log = LoggerFactory.getLogger(MitigationLedger.class);

    /** A ban and what it wants in force. */
    record Ban(Attack attack, List<Announcement> wanted) {
    }

    /** What the file held. */
    record State(List<Ban> bans, List<Announcement> inForce) {
        static final State EMPTY = new State(List.of(), List.of());
    }

    private final Path path;
    private final String what;

    /** @param action the action's name, in the log lines ("gobgp announcement ledger") */
    MitigationLedger(Path path, String action) {
        this.path = path;
        this.what = action + " announcement ledger";
    }

    /** The ledger of an action beside the ban-state file: STATE.ACTION.json (STATE without its .json). */
    static Path beside(Path banState, String action) {
        String name = banState.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return banState.resolveSibling(base + "." + action + ".json");
    }

    Path path() {
        return path;
    }

    State load() {
        JsonNode root = BanStateCodec.readBans(path, what);
        if (root == null) {
            return State.EMPTY;
        }
        List<Ban> bans = new ArrayList<>();
        boolean skipped = false;
        int n = 0;
        for (JsonNode b : root.path("bans")) {
            n++;
            try {
                List<Announcement> wanted = new ArrayList<>();
                for (JsonNode a : b.path("wanted")) {
                    wanted.add(Announcement.fromJson(a));
                }
                bans.add(new Ban(BanStateCodec.decodeAttack(b), List.copyOf(wanted)));
            } catch (IllegalArgumentException e) {
                skipped = true;
                log.error("{} {}: ban {} skipped: {}", what, path, n, e.getMessage());
            }
        }
        List<Announcement> inForce = new ArrayList<>();
        n = 0;
        for (JsonNode a : root.path("in_force")) {
            n++;
            try {
                inForce.add(Announcement.fromJson(a));
            } catch (IllegalArgumentException e) {
                skipped = true;
                log.error("{} {}: announcement {} in force skipped: {}", what, path, n, e.getMessage());
            }
        }
        if (skipped) {
            BanStateCodec.copyAside(path, what);
        }
        return new State(List.copyOf(bans), List.copyOf(inForce));
    }

    /** Replaces the file with this state; false (said in one line) when it could not be written. */
    boolean save(Collection<Ban> bans, Collection<Announcement> inForce) {
        ObjectNode root = BanStateCodec.JSON.createObjectNode();
        ArrayNode list = root.putArray("bans");
        for (Ban b : bans) {
            ObjectNode o = BanStateCodec.encodeAttack(b.attack(), list.addObject());
            ArrayNode wanted = o.putArray("wanted");
            b.wanted().forEach(a -> a.toJson(wanted.addObject()));
        }
        ArrayNode force = root.putArray("in_force");
        inForce.forEach(a -> a.toJson(force.addObject()));
        try {
            byte[] text = BanStateCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            AtomicFile.replace(path, out -> out.write(text));
            return true;
        } catch (IOException e) {
            log.error("{} {} cannot be written: {}; a restart may not take up what is announced now", what, path, e.toString());
            return false;
        }
    }
}
