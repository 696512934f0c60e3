package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import static fastnetmon.action.TestActions.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS, STARTTLS and AUTH against real servers: aiosmtpd (STARTTLS required before AUTH; SMTPS) with a
 * certificate made for 127.0.0.1 and checked against the host, GreenMail's SMTPS with its own certificate.
 */
class MailTlsTest {
    private static final List<String> TO = List.of("noc@example.com", "oncall@example.org");
    private static final String SUBJECT = "FastNetMon Guard: IP 10.10.0.5 blocked because incoming attack with power 50012 pps";

    @TempDir
    Path dir;

    private static MailMessage message() {
        return new MailMessage("fastnetmon@example.com", TO, SUBJECT, "IP: 10.10.0.5\n", ZonedDateTime.now());
    }

    private static List<String> send(MailSettings s, SmtpSender.Trust trust) throws SmtpFailure {
        SmtpSender sender = new SmtpSender(s, trust);
        try {
            return sender.send(message());
        } finally {
            sender.close();
        }
    }

    @Test
    void starttlsThenAuthDeliversToEveryRecipientWithTheHostNameChecked() throws Exception {
        try (MailServers.Aiosmtpd server = new MailServers.Aiosmtpd(dir, "starttls")) {
            MailSettings s = MailServers.settings(server.port, true, false, MailServers.PASSWORD, TO);
            assertEquals(List.of(), send(s, server.trust()));
            List<String[]> got = server.messages();
            assertEquals(1, got.size());
            assertEquals("fastnetmon@example.com\nnoc@example.com\noncall@example.org\n", got.get(0)[0]);
            assertTrue(got.get(0)[1].contains("\r\nSubject: " + SUBJECT + "\r\n"), got.get(0)[1]);
            assertTrue(got.get(0)[1].endsWith("\r\n\r\nIP: 10.10.0.5\r\n"), got.get(0)[1]);
        }
    }

    /** Sends to aiosmtpd (STARTTLS required before AUTH) as asked; returns the failure, having checked nothing arrived. */
    private SmtpFailure failureAgainstStarttlsServer(String host, boolean startTls, boolean trustTheServer) throws Exception {
        return failureAgainst("starttls", host, startTls, trustTheServer);
    }

    /** @param mode aiosmtpd's: starttls or smtps (then the client speaks TLS from the start) */
    private SmtpFailure failureAgainst(String mode, String host, boolean startTls, boolean trustTheServer) throws Exception {
        try (MailServers.Aiosmtpd server = new MailServers.Aiosmtpd(dir, mode)) {
            MailSettings s = new MailSettings(true, host, server.port, startTls, mode.equals("smtps"), MailServers.USER,
                    MailServers.PASSWORD, "fastnetmon@example.com", TO, Duration.ofSeconds(5));
            SmtpSender.Trust trust = trustTheServer ? server.trust() : SmtpSender.Trust.jvmDefault();
            SmtpFailure f = assertThrows(SmtpFailure.class, () -> send(s, trust));
            assertEquals(0, server.messages().size(), "nothing delivered");
            return f;
        }
    }

    @Test
    void withoutStarttlsTheServerRefusesAuthAndTheFailureSaysSo() throws Exception {
        SmtpFailure f = failureAgainstStarttlsServer("127.0.0.1", false, true);
        assertTrue(f.permanent(), f.line);
        assertTrue(f.line.startsWith("AUTH: the server offers no AUTH PLAIN or LOGIN (some offer it only over TLS"), f.line);
    }

    @Test
    void aCertificateTheTrustStoreDoesNotKnowIsRefusedAndNothingIsSent() throws Exception {
        SmtpFailure f = failureAgainstStarttlsServer("127.0.0.1", true, false);
        assertTrue(f.line.startsWith("STARTTLS: SSLHandshakeException: PKIX path building failed"), f.line);
    }

    @Test
    void aTrustedCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
        SmtpFailure f = failureAgainstStarttlsServer("localhost", true, true); // the certificate names 127.0.0.1 only
        assertTrue(f.line.startsWith("STARTTLS: SSLHandshakeException: No name matching localhost found"), f.line);
    }

    @Test
    void withImplicitTlsTooTheCertificateMustNameTheHost() throws Exception {
        SmtpFailure f = failureAgainst("smtps", "localhost", false, true);
        assertTrue(f.line.startsWith("connect to localhost:"), f.line);
        assertTrue(f.line.contains(": SSLHandshakeException: No name matching localhost found"), f.line);
    }

    @Test
    void implicitTlsWithAuthOnAiosmtpd() throws Exception {
        try (MailServers.Aiosmtpd server = new MailServers.Aiosmtpd(dir, "smtps")) {
            MailSettings s = MailServers.settings(server.port, false, true, MailServers.PASSWORD, TO);
            assertEquals(List.of(), send(s, server.trust()));
            assertEquals(1, server.messages().size());
            assertTrue(server.messages().get(0)[1].contains("\r\nSubject: " + SUBJECT + "\r\n"));
        }
    }

    @Test
    void implicitTlsWithAuthOnGreenMailThroughTheAction() throws Exception {
        GreenMail server = MailServers.greenMail(ServerSetup.PROTOCOL_SMTPS);
        ActionRegistry registry = null;
        try {
            MailSettings s = MailServers.settings(MailServers.port(server), false, true, MailServers.PASSWORD, TO);
            MailAction mail = new MailAction(s, fastnetmon.geoip.OriginLookup.NONE, ZoneOffset.UTC,
                    MailServers.greenMailTrust(), new MailAction.Retries(1, Duration.ZERO));
            registry = ActionRegistry.builder(null).add(mail, MailAction.THREADS).build();
            registry.onEvent(event(fastnetmon.detection.BanEvent.Kind.BAN, Fixtures.synFlood()));
            assertTrue(registry.awaitIdle(Duration.ofSeconds(20)));
            assertEquals(0, registry.stats().get(0).failed());
            MimeMessage[] got = server.getReceivedMessages();
            assertEquals(2, got.length, "one copy per recipient");
            assertEquals(SUBJECT, got[0].getSubject());
        } finally {
            if (registry != null) {
                registry.close();
            }
            server.stop();
        }
    }

    @Test
    void starttlsAskedOfAServerThatHasNoneFailsForGoodAndIsLogged() throws Exception {
        GreenMail server = MailServers.greenMail(ServerSetup.PROTOCOL_SMTP);
        ListAppender<ILoggingEvent> logs = Fixtures.capture(MailAction.class);
        ActionRegistry registry = null;
        try {
            MailSettings s = MailServers.settings(MailServers.port(server), true, false, MailServers.PASSWORD, TO);
            MailAction mail = new MailAction(s, fastnetmon.geoip.OriginLookup.NONE, ZoneOffset.UTC,
                    SmtpSender.Trust.jvmDefault(), new MailAction.Retries(3, Duration.ofSeconds(30)));
            registry = ActionRegistry.builder(null).add(mail, MailAction.THREADS).build();
            registry.onEvent(event(fastnetmon.detection.BanEvent.Kind.BAN, Fixtures.synFlood()));
            assertTrue(registry.awaitIdle(Duration.ofSeconds(10)), "not retried: a retry would wait 30 s");
            assertEquals(1, registry.stats().get(0).failed());
            assertEquals(0, server.getReceivedMessages().length, "nothing sent in the clear");
            assertEquals(List.of("WARN mail: ban 10.10.0.5 not sent via 127.0.0.1:" + MailServers.port(server)
                    + ": STARTTLS: the server does not offer STARTTLS (email_smtp_tls is on)"), Fixtures.messages(logs));
        } finally {
            Fixtures.release(MailAction.class, logs);
            if (registry != null) {
                registry.close();
            }
            server.stop();
        }
    }
}
