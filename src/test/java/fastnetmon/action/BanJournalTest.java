package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ban-state file as a journal, and what its reading does with content it cannot use (issue 13 #3). */
class BanJournalTest {
    @TempDir
    Path dir;
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void captureLogs() {
        logs = Fixtures.capture(BanStateCodec.class);
    }

    @AfterEach
    void releaseLogs() {
        Fixtures.release(BanStateCodec.class, logs);
    }

    private TestActions actions(Path state) {
        return new TestActions(null, null, null, 4, state);
    }

    private List<String> errors() {
        return Fixtures.messages(logs).stream().filter(m -> m.startsWith("ERROR") || m.startsWith("WARN")).toList();
    }

    @Test
    void bansInForceAreWrittenAndReadBack() throws Exception {
        Path file = dir.resolve("state/bans.json");
        TestActions first = actions(file);
        Attack syn = Fixtures.synFlood();
        first.ban(syn);
        assertTrue(first.close());
        TestActions second = actions(file);
        ActionRegistry.Recovery r = second.registry.recover();
        assertTrue(second.close());
        assertEquals(List.of(), r.replayed(), "the ban call was made: nothing to call again");
        assertEquals(1, r.restore().size());
        Attack a = r.restore().get(0);
        assertEquals(syn.ip, a.ip);
        assertEquals(syn.ipHi, a.ipHi);
        assertEquals(syn.ipLo, a.ipLo);
        assertEquals(Direction.INCOMING, a.direction);
        assertEquals(syn.attackType, a.attackType);
        assertEquals(syn.protocol, a.protocol);
        assertEquals(syn.initialPps(), a.initialPps());
        assertEquals(syn.bannedAtNanos, a.bannedAtNanos);
        assertEquals(syn.hostgroup, a.hostgroup);
        assertEquals(List.of(), errors());
    }

    @Test
    void aNetworkBannedAsAWholeIsWrittenByItsCidrAndReadBack() throws Exception {
        Path file = dir.resolve("bans.json");
        TestActions first = actions(file);
        long[] key = fastnetmon.detection.SubnetKey.of(fastnetmon.networks.Cidr.parse("10.20.0.0/24"));
        Attack host = Fixtures.synFlood();
        Attack net = new Attack("10.20.0.0/24", key[0], key[1], host.direction, host.attackType, host.protocol, host.initial,
                "total pps 101600 > 50000", "customers", host.bannedAtNanos);
        first.ban(net);
        assertTrue(first.close());
        assertTrue(Files.readString(file).contains("\"10.20.0.0/24\""), Files.readString(file));
        TestActions second = actions(file);
        ActionRegistry.Recovery r = second.registry.recover();
        assertTrue(second.close());
        Attack a = r.restore().get(0);
        assertEquals("10.20.0.0/24", a.ip);
        assertEquals(key[0], a.ipHi);
        assertEquals(key[1], a.ipLo);
        assertEquals(List.of(), errors());
    }

    @Test
    void aBanByHandWithNoDirectionSurvivesARestart() throws Exception {
        Path file = dir.resolve("bans.json");
        TestActions first = actions(file);
        Attack syn = Fixtures.synFlood("10.10.0.6");
        Attack manual = new Attack(syn.ip, syn.ipHi, syn.ipLo, Direction.OTHER, "unknown", "unknown", syn.initial,
                Attack.MANUAL_BAN, "global", syn.bannedAtNanos);
        first.ban(manual);
        assertTrue(first.close());
        TestActions second = actions(file);
        ActionRegistry.Recovery r = second.registry.recover();
        assertTrue(second.close());
        assertEquals(List.of(manual), r.restore(), "taken up, so that it is unbanned (and its route withdrawn) on time");
        assertEquals(Direction.OTHER, r.restore().get(0).direction);
        assertEquals(List.of(), errors());
    }

    @Test
    void unbannedHostsLeaveTheFile() throws Exception {
        Path file = dir.resolve("bans.json");
        TestActions actions = actions(file);
        Attack syn = Fixtures.synFlood();
        actions.ban(syn);
        actions.attackDetails(syn);
        actions.unban(syn);
        assertTrue(actions.close());
        assertTrue(Files.readString(file).contains("\"bans\" : [ ]"), Files.readString(file));
    }

    @Test
    void filesOfThePreviousFormatAreBansInForce() throws Exception {
        Path file = dir.resolve("bans.json");
        Files.writeString(file, "{\"bans\": [{\"ip\": \"10.10.0.7\", \"direction\": \"outgoing\", \"attack_type\": \"udp_flood\","
                + " \"pps\": 900, \"banned_at_ns\": 1700000000000000000}]}");
        TestActions actions = actions(file);
        ActionRegistry.Recovery r = actions.registry.recover();
        assertTrue(actions.close());
        assertEquals(1, r.restore().size());
        assertEquals("10.10.0.7", r.restore().get(0).ip);
        assertEquals(Direction.OUTGOING, r.restore().get(0).direction);
        assertEquals(900, r.restore().get(0).initialPps());
        assertEquals(List.of(), r.replayed());
    }

    /** Issue 13 #3: one bad entry used to drop every ban in the file, and the next write erased them. */
    @Test
    void aBadEntryIsSkippedWithOneLineAndTheOthersKept() throws Exception {
        Path file = dir.resolve("bans.json");
        String original = "{\"bans\": ["
                + "{\"ip\": \"10.10.0.1\", \"direction\": \"incoming\", \"pps\": 1, \"banned_at_ns\": 1},"
                + "{\"ip\": \"10.0.0.300\", \"direction\": \"incoming\", \"banned_at_ns\": 2},"
                + "{\"ip\": \"10.10.0.3\", \"direction\": \"incoming\", \"pps\": 3, \"banned_at_ns\": 3}]}";
        Files.writeString(file, original);
        TestActions actions = actions(file);
        ActionRegistry.Recovery r = actions.registry.recover();
        assertEquals(List.of("10.10.0.1", "10.10.0.3"), r.restore().stream().map(a -> a.ip).toList());
        List<String> lines = errors();
        assertEquals("ERROR ban state file " + file + ": entry 2 skipped: '10.0.0.300' is not an IP address", lines.get(0));
        assertEquals(2, lines.size(), lines.toString()); // and where the file as it was is kept
        assertTrue(lines.get(1).startsWith("WARN ban state file " + file + ": the file as it was is kept as "), lines.get(1));
        Path copy = Path.of(lines.get(1).substring(lines.get(1).lastIndexOf(' ') + 1));
        assertEquals(original, Files.readString(copy));

        actions.ban(Fixtures.synFlood("10.10.0.9")); // the next write keeps the good entries
        assertTrue(actions.close());
        String now = Files.readString(file);
        assertTrue(now.contains("10.10.0.1") && now.contains("10.10.0.3") && now.contains("10.10.0.9"), now);
    }

    /** Issue 13 #3: a truncated file dropped every ban and was overwritten by the next write. */
    @Test
    void aTruncatedFileIsKeptAsideWithOneLine() throws Exception {
        Path file = dir.resolve("bans.json");
        String truncated = "{\"bans\": [ {\"ip\": \"10.10.0.1\", \"direction\": \"inc";
        Files.writeString(file, truncated);
        TestActions actions = actions(file);
        assertEquals(List.of(), actions.registry.recover().restore());
        List<String> lines = errors();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("ERROR ban state file " + file + " cannot be read ("), lines.get(0));
        assertTrue(lines.get(0).contains(": kept as " + file + ".unreadable-"), lines.get(0));
        actions.ban(Fixtures.synFlood());
        assertTrue(actions.close());
        try (Stream<Path> files = Files.list(dir)) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("bans.json.unreadable-")).findFirst().orElseThrow();
            assertEquals(truncated, Files.readString(aside), "kept, not overwritten");
        }
        assertTrue(Files.readString(file).contains("10.10.0.5"));
    }

    /** Issue 13 #3: these were silently no bans. */
    @Test
    void emptyNullAndAnArrayEachSayWhatIsWrong() throws Exception {
        String[][] cases = {
                {"", "WARN ban state file %s is empty: no bans to take up"},
                {"null", "ERROR ban state file %s does not hold {\"bans\": [...]} but null: kept as %s.unreadable-"},
                {"[1,2]", "ERROR ban state file %s does not hold {\"bans\": [...]} but array [1,2]: kept as %s.unreadable-"},
                {"{\"bans\": 3}", "ERROR ban state file %s does not hold {\"bans\": [...]} but object {\"bans\":3}: kept as %s.unreadable-"},
        };
        int n = 0;
        for (String[] c : cases) {
            Path file = dir.resolve("case" + n++ + ".json");
            Files.writeString(file, c[0]);
            logs.list.clear();
            TestActions actions = actions(file);
            assertEquals(List.of(), actions.registry.recover().restore());
            assertTrue(actions.close());
            List<String> lines = errors();
            assertEquals(1, lines.size(), c[0] + ": " + lines);
            String expected = String.format(c[1], file, file);
            assertTrue(lines.get(0).startsWith(expected), c[0] + ": " + lines.get(0));
            assertFalse(lines.get(0).contains("\n"));
        }
    }

    /** A ban whose attack_details call was cut short is restored, and the details go out again with their samples. */
    @Test
    void detailsCutShortAreSentAgainWithTheirSamples() throws Exception {
        Path file = dir.resolve("bans.json");
        ActionRegistry first = ActionRegistry.builder(file).add(new ActionRegistryTest.Hanging(), 1).build();
        Attack a = Fixtures.synFlood().withSamples(List.of(AttackTextTest.tcp(Fixtures.T0, 0x02),
                new fastnetmon.detection.SamplePacket(Fixtures.T0 + 7, "2001:db8::1", 53, "10.10.0.5", 1024, 17, 0,
                        true, 3, 1500, 57)));
        first.onEvent(TestActions.event(fastnetmon.detection.BanEvent.Kind.BAN, a));
        first.onEvent(TestActions.event(fastnetmon.detection.BanEvent.Kind.ATTACK_DETAILS, a));
        assertFalse(first.close(java.time.Duration.ofMillis(300)));

        ActionRegistry next = ActionRegistry.builder(file).build();
        ActionRegistry.Recovery r = next.recover();
        assertEquals(List.of(a.ip), r.restore().stream().map(x -> x.ip).toList());
        assertEquals(List.of("BAN", "ATTACK_DETAILS"), r.replayed().stream().map(e -> e.kind().name()).toList());
        assertEquals(a.samples, r.replayed().get(1).attack().samples);
        assertEquals(AttackText.details(a, java.time.ZoneOffset.UTC), AttackText.details(r.replayed().get(1).attack(), java.time.ZoneOffset.UTC));
        assertTrue(next.close(java.time.Duration.ofSeconds(5)));
        String json = Files.readString(file);
        assertTrue(json.contains("\"details_done\" : true") && !json.contains("\"samples\""), json);
    }
}
