package fastnetmon.action;

import fastnetmon.testing.Eventually;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.geoip.OriginLookup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static fastnetmon.action.TestActions.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that refuses or hangs: the failure is counted and logged with what the server said, retried when it
 * may pass, and neither the caller nor another action waits for it.
 */
class MailFailureTest {
    private static final List<String> TO = List.of("noc@example.com");
    @TempDir
    Path dir;
    private ListAppender<ILoggingEvent> logs;
    private ActionRegistry registry;

    @BeforeEach
    void capture() {
        logs = Fixtures.capture(MailAction.class);
    }

    @AfterEach
    void release() {
        Fixtures.release(MailAction.class, logs);
        if (registry != null) {
            registry.close();
        }
    }

    private List<String> warnings() {
        return Fixtures.messages(logs).stream().filter(l -> l.startsWith("WARN")).toList();
    }

    private static MailSettings settings(int port, Duration timeout, List<String> to) {
        MailSettings s = MailServers.settings(port, false, false, "", to);
        return new MailSettings(true, s.host(), port, false, false, "", "", s.from(), to, timeout);
    }

    private static Attack host(String ip) {
        return Fixtures.synFlood(ip);
    }

    /** Accepts connections, counts them, and never says a word. */
    private static final class SilentServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> held = new ArrayList<>();
        private final Thread acceptor = new Thread(this::accept, "silent-smtp");

        SilentServer() throws Exception {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = socket.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                    accepted.incrementAndGet();
                }
            } catch (Exception closed) {
                // the test is over
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpAfterTheTimeoutAndRetriesWhileTheCallerAndAnotherActionGoOn() throws Exception {
        try (SilentServer server = new SilentServer()) {
            MailAction mail = new MailAction(settings(server.port(), Duration.ofSeconds(1), TO), OriginLookup.NONE,
                    ZoneOffset.UTC, SmtpSender.Trust.jvmDefault(), new MailAction.Retries(2, Duration.ofMillis(100)));
            ActionRegistryTest.Recording other = new ActionRegistryTest.Recording("other", new ArrayList<>());
            registry = ActionRegistry.builder(null).add(mail, MailAction.THREADS).add(other, 1).build();
            Attack a = host("10.10.0.5");

            long start = System.nanoTime();
            registry.onEvent(event(BanEvent.Kind.BAN, a));
            registry.onEvent(event(BanEvent.Kind.ATTACK_DETAILS, a));
            registry.onEvent(event(BanEvent.Kind.BAN, host("10.10.0.6")));
            long callerMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(callerMs < 200, "the caller waited " + callerMs + " ms");

            long deadline = System.nanoTime() + 2_000_000_000L;
            while (other.seen.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long otherMs = (System.nanoTime() - start) / 1_000_000;
            List<String> seen = List.copyOf(other.seen);
            assertEquals(3, seen.size(), "the other action has all three: " + seen);
            assertTrue(seen.indexOf("BAN 10.10.0.5") < seen.indexOf("ATTACK_DETAILS 10.10.0.5") && seen.contains("BAN 10.10.0.6"), seen.toString());
            // The mail's second worker may take up its host's ban a moment after the other action is done
            Eventually.until(Duration.ofMillis(800), () -> registry.stats().get(0).running() == 2,
                    "both hosts' first mails hang: " + registry.stats().get(0));
            ActionStats during = registry.stats().get(0);
            // each mail hangs for two attempts of 1 s: the other action was done before the first mail gave up
            assertEquals(0, during.handled(), "the other action's events took " + otherMs + " ms: " + during);
            assertEquals(2, during.running(), "both hosts' first mails hang: " + during);
            assertEquals(1, during.queued(), "the details of 10.10.0.5 wait for its ban's mail: " + during);

            // each mail: 2 attempts of 1 s and a 100 ms back-off; the two hosts side by side, 10.10.0.5's two in turn
            assertTrue(registry.awaitIdle(Duration.ofSeconds(15)));
            long allMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(allMs >= 4000 && allMs < 10_000, "took " + allMs + " ms");
            assertEquals(new ActionStats("mail", 3, 3, 0, 0, 0, 0, MailAction.THREADS), registry.stats().get(0));
            assertEquals(6, server.accepted.get(), "three mails, two attempts each");
            List<String> w = warnings();
            assertEquals(1, w.size(), "the same cause is logged once a minute: " + w);
            String expected = "WARN mail: ban 10.10.0.[56] not sent via 127.0.0.1:" + server.port() + " after 2 attempts: "
                    + "connect to 127.0.0.1:" + server.port() + ": timed out \\(email_smtp_timeout: 1 s\\)";
            assertTrue(w.get(0).matches(expected), w.get(0));
        }
    }

    @Test
    void aStopCutsAHangingConversationAtOnceAndLeavesTheMailUnfinished() throws Exception {
        try (SilentServer server = new SilentServer()) {
            MailAction mail = new MailAction(settings(server.port(), Duration.ofSeconds(30), TO), OriginLookup.NONE,
                    ZoneOffset.UTC, SmtpSender.Trust.jvmDefault(), new MailAction.Retries(3, Duration.ofSeconds(5)));
            registry = ActionRegistry.builder(null).add(mail, MailAction.THREADS).build();
            registry.onEvent(event(BanEvent.Kind.BAN, host("10.10.0.5")));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.accepted.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, server.accepted.get());
            long start = System.nanoTime();
            assertTrue(!registry.close(Duration.ofMillis(100)), "the mail did not finish");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 2000, "close took " + ms + " ms: it waited for the 30 s timeout or the 5 s back-off");
            ActionStats st = registry.stats().get(0);
            assertEquals(1, st.unfinished(), st.toString());
            assertEquals(1, server.accepted.get(), "no retry after the stop");
        }
    }

    @Test
    void aRefusedConnectionIsRetriedWithBackOffThenLoggedOnceAMinutePerCause() throws Exception {
        int port = MailServers.freePort();
        MailAction mail = new MailAction(settings(port, Duration.ofSeconds(5), TO), OriginLookup.NONE, ZoneOffset.UTC,
                SmtpSender.Trust.jvmDefault(), new MailAction.Retries(3, Duration.ofMillis(200)));
        registry = ActionRegistry.builder(null).add(mail, 1).build();
        long start = System.nanoTime();
        registry.onEvent(event(BanEvent.Kind.BAN, host("10.10.0.5")));
        registry.onEvent(event(BanEvent.Kind.UNBAN, host("10.10.0.5")));
        assertTrue(registry.awaitIdle(Duration.ofSeconds(10)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 2 * 600, "two mails, each waited 200 + 400 ms between its three attempts: " + ms + " ms");
        assertEquals(2, registry.stats().get(0).failed());
        assertEquals(List.of("WARN mail: ban 10.10.0.5 not sent via 127.0.0.1:" + port + " after 3 attempts: connect to 127.0.0.1:"
                + port + ": ConnectException: Connection refused"), warnings(), "the unban's failure has the same cause: not logged");
    }

    @Test
    void aRefusedRecipientIsLoggedWithTheRepliesAndTheOthersGetTheMail() throws Exception {
        try (MailServers.Aiosmtpd server = new MailServers.Aiosmtpd(dir, "plain")) {
            List<String> to = List.of("noc@example.com", MailServers.Aiosmtpd.REFUSED, "oncall@example.org");
            MailAction mail = new MailAction(settings(server.port, Duration.ofSeconds(5), to), OriginLookup.NONE,
                    ZoneOffset.UTC, SmtpSender.Trust.jvmDefault(), new MailAction.Retries(3, Duration.ofSeconds(30)));
            registry = ActionRegistry.builder(null).add(mail, 1).build();
            registry.onEvent(event(BanEvent.Kind.BAN, host("10.10.0.5")));
            assertTrue(registry.awaitIdle(Duration.ofSeconds(10)), "a 5xx is not retried (a retry would wait 30 s)");
            assertEquals(1, registry.stats().get(0).failed());
            List<String[]> got = server.messages();
            assertEquals(1, got.size());
            assertEquals("fastnetmon@example.com\nnoc@example.com\noncall@example.org\n", got.get(0)[0]);
            assertEquals(List.of("WARN mail: ban 10.10.0.5 sent, but 127.0.0.1:" + server.port + " refused RCPT TO "
                    + MailServers.Aiosmtpd.REFUSED + ": 550 5.1.1 <" + MailServers.Aiosmtpd.REFUSED
                    + ">: Recipient address rejected: User unknown"), warnings());
        }
    }

    @Test
    void everyRecipientRefusedIsNothingSent() throws Exception {
        try (MailServers.Aiosmtpd server = new MailServers.Aiosmtpd(dir, "plain")) {
            SmtpSender sender = new SmtpSender(settings(server.port, Duration.ofSeconds(5), List.of(MailServers.Aiosmtpd.REFUSED)),
                    SmtpSender.Trust.jvmDefault());
            try {
                SmtpFailure f = org.junit.jupiter.api.Assertions.assertThrows(SmtpFailure.class, () -> sender.send(
                        new MailMessage("fastnetmon@example.com", List.of(MailServers.Aiosmtpd.REFUSED), "s", "b",
                                java.time.ZonedDateTime.now())));
                assertTrue(f.permanent());
                assertEquals(550, f.replyCode);
                assertTrue(f.line.startsWith("RCPT TO: every recipient refused: RCPT TO nobody@example.com: 550 5.1.1"), f.line);
            } finally {
                sender.close();
            }
            assertEquals(0, server.messages().size());
        }
    }
}
