package fastnetmon.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SamplePacket;
import fastnetmon.detection.SubnetKey;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The ban-state file's format ({@code {"bans": [...]}}, one object per ban with its pending steps) and
 * its reading, which never loses what it cannot read: a bad entry is skipped with one line naming it
 * (the file as it was is copied aside), a file that cannot be read as a whole is renamed aside with
 * one line, an empty file says so. Files written before the journal (no step fields) read as bans in
 * force whose ban call was made.
 *
 * <p>Threading: stateless; any thread.
 */
final class BanStateCodec {
    private static final Logger log = LoggerFactory.getLogger(BanStateCodec.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** A state file past this is not ours (a few hundred bytes a ban): kept aside, not read. */
    static final long MAX_BYTES = 64L << 20;
    private static final DateTimeFormatter ASIDE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private BanStateCodec() {
    }

    static ObjectNode encode(Collection<JournalEntry> entries) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("bans");
        for (JournalEntry e : entries) {
            Attack a = e.attack;
            ObjectNode b = encodeAttack(a, list.addObject());
            b.put("ban_done", e.banDone);
            b.put("details_requested", e.detailsRequested);
            b.put("details_done", e.detailsDone);
            b.put("unban_requested", e.unbanRequested);
            if (e.detailsRequested && !e.detailsDone) {
                ArrayNode samples = b.putArray("samples");
                for (SamplePacket s : a.samples) {
                    samples.add(JSON.valueToTree(s));
                }
            }
        }
        return root;
    }

    /**
     * One ban's fields, as the state file and Redis's ban list keep them: what triggered it and its time, with
     * the triggering second's counters in full, so that a call made again has the same text. Into {@code b}.
     */
    static ObjectNode encodeAttack(Attack a, ObjectNode b) {
        Direction d = a.direction;
        b.put("ip", a.ip);
        b.put("direction", a.direction.text());
        b.put("attack_type", a.attackType);
        b.put("protocol", a.protocol);
        b.put("pps", a.initialPps());
        b.put("mbps", a.initial.mbps(d, TrafficClass.TOTAL));
        b.put("flows", Math.round(a.initial.flowsPerSecond(d, TrafficClass.TOTAL)));
        b.put("peak_pps", a.peakPps);
        b.put("banned_at_ns", a.bannedAtNanos);
        b.put("hostgroup", a.hostgroup);
        b.put("reason", a.reason);
        ObjectNode counters = b.putObject("initial");
        counters.set("packets", JSON.valueToTree(a.initial.packets));
        counters.set("bytes", JSON.valueToTree(a.initial.bytes));
        counters.set("flows", JSON.valueToTree(a.initial.flows));
        counters.put("seconds", a.initial.seconds);
        return b;
    }

    /** The entries of {@code path}; empty when it does not exist or cannot be read (said in one line). */
    static List<JournalEntry> load(Path path) {
        List<JournalEntry> out = new ArrayList<>();
        JsonNode root = readBans(path, "ban state file");
        if (root == null) {
            return out;
        }
        int n = 0;
        boolean skipped = false;
        for (JsonNode b : root.path("bans")) {
            n++;
            try {
                out.add(decode(b));
            } catch (IllegalArgumentException e) {
                skipped = true;
                log.error("ban state file {}: entry {} skipped: {}", path, n, e.getMessage());
            }
        }
        if (skipped) {
            copyAside(path, "ban state file");
        }
        return out;
    }

    /**
     * A state file holding {@code {"bans": [...]}} ({@code what}: "ban state file", ...), or null when there is
     * none or it cannot be read: said in one line, and a file that is not such a state is renamed aside so the
     * next write cannot erase what it held.
     */
    static JsonNode readBans(Path path, String what) {
        if (!Files.exists(path)) {
            return null;
        }
        JsonNode root;
        try {
            if (!Files.isRegularFile(path)) {
                log.error("{} {} is not a regular file: starting without the bans it would hold", what, path);
                return null;
            }
            if (Files.size(path) > MAX_BYTES) {
                keepAside(path, what, "is larger than " + (MAX_BYTES >> 20) + " MiB");
                return null;
            }
            String text = Files.readString(path);
            if (text.isBlank()) {
                log.warn("{} {} is empty: no bans to take up", what, path);
                return null;
            }
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            keepAside(path, what, "cannot be read (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " at line " + e.getLocation().getLineNr() + ")");
            return null;
        } catch (IOException e) {
            log.error("{} {} cannot be read: {}; starting without the bans it held", what, path, e.toString());
            return null;
        }
        if (root == null || !root.isObject() || !root.path("bans").isArray()) {
            keepAside(path, what, "does not hold {\"bans\": [...]} but " + shape(root));
            return null;
        }
        return root;
    }

    private static JournalEntry decode(JsonNode b) {
        JournalEntry e = new JournalEntry(decodeAttack(b));
        e.banDone = b.path("ban_done").asBoolean(true);
        e.detailsRequested = b.path("details_requested").asBoolean(false);
        e.detailsDone = b.path("details_done").asBoolean(false);
        e.unbanRequested = b.path("unban_requested").asBoolean(false);
        return e;
    }

    /** The ban {@link #encodeAttack} wrote (and its sample packets, when kept); IllegalArgumentException naming what is wrong. */
    static Attack decodeAttack(JsonNode b) {
        if (!b.isObject()) {
            throw new IllegalArgumentException("not an object but " + shape(b));
        }
        String ip = b.path("ip").asText("");
        long[] addr = ip.indexOf('/') >= 0 ? networkKey(ip) : IpAddresses.parse(ip);
        if (addr == null) {
            throw new IllegalArgumentException("'" + ip + "' is not an IP address");
        }
        String dirText = b.path("direction").asText("");
        // "other": a ban by hand with no direction (FastNetMon's word for it), which must survive a restart too
        Direction dir = switch (dirText) {
            case "incoming" -> Direction.INCOMING;
            case "outgoing" -> Direction.OUTGOING;
            case "other" -> Direction.OTHER;
            default -> throw new IllegalArgumentException(ip + ": direction '" + dirText + "' is not incoming, outgoing or other");
        };
        if (!b.path("banned_at_ns").canConvertToExactIntegral()) {
            throw new IllegalArgumentException(ip + ": banned_at_ns is missing or not an integer");
        }
        HostTraffic initial = new HostTraffic();
        if (dir.perHost()) {
            initial.packets[HostTraffic.index(dir, TrafficClass.TOTAL)] = b.path("pps").asLong();
            initial.bytes[HostTraffic.index(dir, TrafficClass.TOTAL)] = b.path("mbps").asDouble() * 1e6 / 8;
            initial.flows[HostTraffic.index(dir, TrafficClass.TOTAL)] = b.path("flows").asLong();
        }
        JsonNode counters = b.path("initial");
        if (counters.isObject()) {
            readArray(counters.path("packets"), initial.packets, ip);
            readArray(counters.path("bytes"), initial.bytes, ip);
            readArray(counters.path("flows"), initial.flows, ip);
            initial.seconds = counters.path("seconds").asDouble(1);
        }
        List<SamplePacket> samples = new ArrayList<>();
        for (JsonNode s : b.path("samples")) {
            try {
                samples.add(JSON.treeToValue(s, SamplePacket.class));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new IllegalArgumentException(ip + ": a sample packet cannot be read");
            }
        }
        long initialPps = Math.round(initial.pps(dir, 0));
        // The evaluator does not collect samples for a restored ban again (BanBook.restore).
        Cidr network = SubnetKey.cidrOf(addr[0], addr[1]);
        return new Attack(network != null ? network.toString() : IpAddresses.format(addr[0], addr[1]), addr[0], addr[1], dir,
                b.path("attack_type").asText("unknown"), b.path("protocol").asText("unknown"), initial,
                b.path("reason").asText(""), b.path("hostgroup").asText("global"), b.path("banned_at_ns").asLong(),
                Math.max(initialPps, b.path("peak_pps").asLong()), initial.mbps(dir, 0), false, samples);
    }

    private static void readArray(JsonNode values, double[] into, String ip) {
        if (!values.isArray() || values.size() != into.length) {
            throw new IllegalArgumentException(ip + ": initial counters are not " + into.length + " numbers");
        }
        for (int i = 0; i < into.length; i++) {
            into[i] = values.get(i).asDouble();
        }
    }

    private static String shape(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "null";
        }
        String t = n.toString();
        return n.getNodeType().name().toLowerCase() + " " + (t.length() > 40 ? t.substring(0, 40) + "..." : t);
    }

    private static Path asidePath(Path path, String what) {
        return path.resolveSibling(path.getFileName() + "." + what + "-" + LocalDateTime.now().format(ASIDE));
    }

    /** Renames the file aside so the next write cannot erase what it held. */
    private static void keepAside(Path path, String what, String problem) {
        Path aside = asidePath(path, "unreadable");
        try {
            Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
            log.error("{} {} {}: kept as {}; starting without the bans it held", what, path, problem, aside);
        } catch (IOException e) {
            log.error("{} {} {} and cannot be kept aside ({}); starting without the bans it held",
                    what, path, problem, e.toString());
        }
    }

    static void copyAside(Path path, String what) {
        Path aside = asidePath(path, "skipped");
        try {
            Files.copy(path, aside, StandardCopyOption.REPLACE_EXISTING);
            log.warn("{} {}: the file as it was is kept as {}", what, path, aside);
        } catch (IOException e) {
            log.warn("{} {}: cannot keep a copy of it: {}", what, path, e.toString());
        }
    }

    /** A network banned as a whole (carpet bombing) is journaled by its CIDR; null when it is not one. */
    private static long[] networkKey(String cidr) {
        try {
            return SubnetKey.of(SubnetKey.network(cidr));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
