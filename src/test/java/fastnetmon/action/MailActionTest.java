package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.detection.SamplePacket;
import fastnetmon.geoip.OriginLookup;
import fastnetmon.networks.IpAddresses;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static fastnetmon.action.Fixtures.T0;
import static fastnetmon.action.TestActions.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mails of a ban's life, as a real SMTP server (GreenMail, with AUTH) receives them. */
class MailActionTest {
    private static final List<String> TO = List.of("noc@example.com", "oncall@example.org");
    private GreenMail server;
    private ActionRegistry registry;

    @BeforeEach
    void start() {
        server = MailServers.greenMail(ServerSetup.PROTOCOL_SMTP);
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
        server.stop();
    }

    private MailAction mail(String password) {
        MailSettings s = MailServers.settings(MailServers.port(server), false, false, password, TO);
        return new MailAction(s, OriginLookup.NONE, ZoneOffset.UTC, SmtpSender.Trust.jvmDefault(),
                new MailAction.Retries(3, Duration.ofMillis(50)));
    }

    private ActionRegistry registry(MailAction mail) {
        registry = ActionRegistry.builder(null).add(mail, MailAction.THREADS).build();
        return registry;
    }

    private static SamplePacket syn(long ts, int port) {
        return new SamplePacket(ts, "1.2.3.4", port, "10.10.0.5", 80, 6, 0x02, false, 1, 54, 64);
    }

    /** The received copies with this subject, one per recipient. */
    private List<MimeMessage> withSubject(String subject) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : server.getReceivedMessages()) {
            if (m.getSubject().equals(subject)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The decoded text with LF line ends; GreenMail keeps no final line end, so neither does this. */
    private static String body(MimeMessage m) throws Exception {
        return ((String) m.getContent()).replace("\r\n", "\n").replaceAll("\n$", "");
    }

    private static String withoutFinalNewline(String text) {
        return text.replaceAll("\n$", "");
    }

    private static Set<String> recipients(MimeMessage m) throws Exception {
        Set<String> out = new HashSet<>();
        for (Address a : m.getRecipients(Message.RecipientType.TO)) {
            out.add(a.toString());
        }
        return out;
    }

    @Test
    void aBanItsDetailsAndItsUnbanAreMailedToEveryRecipientAndARestoredBanIsNot() throws Exception {
        Attack a = Fixtures.synFlood().withSamples(List.of(syn(T0, 46804), syn(T0 + 1000, 46805)));
        ActionRegistry r = registry(mail(MailServers.PASSWORD));
        r.onEvent(event(BanEvent.Kind.RESTORED, a));
        r.onEvent(event(BanEvent.Kind.BAN, a));
        r.onEvent(event(BanEvent.Kind.ATTACK_DETAILS, a));
        r.onEvent(new BanEvent(BanEvent.Kind.UNBAN, a, T0 + 120_000_000_000L));
        assertTrue(r.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(new ActionStats("mail", 4, 0, 0, 0, 0, 0, MailAction.THREADS), r.stats().get(0));
        assertEquals(6, server.getReceivedMessages().length, "three mails, two recipients each; none for RESTORED");

        List<MimeMessage> bans = withSubject("FastNetMon Guard: IP 10.10.0.5 blocked because incoming attack with power 50012 pps");
        assertEquals(2, bans.size());
        assertEquals(withoutFinalNewline(AttackText.banText(a)), body(bans.get(0)));
        List<MimeMessage> details = withSubject("FastNetMon Guard: IP 10.10.0.5 attack details");
        assertEquals(2, details.size());
        assertEquals(withoutFinalNewline(AttackText.details(a, ZoneOffset.UTC)), body(details.get(0)));
        assertTrue(body(details.get(0)).contains("\n2014-07-04 13:59:54.778872 1.2.3.4:46804 > 10.10.0.5:80 protocol: tcp flags: syn"
                + " frag: 0  packets: 1 size: 54 bytes ttl: 64 sample ratio: 1  \n"), body(details.get(0)));
        List<MimeMessage> unbans = withSubject("FastNetMon Guard: IP 10.10.0.5 unblocked");
        assertEquals(2, unbans.size());
        assertEquals("IP: 10.10.0.5\nAttack type: syn_flood\nAttack direction: incoming\n"
                + "Initial attack power: 50012 packets per second\nPeak attack power: 50012 packets per second\n"
                + "Banned at: 2014-07-04 13:59:54 +0000\nUnbanned at: 2014-07-04 14:01:54 +0000", body(unbans.get(0)));

        Set<String> ids = new HashSet<>();
        for (MimeMessage m : server.getReceivedMessages()) {
            assertEquals(Set.copyOf(TO), recipients(m), "every copy names both recipients in To");
            assertEquals("fastnetmon@example.com", m.getFrom()[0].toString());
            assertEquals("1.0", m.getHeader("MIME-Version", null));
            assertEquals("text/plain; charset=UTF-8", m.getContentType());
            assertEquals("7bit", m.getEncoding());
            ZonedDateTime date = ZonedDateTime.parse(m.getHeader("Date", null), MailMessage.DATE);
            assertTrue(Math.abs(Duration.between(date, ZonedDateTime.now()).toSeconds()) < 60, "Date is now: " + date);
            assertTrue(m.getMessageID().matches("<[0-9a-f-]{36}@example\\.com>"), m.getMessageID());
            ids.add(m.getMessageID());
        }
        assertEquals(3, ids.size(), "one Message-ID per mail, the same for both recipients' copies");
    }

    @Test
    void aNetworkBannedAsAWholeIsMailedWithItsCidr() throws Exception {
        Attack host = Fixtures.synFlood();
        long[] net = IpAddresses.parse("10.10.0.0");
        Attack subnet = new Attack("10.10.0.0/24", net[0], net[1], host.direction, host.attackType, host.protocol,
                host.initial, host.reason, host.hostgroup, host.bannedAtNanos);
        ActionRegistry r = registry(mail(MailServers.PASSWORD));
        r.onEvent(event(BanEvent.Kind.BAN, subnet));
        r.onEvent(event(BanEvent.Kind.UNBAN, subnet));
        assertTrue(r.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(2, withSubject("FastNetMon Guard: IP 10.10.0.0/24 blocked because incoming attack with power 50012 pps").size());
        assertEquals(2, withSubject("FastNetMon Guard: IP 10.10.0.0/24 unblocked").size());
        assertTrue(body(withSubject("FastNetMon Guard: IP 10.10.0.0/24 unblocked").get(0)).startsWith("IP: 10.10.0.0/24\n"));
    }

    @Test
    void dotsAtLineStartsAndTextBeyondAsciiArriveIntact() throws Exception {
        MailSettings s = MailServers.settings(MailServers.port(server), false, false, MailServers.PASSWORD, TO);
        SmtpSender sender = new SmtpSender(s, SmtpSender.Trust.jvmDefault());
        String subject = "FastNetMon Guard: IP 10.10.0.5 — Angriff aus Köln, атака";
        String text = "first\n.\n..two dots\n.starts with a dot\nÜber 120 613 pps from Côte d’Ivoire\n" + "x".repeat(1200) + "\nlast";
        try {
            assertEquals(List.of(), sender.send(new MailMessage(s.from(), TO, subject, text, ZonedDateTime.now())));
        } finally {
            sender.close();
        }
        MimeMessage m = server.getReceivedMessages()[0];
        assertEquals(subject, m.getSubject(), "RFC 2047 encoded, decoded back");
        assertTrue(Arrays.stream(m.getHeader("Subject")).allMatch(h -> h.chars().allMatch(c -> c < 128)), "the header is ASCII");
        assertEquals("quoted-printable", m.getEncoding());
        assertEquals(text, body(m), "a lone '.' line did not end the DATA, '..' stayed two dots");
    }

    @Test
    void aWrongPasswordIsOneFailureWithTheServersReplyAndIsNotRetried() throws Exception {
        ListAppender<ILoggingEvent> logs = Fixtures.capture(MailAction.class);
        try {
            ActionRegistry r = registry(mail("wrong"));
            r.onEvent(event(BanEvent.Kind.BAN, Fixtures.synFlood()));
            assertTrue(r.awaitIdle(Duration.ofSeconds(20)));
            ActionStats st = r.stats().get(0);
            assertEquals(1, st.handled());
            assertEquals(1, st.failed());
            assertEquals(0, server.getReceivedMessages().length);
            List<String> lines = Fixtures.messages(logs);
            assertEquals(List.of("WARN mail: ban 10.10.0.5 not sent via 127.0.0.1:" + MailServers.port(server)
                    + ": AUTH: 535 5.7.8  Authentication credentials invalid"), lines, "one attempt, one line, the reply");
        } finally {
            Fixtures.release(MailAction.class, logs);
        }
    }
}
