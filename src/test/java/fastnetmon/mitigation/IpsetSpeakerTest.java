package fastnetmon.mitigation;

import fastnetmon.networks.Cidr;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ipset speaker against the real ipset in a network namespace of its own (ipsets are per namespace,
 * so the host's sets are never touched). Each test uses sets of its own names.
 */
class IpsetSpeakerTest {
    private static final String NS = "fnmt-ipset-" + ProcessHandle.current().pid();
    private static IpsetSpeaker speaker;

    @BeforeAll
    static void namespace() throws Exception {
        NetnsRig.assumeAvailable("ip", "ipset", "setpriv");
        NetnsRig.sh("ip", "netns", "del", NS);
        NetnsRig.run("ip", "netns", "add", NS);
        speaker = new IpsetSpeaker(inNs("ipset"));
    }

    @AfterAll
    static void removeNamespace() {
        NetnsRig.sh("ip", "netns", "del", NS);
    }

    private static List<String> inNs(String... cmd) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", NS));
        out.addAll(List.of(cmd));
        return out;
    }

    /** What ipset in the namespace prints for these arguments (stdout). */
    private static String ipset(String... args) {
        List<String> cmd = inNs("ipset");
        cmd.addAll(List.of(args));
        return NetnsRig.sh(cmd.toArray(String[]::new));
    }

    /** The member's remaining timeout as the kernel lists it, or null when it is not in the set. */
    private static Integer timeoutOf(String set, String address) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(address) + " timeout (\\d+)$").matcher(ipset("list", set));
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static SetMember member(String set, String address, int timeout) {
        return new SetMember(set, Cidr.parse(address), timeout);
    }

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    @Test
    void announceCreatesTheSetAndAddsTheMemberWithItsTimeout() throws Exception {
        assertEquals("", ipset("list", "-name", "a4").strip(), "no set before");
        speaker.announce(member("a4", "10.0.0.5", 600));
        String list = ipset("list", "a4");
        assertTrue(list.contains("Type: hash:ip"), list);
        assertTrue(list.contains("family inet ") && list.contains(" timeout 0 "), list);
        Integer left = timeoutOf("a4", "10.0.0.5");
        assertTrue(left != null && left > 500 && left <= 600, "timeout close to 600: " + list);
        assertNull(timeoutOf("a4", "10.0.0.6"));
    }

    @Test
    void announcingAgainRefreshesTheTimeout() throws Exception {
        speaker.announce(member("r4", "10.0.0.7", 100));
        assertTrue(timeoutOf("r4", "10.0.0.7") <= 100);
        speaker.announce(member("r4", "10.0.0.7", 5000));
        int left = timeoutOf("r4", "10.0.0.7");
        assertTrue(left > 4000 && left <= 5000, "refreshed: " + left);
    }

    @Test
    void withdrawRemovesTheMemberAndIsHarmlessWhenItIsNotThere() throws Exception {
        speaker.announce(member("w4", "192.0.2.1", 600));
        speaker.announce(member("w4", "192.0.2.2", 600));
        speaker.withdraw(member("w4", "192.0.2.1", 600));
        assertNull(timeoutOf("w4", "192.0.2.1"), "gone");
        assertTrue(timeoutOf("w4", "192.0.2.2") != null, "the other stays");
        speaker.withdraw(member("w4", "192.0.2.1", 600));
        speaker.withdraw(member("w4", "198.51.100.9", 600));
        speaker.withdraw(member("never_made", "192.0.2.1", 600));
        assertTrue(timeoutOf("w4", "192.0.2.2") != null);
    }

    @Test
    void ipv6MembersGoToAnInet6Set() throws Exception {
        speaker.announce(member("a6", "2001:db8::7", 900));
        String list = ipset("list", "a6");
        assertTrue(list.contains("family inet6 "), list);
        Integer left = timeoutOf("a6", "2001:db8::7");
        assertTrue(left != null && left > 800 && left <= 900, list);
        speaker.withdraw(member("a6", "2001:db8::7", 900));
        assertNull(timeoutOf("a6", "2001:db8::7"));
    }

    @Test
    void noTimeoutMeansTheMemberStays() throws Exception {
        speaker.announce(member("z4", "10.9.0.1", 0));
        assertTrue(ipset("list", "z4").contains("\n10.9.0.1 timeout 0\n"), ipset("list", "z4"));
    }

    @Test
    void aSetDestroyedBehindOurBackIsMadeAgain() throws Exception {
        speaker.announce(member("d4", "10.0.0.8", 600));
        ipset("destroy", "d4");
        assertEquals("", ipset("list", "-name", "d4").strip());
        speaker.announce(member("d4", "10.0.0.9", 600));
        assertTrue(timeoutOf("d4", "10.0.0.9") != null, ipset("list", "d4"));
    }

    @Test
    void aSetOfAnotherTypeIsRefusedInOneLine() throws Exception {
        ipset("create", "net4", "hash:net", "family", "inet", "timeout", "0");
        IOException e = assertThrows(IOException.class, () -> speaker.announce(member("net4", "10.0.0.5", 600)));
        assertOneLine(e.getMessage());
        assertTrue(e.getMessage().contains("net4") && e.getMessage().contains("10.0.0.5")
                && e.getMessage().contains("hash:net") && e.getMessage().contains("must be hash:ip family inet"), e.getMessage());
        assertFalse(ipset("list", "net4").contains("10.0.0.5"));
    }

    @Test
    void aSetWithoutTimeoutSupportOrOfTheOtherFamilyIsRefused() throws Exception {
        ipset("create", "plain4", "hash:ip", "family", "inet");
        IOException e = assertThrows(IOException.class, () -> speaker.announce(member("plain4", "10.0.0.5", 600)));
        assertOneLine(e.getMessage());
        assertTrue(e.getMessage().contains("plain4") && e.getMessage().contains("timeout support"), e.getMessage());

        ipset("create", "six", "hash:ip", "family", "inet6", "timeout", "0");
        e = assertThrows(IOException.class, () -> speaker.announce(member("six", "10.0.0.5", 600)));
        assertTrue(e.getMessage().contains("family inet6") && e.getMessage().contains("must be hash:ip family inet "),
                e.getMessage());
    }

    @Test
    void ipsetsOwnMessageNamesSetAndAddress() {
        // An IPv6 network is no hash:ip member: ipset says so, and the line says where.
        IOException e = assertThrows(IOException.class, () -> speaker.announce(member("n6", "2001:db8::/120", 600)));
        assertOneLine(e.getMessage());
        assertTrue(e.getMessage().startsWith("ipset: cannot add 2001:db8::/120 to ipset n6: "), e.getMessage());
        assertTrue(e.getMessage().contains("plain IP address must be supplied"), e.getMessage());
        assertFalse(e.getMessage().contains("ipset v"), "no version prefix: " + e.getMessage());
    }

    @Test
    void aMissingIpsetSaysSo() {
        IpsetSpeaker missing = new IpsetSpeaker(List.of("/nonexistent/ipset"));
        IOException e = assertThrows(IOException.class, () -> missing.announce(member("m4", "10.0.0.5", 600)));
        assertEquals("ipset is not installed (apt-get install ipset)", e.getMessage());
        e = assertThrows(IOException.class, () -> missing.withdraw(member("m4", "10.0.0.5", 600)));
        assertEquals("ipset is not installed (apt-get install ipset)", e.getMessage());
        IpsetSpeaker missingInNs = new IpsetSpeaker(inNs("/nonexistent/ipset"));
        e = assertThrows(IOException.class, () -> missingInNs.announce(member("m4", "10.0.0.5", 600)));
        assertEquals("ipset is not installed (apt-get install ipset)", e.getMessage());
        e = assertThrows(IOException.class, missingInNs::check);
        assertEquals("ipset is not installed (apt-get install ipset)", e.getMessage());
    }

    @Test
    void noPermissionSaysSo() throws Exception {
        speaker.check();
        IpsetSpeaker nobody = new IpsetSpeaker(inNs("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ipset"));
        IOException e = assertThrows(IOException.class, () -> nobody.announce(member("p4", "10.0.0.5", 600)));
        assertOneLine(e.getMessage());
        assertTrue(e.getMessage().startsWith("ipset: cannot add 10.0.0.5 to ipset p4: no permission to change ipsets"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
        e = assertThrows(IOException.class, nobody::check);
        assertTrue(e.getMessage().contains("no permission"), e.getMessage());
    }

    @Test
    void aStuckIpsetIsKilled(@TempDir Path dir) throws Exception {
        Path stuck = dir.resolve("ipset");
        Path pid = dir.resolve("pid");
        Files.writeString(stuck, "#!/bin/sh\necho $$ > " + pid + "\nexec sleep 60\n");
        Files.setPosixFilePermissions(stuck, PosixFilePermissions.fromString("rwx------"));
        IpsetSpeaker s = new IpsetSpeaker(List.of(stuck.toString()));
        IOException e = assertThrows(IOException.class, () -> s.withdraw(member("s4", "10.0.0.5", 600)));
        assertEquals("ipset: cannot remove 10.0.0.5 from ipset s4: ipset did not finish in 5 s (killed): del s4 10.0.0.5 -exist",
                e.getMessage());
        // Killed, not left to sleep: it is gone well before its minute is up (the bound only guards a hang).
        ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()))
                .ifPresent(h -> assertTrue(h.onExit().completeOnTimeout(null, 20, TimeUnit.SECONDS).join() != null, "killed"));
    }

    @Test
    void carriesSetMembersOnly() {
        assertTrue(speaker.carries(member("a4", "10.0.0.5", 1)));
        assertFalse(speaker.carries(new Route(Cidr.parse("10.0.0.5/32"), "192.0.2.1", List.of())));
        assertEquals("ipset", speaker.name());
    }

    @Test
    void findsIpsetOnItsOwn() {
        Path found = Path.of(IpsetSpeaker.locate());
        assertEquals("ipset", found.getFileName().toString());
        assertTrue(Files.isExecutable(found), found.toString());
        assertTrue(found.isAbsolute(), found.toString());
    }
}
