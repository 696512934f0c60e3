package fastnetmon.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.counters.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.detection.BanListener;
import fastnetmon.networks.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The bans in force, kept in a file (ban_state_path) so that a restart does not lose them: a restarted
 * detector takes them up again and unbans them when their ban_time is over, instead of leaving a
 * blackhole in place forever. Updated on every ban and unban, written whole to a temporary file and
 * renamed over the old one on a thread of its own.
 */
public final class BanStateFile implements BanListener {
    private static final Logger log = LoggerFactory.getLogger(BanStateFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    /** The bans in force, by address; touched on the evaluator's thread only. */
    private final Map<String, Attack> bans = new LinkedHashMap<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ban-state");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failed;

    public BanStateFile(Path path) {
        this.path = path;
    }

    /**
     * The bans the file holds (empty when it does not exist). A file that cannot be read or parsed is
     * an IOException with one line naming it.
     */
    public static List<Attack> load(Path path) throws IOException {
        if (!Files.exists(path)) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new IOException("ban state file " + path + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<Attack> out = new ArrayList<>();
        for (JsonNode b : root.path("bans")) {
            long[] addr = IpAddresses.parse(b.path("ip").asText(""));
            Direction dir = "outgoing".equals(b.path("direction").asText()) ? Direction.OUTGOING : Direction.INCOMING;
            if (addr == null) {
                throw new IOException("ban state file " + path + ": '" + b.path("ip").asText() + "' is not an IP address");
            }
            Direction d = dir;
            HostTraffic initial = new HostTraffic();
            initial.packets[HostTraffic.index(d, TrafficClass.TOTAL)] = b.path("pps").asLong();
            initial.bytes[HostTraffic.index(d, TrafficClass.TOTAL)] = b.path("mbps").asDouble() * 1e6 / 8;
            initial.flows[HostTraffic.index(d, TrafficClass.TOTAL)] = b.path("flows").asLong();
            Attack a = new Attack(IpAddresses.format(addr[0], addr[1]), addr[0], addr[1], dir,
                    b.path("attack_type").asText("unknown"), b.path("protocol").asText("unknown"), initial,
                    b.path("reason").asText(""), b.path("hostgroup").asText("global"), b.path("banned_at_ns").asLong());
            a = a.withPeak(Math.max(a.peakPps, b.path("peak_pps").asLong()), a.peakMbps);
            out.add(a);
        }
        return out;
    }

    /** Takes up a ban restored from the file (no script call). */
    public void restored(Attack a) {
        bans.put(a.ip, a);
        save();
    }

    @Override
    public void onEvent(BanEvent event) {
        switch (event.kind()) {
            case BAN -> onBan(event.attack());
            case RESTORED -> restored(event.attack());
            case ATTACK_DETAILS -> { } // nothing to keep: the details have gone out
            case UNBAN -> onUnban(event.attack());
        }
    }

    public void onBan(Attack attack) {
        bans.put(attack.ip, attack);
        save();
    }

    public void onUnban(Attack attack) {
        bans.remove(attack.ip);
        save();
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("bans");
        for (Attack a : bans.values()) {
            Direction d = a.direction;
            ObjectNode b = list.addObject();
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
        }
        writer.execute(() -> write(root));
    }

    private void write(ObjectNode root) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            if (failed) {
                failed = false;
                log.info("ban state file {} is written again", path);
            }
        } catch (IOException e) {
            if (!failed) {
                failed = true;
                log.error("cannot write the ban state file {} (ban_state_path): {}; bans will not survive a restart", path, e.getMessage());
            }
        }
    }

    /** Waits for the last write. */
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
