package fastnetmon.action;

import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BanStateFileTest {
    @TempDir
    Path dir;

    @Test
    void bansInForceAreWrittenAndReadBack() throws Exception {
        Path file = dir.resolve("state/bans.json");
        BanStateFile state = new BanStateFile(file);
        Attack syn = Fixtures.synFlood();
        state.onBan(syn);
        state.close();
        List<Attack> loaded = BanStateFile.load(file);
        assertEquals(1, loaded.size());
        Attack a = loaded.get(0);
        assertEquals(syn.ip, a.ip);
        assertEquals(syn.ipHi, a.ipHi);
        assertEquals(syn.ipLo, a.ipLo);
        assertEquals(Direction.INCOMING, a.direction);
        assertEquals(syn.attackType, a.attackType);
        assertEquals(syn.protocol, a.protocol);
        assertEquals(syn.initialPps(), a.initialPps());
        assertEquals(syn.bannedAtNanos, a.bannedAtNanos);
        assertEquals(syn.hostgroup, a.hostgroup);
    }

    @Test
    void unbannedHostsLeaveTheFile() throws Exception {
        Path file = dir.resolve("bans.json");
        BanStateFile state = new BanStateFile(file);
        Attack syn = Fixtures.synFlood();
        state.onBan(syn);
        state.onEvent(new fastnetmon.detection.BanEvent(fastnetmon.detection.BanEvent.Kind.ATTACK_DETAILS, syn, syn.bannedAtNanos));
        state.onUnban(syn);
        state.close();
        assertEquals(List.of(), BanStateFile.load(file));
        assertTrue(Files.readString(file).contains("\"bans\""));
    }

    @Test
    void noFileIsNoBansAndABrokenFileIsOneLine() throws Exception {
        assertEquals(List.of(), BanStateFile.load(dir.resolve("missing.json")));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"bans\": [ {\"ip\": ");
        IOException e = assertThrows(IOException.class, () -> BanStateFile.load(broken));
        assertTrue(e.getMessage().startsWith("ban state file " + broken + " cannot be read"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        Path badIp = dir.resolve("bad-ip.json");
        Files.writeString(badIp, "{\"bans\": [ {\"ip\": \"10.0.0.300\"} ] }");
        e = assertThrows(IOException.class, () -> BanStateFile.load(badIp));
        assertEquals("ban state file " + badIp + ": '10.0.0.300' is not an IP address", e.getMessage());
    }
}
