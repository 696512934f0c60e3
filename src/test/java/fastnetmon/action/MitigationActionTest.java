package fastnetmon.action;

import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.mitigation.IpsetPlan;
import fastnetmon.mitigation.IpsetSettings;
import fastnetmon.mitigation.IpsetSpeaker;
import fastnetmon.networks.IpAddresses;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mitigation action's bookkeeping against a real speaker: the kernel's ipsets, in a network namespace
 * of the test's own (each test its own set names). What is announced is read back with ipset itself.
 */
class MitigationActionTest {
    private static final String NS = "fnmt-mitig-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @BeforeAll
    static void namespace() throws Exception {
        NetnsRig.assumeAvailable("ip", "ipset");
        NetnsRig.sh("ip", "netns", "del", NS);
        NetnsRig.run("ip", "netns", "add", NS);
    }

    @AfterAll
    static void removeNamespace() {
        NetnsRig.sh("ip", "netns", "del", NS);
    }

    private static String ipset(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", NS, "ipset"));
        cmd.addAll(List.of(args));
        return NetnsRig.sh(cmd.toArray(String[]::new));
    }

    private static boolean member(String set, String address) {
        return ipset("list", set).lines().anyMatch(l -> l.startsWith(address + " "));
    }

    private MitigationAction action(String set, int timeout, MitigationLedger ledger) {
        IpsetSettings s = new IpsetSettings(true, set, set + "6", false, 20, timeout, null);
        return new MitigationAction(new IpsetSpeaker(List.of("ip", "netns", "exec", NS, "ipset")), new IpsetPlan(s), ledger, 60);
    }

    private static Attack ban(String ip, Direction d) {
        long[] a = IpAddresses.parse(ip);
        return new Attack(ip, a[0], a[1], d, "syn_flood", "tcp", Fixtures.synFlood().initial, "pps 1 > 0", "global",
                Fixtures.T0 + d.ordinal());
    }

    private static BanEvent event(BanEvent.Kind kind, Attack a) {
        return new BanEvent(kind, a, a.bannedAtNanos);
    }

    @Test
    void twoBansOfOneHostShareOneMemberWithdrawnWithTheLast() throws Exception {
        MitigationAction action = action("share4", 600, null);
        try {
            Attack in = ban("10.0.0.5", Direction.INCOMING), out = ban("10.0.0.5", Direction.OUTGOING);
            action.handle(event(BanEvent.Kind.BAN, in));
            action.handle(event(BanEvent.Kind.BAN, out));
            assertTrue(member("share4", "10.0.0.5"));
            assertEquals(new ActionStats.Mitigation(1, 0, 1, 0, 0, 0), action.mitigation());
            action.handle(event(BanEvent.Kind.UNBAN, in));
            assertTrue(member("share4", "10.0.0.5"), "the outgoing ban still wants it");
            action.handle(event(BanEvent.Kind.UNBAN, out));
            assertFalse(member("share4", "10.0.0.5"));
            assertEquals(new ActionStats.Mitigation(0, 0, 1, 1, 0, 0), action.mitigation());
        } finally {
            action.close();
        }
    }

    @Test
    void aRestartTakesUpTheBanFromTheLedgerAnnouncesItAgainAndWithdrawsItAtItsUnban() throws Exception {
        Path file = dir.resolve("bans.ipset.json");
        Attack a = ban("2001:db8::7", Direction.INCOMING);
        MitigationAction first = action("restart4", 600, new MitigationLedger(file, "ipset"));
        first.handle(event(BanEvent.Kind.BAN, a));
        first.close();
        assertTrue(member("restart46", "2001:db8::7"), "closing leaves the ban's member in place");

        ipset("del", "restart46", "2001:db8::7"); // lost while the detector was down (a reboot, an operator)
        MitigationAction second = action("restart4", 600, new MitigationLedger(file, "ipset"));
        try {
            assertEquals(List.of(a), second.bansInForce(), "offered as a ban to restore");
            second.handle(event(BanEvent.Kind.RESTORED, a));
            assertTrue(member("restart46", "2001:db8::7"), "a restored ban makes sure its member is there");
            second.handle(event(BanEvent.Kind.UNBAN, a));
            assertFalse(member("restart46", "2001:db8::7"));
            assertEquals(List.of(), second.bansInForce());
        } finally {
            second.close();
        }
        String ledger = Files.readString(file);
        assertTrue(ledger.contains("\"bans\" : [ ]") && ledger.contains("\"in_force\" : [ ]"), ledger);
    }

    @Test
    void aFailedAnnounceIsCountedAndRetriedUntilItWorks() throws Exception {
        ipset("create", "retry4", "hash:net"); // a set ipset would not add a timed member to: every announce fails
        MitigationAction action = action("retry4", 600, null);
        try {
            Attack a = ban("10.0.0.9", Direction.INCOMING);
            Action.Failed f = assertThrows(Action.Failed.class, () -> action.handle(event(BanEvent.Kind.BAN, a)));
            assertTrue(f.getMessage().startsWith("announce 10.0.0.9/32 in ipset retry4 timeout 600: "), f.getMessage());
            assertEquals(1, action.mitigation().pending());
            assertTrue(action.mitigation().announceFailures() >= 1);
            assertFalse(member("retry4", "10.0.0.9"));

            ipset("destroy", "retry4"); // the operator fixes it: the retry makes the set and adds the member
            Eventually.until(Duration.ofSeconds(20), () -> member("retry4", "10.0.0.9"), "the retried announce");
            Eventually.until(Duration.ofSeconds(5), () -> action.mitigation().pending() == 0, "nothing pending");
            assertEquals(1, action.mitigation().inForce());
        } finally {
            action.close();
        }
    }

    @Test
    void aMemberWithATimeoutIsAddedAgainWhileItsBanLasts() throws Exception {
        MitigationAction action = action("refresh4", 6, null);
        try {
            Attack a = ban("10.0.0.11", Direction.INCOMING);
            action.handle(event(BanEvent.Kind.BAN, a));
            // The kernel counts the member's timeout down (6, 5, 4, ..., gone); only an add again puts it back up.
            int[] lowest = {Integer.MAX_VALUE};
            Eventually.until(Duration.ofSeconds(30), () -> {
                Integer left = timeoutOf("refresh4", "10.0.0.11");
                if (left == null) {
                    throw new AssertionError("the member lapsed: it was not added again before its timeout");
                }
                boolean rose = left > lowest[0];
                lowest[0] = Math.min(lowest[0], left);
                return rose;
            }, "the member's timeout put back up while its ban lasts");
            action.handle(event(BanEvent.Kind.UNBAN, a));
            assertFalse(member("refresh4", "10.0.0.11"));
        } finally {
            action.close();
        }
    }

    /** The member's remaining timeout as ipset lists it, or null when it is not in the set. */
    private static Integer timeoutOf(String set, String address) {
        return ipset("list", set).lines().filter(l -> l.startsWith(address + " timeout "))
                .map(l -> Integer.valueOf(l.substring((address + " timeout ").length()).strip())).findFirst().orElse(null);
    }
}
