package fastnetmon.mitigation;

import fastnetmon.networks.Cidr;
import fastnetmon.testing.Bird;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.GoBgpd;
import fastnetmon.testing.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GoBgpSpeaker against a real gobgpd (AS 65000) peering with a real BIRD (AS 65001, the upstream
 * router): what the speaker announces and withdraws is what BIRD learns and forgets, with the attributes
 * BIRD prints. The servers are started once for the class; each test uses its own prefixes.
 */
class GoBgpSpeakerTest {
    /** Long enough for a cold JVM on a busy machine; the dead-gobgpd tests use a short one. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration SESSION = Duration.ofSeconds(60);
    private static final Duration PROPAGATION = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static Bird bird;
    private static GoBgpd gobgpd;
    private static GoBgpSpeaker speaker;

    @BeforeAll
    static void startRouters() throws Exception {
        int birdPort = Ports.free(), bgpPort = Ports.free(), apiPort = Ports.free();
        while (bgpPort == birdPort) {
            bgpPort = Ports.free();
        }
        while (apiPort == birdPort || apiPort == bgpPort) {
            apiPort = Ports.free();
        }
        bird = Bird.start(dir.resolve("bird"), Bird.peer("fnm", birdPort, 65001, bgpPort, 65000));
        gobgpd = GoBgpd.start(dir.resolve("gobgpd"), apiPort, bgpPort, birdPort);
        speaker = new GoBgpSpeaker("127.0.0.1", apiPort, DEADLINE);
    }

    @AfterAll
    static void stopRouters() {
        if (speaker != null) {
            speaker.close();
        }
        if (gobgpd != null) {
            gobgpd.close();
        }
        if (bird != null) {
            bird.close();
        }
    }

    /** gobgpd connects a few seconds after it starts (and again after the restart test). */
    @BeforeEach
    void sessionUp() throws InterruptedException {
        Eventually.until(SESSION, () -> bird.isEstablished("fnm"), "BIRD's session with gobgpd is up");
    }

    @Test
    void anIpv4BlackholeReachesTheRouterWithItsNextHopAndCommunitiesUntilWithdrawn() throws Exception {
        Route r = new Route(Cidr.parse("10.66.1.1/32"), "192.0.2.1", List.of("65001:666", "65001:777"));
        speaker.announce(r);
        String route = entry("master4", "10.66.1.1/32");
        assertTrue(route.contains("BGP.next_hop: 192.0.2.1"), route);
        assertTrue(route.contains("BGP.community: (65001,666) (65001,777)"), route);
        assertTrue(route.contains("BGP.origin: IGP"), route);

        // the prefix is the route's identity: the withdrawal need not repeat the attributes
        speaker.withdraw(new Route(r.prefix(), "192.0.2.1", List.of()));
        gone("master4", "10.66.1.1/32");
    }

    @Test
    void anIpv6BlackholeCarriesItsNextHopInMpReach() throws Exception {
        Route r = new Route(Cidr.parse("2001:db8:66::1/128"), "2001:db8::ff", List.of("65001:666"));
        speaker.announce(r);
        String route = entry("master6", "2001:db8:66::1/128");
        assertTrue(route.contains("BGP.next_hop: 2001:db8::ff"), route);
        assertTrue(route.contains("BGP.community: (65001,666)"), route);

        speaker.withdraw(r);
        gone("master6", "2001:db8:66::1/128");
    }

    @Test
    void anNtpAmplificationIsDiscardedByFlowSpecUntilWithdrawn() throws Exception {
        FlowSpecRule ntp = new FlowSpecRule(Cidr.parse("10.66.2.1/32"), 17, 123, -1, -1, false, 0);
        speaker.announce(ntp);
        String rule = entry("flowtab4", "flow4 { dst 10.66.2.1/32; proto 17; sport 123; }");
        assertTrue(rule.contains("BGP.ext_community: (generic, 0x80060000, 0x0)"), "traffic-rate 0 (discard): " + rule);

        // the match is the rule's identity: a withdrawal with another rate takes it out
        speaker.withdraw(new FlowSpecRule(ntp.destination(), 17, 123, -1, -1, false, 1000));
        gone("flowtab4", "dst 10.66.2.1/32");
    }

    @Test
    void aRateLimitWithPortTcpFlagsAndFragmentsHasEveryComponent() throws Exception {
        FlowSpecRule syn = new FlowSpecRule(Cidr.parse("10.66.2.2/32"), 6, -1, 80, 2, true, 125_000);
        speaker.announce(syn);
        // tcp flags: syn must be set (match bit); fragment: first or later (any of the two bits)
        String rule = entry("flowtab4", "flow4 { dst 10.66.2.2/32; proto 6; dport 80; tcp flags 0x2/0x2; fragment !0x0/0x6; }");
        String rate = "0x" + Integer.toHexString(Float.floatToIntBits(125_000f));
        assertTrue(rule.contains("BGP.ext_community: (generic, 0x80060000, " + rate + ")"), "traffic-rate 125000 bytes/s: " + rule);

        speaker.withdraw(syn);
        gone("flowtab4", "dst 10.66.2.2/32");
    }

    @Test
    void anIpv6FlowSpecRuleReachesTheRouterUntilWithdrawn() throws Exception {
        FlowSpecRule ntp = new FlowSpecRule(Cidr.parse("2001:db8:66::2/128"), 17, 123, 443, -1, false, 0);
        speaker.announce(ntp);
        String rule = entry("flowtab6", "flow6 { dst 2001:db8:66::2/128; next header 17; dport 443; sport 123; }");
        assertTrue(rule.contains("BGP.ext_community: (generic, 0x80060000, 0x0)"), rule);

        speaker.withdraw(ntp);
        gone("flowtab6", "dst 2001:db8:66::2/128");
    }

    @Test
    void withdrawingWhatIsNotAnnouncedIsHarmlessAndTouchesNothingElse() throws Exception {
        Route kept = new Route(Cidr.parse("10.66.3.1/32"), "192.0.2.1", List.of("65001:666"));
        speaker.announce(kept);
        entry("master4", "10.66.3.1/32");

        speaker.withdraw(new Route(Cidr.parse("10.66.3.2/32"), "192.0.2.1", List.of()));
        speaker.withdraw(new FlowSpecRule(Cidr.parse("10.66.3.3/32"), 17, 123, -1, -1, false, 0));
        speaker.withdraw(new FlowSpecRule(Cidr.parse("2001:db8:66::3/128"), 17, -1, -1, -1, false, 0));
        assertTrue(gobgpd.rib("ipv4").contains("10.66.3.1/32"), "gobgpd still has the route that was not withdrawn");

        speaker.withdraw(kept);
        gone("master4", "10.66.3.1/32");
    }

    @Test
    void closingLeavesWhatIsAnnouncedInForce() throws Exception {
        Route r = new Route(Cidr.parse("10.66.4.1/32"), "192.0.2.1", List.of());
        GoBgpSpeaker other = new GoBgpSpeaker("127.0.0.1", gobgpd.apiPort(), DEADLINE);
        other.announce(r);
        other.close();
        assertTrue(gobgpd.rib("ipv4").contains("10.66.4.1/32"), "close() withdrew nothing");
        IOException e = assertThrows(IOException.class, () -> other.announce(r));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());

        speaker.withdraw(r);
        assertFalse(gobgpd.rib("ipv4").contains("10.66.4.1/32"));
    }

    @Test
    void aPathGobgpdRefusesIsAOneLineError() {
        Route badNextHop = new Route(Cidr.parse("10.66.5.1/32"), "not-an-address", List.of());
        IOException e = assertThrows(IOException.class, () -> speaker.announce(badNextHop));
        oneLine(e);
        assertTrue(e.getMessage().startsWith("gobgpd at 127.0.0.1:" + gobgpd.apiPort() + ": announce 10.66.5.1/32"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid nexthop"), e.getMessage());

        Route badCommunity = new Route(Cidr.parse("10.66.5.2/32"), "192.0.2.1", List.of("65001:70000"));
        e = assertThrows(IOException.class, () -> speaker.announce(badCommunity));
        oneLine(e);
        assertTrue(e.getMessage().contains("'65001:70000' is not a community"), e.getMessage());
    }

    @Test
    void itCarriesRoutesAndFlowSpecButNoIpsetMembers() {
        assertEquals("gobgp", speaker.name());
        assertTrue(speaker.carries(new Route(Cidr.parse("10.66.6.1/32"), "192.0.2.1", List.of())));
        assertTrue(speaker.carries(new FlowSpecRule(Cidr.parse("10.66.6.1/32"), 17, -1, -1, -1, false, 0)));
        assertFalse(speaker.carries(new SetMember("blackhole", Cidr.parse("10.66.6.1/32"), 0)));
    }

    @Test
    void aServerThatNeverAnswersEndsAtTheDeadline() throws Exception {
        Duration deadline = Duration.ofSeconds(2);
        // accepts the connection and says nothing: no HTTP/2, no gRPC
        try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             GoBgpSpeaker s = new GoBgpSpeaker("127.0.0.1", mute.getLocalPort(), deadline)) {
            Route r = new Route(Cidr.parse("10.66.7.1/32"), "192.0.2.1", List.of());
            IOException e = assertTimeoutPreemptively(deadline.multipliedBy(10),
                    () -> assertThrows(IOException.class, () -> s.announce(r)), "the deadline bounds the call");
            oneLine(e);
            assertEquals("gobgpd at 127.0.0.1:" + mute.getLocalPort() + ": announce " + r.text() + ": no answer within 2000 ms",
                    e.getMessage());
        }
    }

    @Test
    void anInterruptEndsACallInProgress() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             GoBgpSpeaker s = new GoBgpSpeaker("127.0.0.1", mute.getLocalPort(), Duration.ofMinutes(5))) {
            AtomicReference<Exception> thrown = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    s.announce(new Route(Cidr.parse("10.66.9.1/32"), "192.0.2.1", List.of()));
                } catch (Exception e) {
                    thrown.set(e);
                }
            });
            caller.start();
            try (Socket connected = mute.accept()) { // the call is in progress: waiting for an answer
                caller.interrupt();
                caller.join(Duration.ofSeconds(30).toMillis());
            }
            assertFalse(caller.isAlive(), "the interrupt ended the call, long before its 5-minute deadline");
            assertTrue(thrown.get() instanceof InterruptedIOException, String.valueOf(thrown.get()));
            assertEquals("gobgpd at 127.0.0.1:" + mute.getLocalPort() + ": announce 10.66.9.1/32 next-hop 192.0.2.1: interrupted",
                    thrown.get().getMessage());
        }
    }

    @Test
    void aDeadGobgpdIsAOneLineErrorAndOnceBackTheSameAnnouncementGoesThrough() throws Exception {
        Route r = new Route(Cidr.parse("10.66.8.1/32"), "192.0.2.1", List.of("65001:666"));
        GoBgpSpeaker s = new GoBgpSpeaker("127.0.0.1", gobgpd.apiPort(), Duration.ofSeconds(2));
        try {
            s.announce(new Route(Cidr.parse("10.66.8.2/32"), "192.0.2.1", List.of())); // connected before it dies
            gobgpd.stop();
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(IOException.class, () -> s.announce(r)), "the deadline bounds the call");
            oneLine(e);
            assertTrue(e.getMessage().startsWith("gobgpd at 127.0.0.1:" + gobgpd.apiPort() + ": announce 10.66.8.1/32"), e.getMessage());
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
            assertThrows(IOException.class, () -> s.withdraw(r), "still down");

            gobgpd.start();
            assertDoesNotThrow(() -> s.announce(r), "gobgpd is back: the same speaker reaches it at once");
            sessionUp();
            String route = entry("master4", "10.66.8.1/32");
            assertTrue(route.contains("BGP.community: (65001,666)"), route);
            assertFalse(bird.routes("master4").contains("10.66.8.2/32"), "a restarted gobgpd forgot what it had");

            s.withdraw(r);
            gone("master4", "10.66.8.1/32");
        } finally {
            s.close();
        }
    }

    /** The route (or rule) whose first line starts with {@code start}, with its attribute lines, once BIRD has it. */
    private static String entry(String table, String start) throws InterruptedException {
        return bird.await(table, start, PROPAGATION);
    }

    private static void gone(String table, String text) throws InterruptedException {
        Eventually.until(PROPAGATION, () -> !bird.routesNow(table).contains(text), "BIRD's " + table + " no longer has " + text);
    }

    private static void oneLine(IOException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception:"), "no exception names for the user: " + e.getMessage());
    }
}
