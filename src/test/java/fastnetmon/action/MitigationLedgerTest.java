package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.detection.Attack;
import fastnetmon.mitigation.Announcement;
import fastnetmon.mitigation.FlowSpecRule;
import fastnetmon.mitigation.Route;
import fastnetmon.mitigation.SetMember;
import fastnetmon.networks.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MitigationLedgerTest {
    @TempDir
    Path dir;

    @Test
    void itLivesBesideTheBanStateFile() {
        assertEquals(dir.resolve("etc-fastnetmon.conf.bans.gobgp.json"),
                MitigationLedger.beside(dir.resolve("etc-fastnetmon.conf.bans.json"), "gobgp"));
        assertEquals(dir.resolve("state.exabgp.json"), MitigationLedger.beside(dir.resolve("state"), "exabgp"));
    }

    @Test
    void whatIsWrittenIsReadBackExactly() {
        MitigationLedger ledger = new MitigationLedger(dir.resolve("bans.gobgp.json"), "gobgp");
        Attack a = Fixtures.synFlood("10.10.0.5");
        Attack b = Fixtures.synFlood("2001:db8::5");
        Route host = new Route(Cidr.parse("10.10.0.5/32"), "10.0.3.114", List.of("65001:666", "65001:777"));
        FlowSpecRule rule = new FlowSpecRule(Cidr.parse("2001:db8::5/128"), 6, -1, 443, 2, false, 125_000);
        SetMember member = new SetMember("fastnetmon_bans", Cidr.parse("10.10.0.5/32"), 3660);
        List<MitigationLedger.Ban> bans = List.of(new MitigationLedger.Ban(a, List.of(host, member)),
                new MitigationLedger.Ban(b, List.of(rule)));
        assertTrue(ledger.save(bans, List.of(host, rule)));

        MitigationLedger.State s = new MitigationLedger(dir.resolve("bans.gobgp.json"), "gobgp").load();
        assertEquals(List.of(a, b), s.bans().stream().map(MitigationLedger.Ban::attack).toList());
        assertEquals(a.initialPps(), s.bans().get(0).attack().initialPps());
        assertEquals(List.<Announcement>of(host, member), s.bans().get(0).wanted());
        assertEquals(List.<Announcement>of(rule), s.bans().get(1).wanted());
        assertEquals(List.<Announcement>of(host, rule), s.inForce());
    }

    @Test
    void aBadEntryIsSkippedWithOneLineAndTheFileKeptAside() throws Exception {
        Path file = dir.resolve("bans.exabgp.json");
        MitigationLedger ledger = new MitigationLedger(file, "exabgp");
        Route host = new Route(Cidr.parse("10.10.0.5/32"), "10.0.3.114", List.of());
        ledger.save(List.of(new MitigationLedger.Ban(Fixtures.synFlood(), List.of(host))), List.of(host));
        Files.writeString(file, Files.readString(file).replaceFirst("\"kind\" : \"route\"", "\"kind\" : \"teleport\""));
        ListAppender<ILoggingEvent> log = Fixtures.capture(MitigationLedger.class);
        MitigationLedger.State s;
        try {
            s = ledger.load();
        } finally {
            Fixtures.release(MitigationLedger.class, log);
        }
        assertEquals(List.of(), s.bans());
        assertEquals(List.<Announcement>of(host), s.inForce(), "the other entries are read");
        assertEquals(List.of("ERROR exabgp announcement ledger " + file + ": ban 1 skipped: not an announcement (kind 'teleport')"),
                Fixtures.messages(log));
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("bans.exabgp.json.skipped-")));
        }
    }

    @Test
    void aFileThatIsNotALedgerIsKeptAsideAndNothingTakenUp() throws Exception {
        Path file = dir.resolve("bans.ipset.json");
        Files.writeString(file, "[1, 2]");
        MitigationLedger.State s = new MitigationLedger(file, "ipset").load();
        assertEquals(MitigationLedger.State.EMPTY, s);
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("bans.ipset.json.unreadable-")));
        }
    }
}
