package fastnetmon.mitigation;

import fastnetmon.networks.Cidr;
import fastnetmon.testing.Bird;
import fastnetmon.testing.ExaBgp;
import fastnetmon.testing.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The speaker against a real ExaBGP 4 (its API process a socat on a pipe in the test's folder, as
 * FastNetMon's docs configure it) peering with a real BIRD 2, whose tables show what ExaBGP sent: the
 * routes with their next hops and communities, the FlowSpec rules with their components and actions.
 */
class ExaBgpSpeakerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static Bird bird;
    private static ExaBgp exabgp;
    private static Path pipe;

    @BeforeAll
    static void startServers() throws Exception {
        int birdPort = Ports.free();
        bird = Bird.start(dir.resolve("bird"), Bird.peer("fnm", birdPort, 65001, Ports.free(), 65000));
        exabgp = ExaBgp.start(dir.resolve("exabgp"), bird, "fnm", birdPort);
        pipe = exabgp.pipe();
    }

    @AfterAll
    static void stopServers() {
        if (exabgp != null) {
            exabgp.close();
        }
        if (bird != null) {
            bird.close();
        }
    }

    @Test
    void commandsAreFastNetMonsAndExaBgpsFlowForms() {
        assertEquals("announce route 10.10.10.123/32 next-hop 10.0.3.114 community 65001:666",
                ExaBgpCommands.announce(route("10.10.10.123/32", "10.0.3.114", "65001:666")));
        assertEquals("announce route 10.10.10.0/24 next-hop 10.0.3.114 community [65001:666 65001:777]",
                ExaBgpCommands.announce(route("10.10.10.0/24", "10.0.3.114", "65001:666", "65001:777")));
        assertEquals("announce route 10.10.10.1/32 next-hop 10.0.3.114",
                ExaBgpCommands.announce(route("10.10.10.1/32", "10.0.3.114")));
        assertEquals("withdraw route 10.10.10.123/32 next-hop 10.0.3.114",
                ExaBgpCommands.withdraw(route("10.10.10.123/32", "10.0.3.114", "65001:666")));
        FlowSpecRule ntp = new FlowSpecRule(Cidr.parse("10.0.0.1/32"), 17, 123, -1, -1, false, 0);
        assertEquals("announce flow route destination 10.0.0.1/32 protocol =17 source-port =123 discard",
                ExaBgpCommands.announce(ntp));
        assertEquals("withdraw flow route destination 10.0.0.1/32 protocol =17 source-port =123",
                ExaBgpCommands.withdraw(ntp));
        assertEquals("announce flow route destination 2001:db8::1/128 next-header =6 destination-port =80"
                        + " tcp-flags =syn+ack fragment is-fragment rate-limit 9600",
                ExaBgpCommands.announce(new FlowSpecRule(Cidr.parse("2001:db8::1/128"), 6, -1, 80, 2 | 16, true, 9600)));
        SetMember member = new SetMember("blackhole", Cidr.parse("10.0.0.1/32"), 0);
        assertThrows(IllegalArgumentException.class, () -> ExaBgpCommands.announce(member));
        ExaBgpSpeaker speaker = new ExaBgpSpeaker(pipe);
        assertEquals("exabgp", speaker.name());
        assertTrue(speaker.carries(ntp));
        assertTrue(speaker.carries(route("10.10.10.1/32", "10.0.3.114")));
        assertFalse(speaker.carries(member));
    }

    @Test
    void hostRoutesAndASubnetGoToTheRouterWithTheirCommunitiesAndNextHopsUntilWithdrawn() throws Exception {
        ExaBgpSpeaker speaker = new ExaBgpSpeaker(pipe);
        Route host4 = route("10.10.10.123/32", "10.0.3.114", "65001:666", "65001:777");
        Route subnet4 = route("10.10.20.0/24", "10.0.3.114", "65001:666");
        Route host6 = route("2001:db8:10::123/128", "2001:db8::114", "65001:666", "65001:777");
        speaker.announce(host4);
        speaker.announce(subnet4);
        speaker.announce(host6);

        String b4 = awaitBlock("master4", "10.10.10.123/32");
        assertTrue(b4.contains("BGP.next_hop: 10.0.3.114"), b4);
        assertTrue(b4.contains("BGP.community: (65001,666) (65001,777)"), b4);
        String s4 = awaitBlock("master4", "10.10.20.0/24");
        assertTrue(s4.contains("BGP.next_hop: 10.0.3.114"), s4);
        assertTrue(s4.lines().anyMatch(l -> l.trim().equals("BGP.community: (65001,666)")), s4);
        String b6 = awaitBlock("master6", "2001:db8:10::123/128");
        assertTrue(b6.contains("BGP.next_hop: 2001:db8::114"), b6);
        assertTrue(b6.contains("BGP.community: (65001,666) (65001,777)"), b6);

        speaker.withdraw(host4);
        speaker.withdraw(subnet4);
        speaker.withdraw(host6);
        awaitGone("master4", "10.10.10.123/32");
        awaitGone("master4", "10.10.20.0/24");
        awaitGone("master6", "2001:db8:10::123/128");
    }

    @Test
    void ntpAmplificationRuleIsDiscardedAtTheRouterUntilWithdrawn() throws Exception {
        ExaBgpSpeaker speaker = new ExaBgpSpeaker(pipe);
        FlowSpecRule ntp = new FlowSpecRule(Cidr.parse("10.20.0.1/32"), 17, 123, -1, -1, false, 0);
        speaker.announce(ntp);
        String b = awaitBlock("flowtab4", "flow4 { dst 10.20.0.1/32; proto 17; sport 123; }");
        assertTrue(b.contains("BGP.ext_community: (generic, 0x80060000, 0x0)"), "traffic-rate 0 (discard): " + b);
        speaker.withdraw(ntp);
        awaitGone("flowtab4", "flow4 { dst 10.20.0.1/32;");
    }

    @Test
    void synFloodRuleMatchesTheFlagsAndLimitsTheRate() throws Exception {
        ExaBgpSpeaker speaker = new ExaBgpSpeaker(pipe);
        FlowSpecRule syn = new FlowSpecRule(Cidr.parse("10.20.0.2/32"), 6, -1, 80, 2, false, 125_000);
        speaker.announce(syn);
        // "0x2/0x2": the SYN bit must be set (the match bit), not merely any of the flags given.
        String b = awaitBlock("flowtab4", "flow4 { dst 10.20.0.2/32; proto 6; dport 80; tcp flags 0x2/0x2; }");
        assertTrue(b.contains("BGP.ext_community: (generic, 0x80060000, 0x" + Integer.toHexString(Float.floatToIntBits(125_000f)) + ")"),
                "traffic-rate 125000 bytes/s as an IEEE float: " + b);
        speaker.withdraw(syn);
        awaitGone("flowtab4", "flow4 { dst 10.20.0.2/32;");
    }

    @Test
    void fragmentsRuleAndIpv6RuleReachTheRouter() throws Exception {
        ExaBgpSpeaker speaker = new ExaBgpSpeaker(pipe);
        FlowSpecRule fragments4 = new FlowSpecRule(Cidr.parse("10.20.0.3/32"), -1, -1, -1, -1, true, 0);
        FlowSpecRule dns6 = new FlowSpecRule(Cidr.parse("2001:db8:20::1/128"), 17, 53, -1, -1, false, 0);
        FlowSpecRule syn6 = new FlowSpecRule(Cidr.parse("2001:db8:20::2/128"), 6, -1, 443, 2 | 16, true, 9600);
        speaker.announce(fragments4);
        speaker.announce(dns6);
        speaker.announce(syn6);
        awaitBlock("flowtab4", "flow4 { dst 10.20.0.3/32; fragment !!is_fragment; }");
        String d = awaitBlock("flowtab6", "flow6 { dst 2001:db8:20::1/128; next header 17; sport 53; }");
        assertTrue(d.contains("BGP.ext_community: (generic, 0x80060000, 0x0)"), d);
        String s = awaitBlock("flowtab6",
                "flow6 { dst 2001:db8:20::2/128; next header 6; dport 443; tcp flags 0x12/0x12; fragment !!is_fragment; }");
        assertTrue(s.contains("BGP.ext_community: (generic, 0x80060000, 0x" + Integer.toHexString(Float.floatToIntBits(9600f)) + ")"), s);
        speaker.withdraw(fragments4);
        speaker.withdraw(dns6);
        speaker.withdraw(syn6);
        awaitGone("flowtab4", "flow4 { dst 10.20.0.3/32;");
        awaitGone("flowtab6", "flow6 { dst 2001:db8:20::1/128;");
        awaitGone("flowtab6", "flow6 { dst 2001:db8:20::2/128;");
    }

    @Test
    void closeLeavesTheAnnouncementsInForce() throws Exception {
        Route kept = route("10.10.30.1/32", "10.0.3.114", "65001:666");
        ExaBgpSpeaker speaker = new ExaBgpSpeaker(pipe);
        speaker.announce(kept);
        awaitBlock("master4", "10.10.30.1/32");
        speaker.close();
        // ExaBGP takes the pipe's lines in order: once a later route is in, a withdrawal at close would be too.
        Route marker = route("10.10.30.2/32", "10.0.3.114", "65001:666");
        try (ExaBgpSpeaker other = new ExaBgpSpeaker(pipe)) {
            other.announce(marker);
            awaitBlock("master4", "10.10.30.2/32");
            assertTrue(bird.routes("master4").contains("10.10.30.1/32"), "still announced after close");
            other.withdraw(kept);
            other.withdraw(marker);
        }
        awaitGone("master4", "10.10.30.1/32");
        awaitGone("master4", "10.10.30.2/32");
    }

    @Test
    void noReaderFailsAtOnceWithOneLine() throws Exception {
        Path fifo = mkfifo(dir.resolve("unread.cmd"));
        ExaBgpSpeaker speaker = new ExaBgpSpeaker(fifo);
        // Bounded so that a blocking open fails the test instead of hanging the build.
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> speaker.announce(route("10.10.40.1/32", "10.0.3.114"))));
        assertEquals("exabgp: no process reads " + fifo + ": is ExaBGP running with its API process (socat)?", e.getMessage());
        IOException w = assertThrows(IOException.class, () -> speaker.withdraw(route("10.10.40.1/32", "10.0.3.114")));
        assertEquals(e.getMessage(), w.getMessage());
    }

    @Test
    void missingPipeOrAPlainFileIsSaidInOneLine() throws Exception {
        Path missing = dir.resolve("no-such.cmd");
        IOException e = assertThrows(IOException.class,
                () -> new ExaBgpSpeaker(missing).announce(route("10.10.40.2/32", "10.0.3.114")));
        assertEquals("exabgp: " + missing + " does not exist: is ExaBGP running with its API process (socat)?", e.getMessage());

        Path plain = Files.writeString(dir.resolve("plain.cmd"), "keep me\n");
        IOException p = assertThrows(IOException.class,
                () -> new ExaBgpSpeaker(plain).announce(route("10.10.40.3/32", "10.0.3.114")));
        assertEquals("exabgp: " + plain + " is not a named pipe but a regular file", p.getMessage());
        assertEquals("keep me\n", Files.readString(plain), "nothing written over it");
    }

    @Test
    void aFullPipeFailsInsteadOfWaiting() throws Exception {
        Path fifo = mkfifo(dir.resolve("stuck.cmd"));
        // Opened read-write (which does not wait on Linux) it has a reader that never reads: a stuck ExaBGP.
        try (RandomAccessFile stuck = new RandomAccessFile(fifo.toFile(), "rw")) {
            ExaBgpSpeaker speaker = new ExaBgpSpeaker(fifo);
            FlowSpecRule rule = new FlowSpecRule(Cidr.parse("10.20.0.9/32"), 17, 123, -1, -1, false, 0);
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 100_000; i++) {
                    try {
                        speaker.announce(rule);
                    } catch (IOException full) {
                        return full;
                    }
                }
                return null;
            });
            assertEquals("exabgp: " + fifo + " is full: its reader takes no more lines (is it stuck?)",
                    e == null ? "never full" : e.getMessage());
            // Every line that went in went in whole: the pipe holds whole commands only.
            byte[] held = new byte[1 << 20];
            int n = stuck.read(held);
            String text = new String(held, 0, n, StandardCharsets.US_ASCII);
            String line = ExaBgpCommands.announce(rule) + "\n";
            assertEquals(0, text.length() % line.length(), "whole lines only");
            assertEquals(line.repeat(text.length() / line.length()), text);
        }
    }

    private static Route route(String prefix, String nextHop, String... communities) {
        return new Route(Cidr.parse(prefix), nextHop, List.of(communities));
    }

    private static Path mkfifo(Path p) throws IOException, InterruptedException {
        Process m = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        assertTrue(m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0, "mkfifo " + p);
        return p;
    }

    private static String awaitBlock(String table, String head) throws InterruptedException {
        return bird.await(table, head, WAIT);
    }

    private static void awaitGone(String table, String head) throws InterruptedException {
        bird.awaitGone(table, head, WAIT);
    }

    private static String routes(String table) {
        return bird.routesNow(table);
    }

    private static String block(String birdOutput, String head) {
        return Bird.block(birdOutput, head);
    }

}
