package fastnetmon.action;

import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mail's text on the wire: headers, encodings and line lengths. */
class MailMessageTest {
    private static final ZonedDateTime T = ZonedDateTime.of(2014, 7, 4, 13, 59, 54, 0, ZoneOffset.UTC);

    private static String headers(String wire) {
        return wire.substring(0, wire.indexOf("\r\n\r\n") + 2);
    }

    private static String body(String wire) {
        return wire.substring(wire.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void anAsciiMailHasEveryHeaderAndItsBodyAsIsWithCrlf() {
        MailMessage m = new MailMessage("fastnetmon@example.com", List.of("noc@example.com", "oncall@example.org"),
                "FastNetMon Guard: IP 10.10.0.5 unblocked", "IP: 10.10.0.5\nline two", T);
        String wire = m.wireText();
        String h = headers(wire);
        assertTrue(h.matches("Date: Fri, 4 Jul 2014 13:59:54 \\+0000\r\n"
                + "Message-ID: <[0-9a-f-]{36}@example\\.com>\r\n"
                + "From: fastnetmon@example\\.com\r\n"
                + "To: noc@example\\.com, oncall@example\\.org\r\n"
                + "Subject: FastNetMon Guard: IP 10\\.10\\.0\\.5 unblocked\r\n"
                + "MIME-Version: 1\\.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"), h);
        assertEquals("IP: 10.10.0.5\r\nline two\r\n", body(wire), "LF becomes CRLF; a last line gets its line end");
        String again = m.wireText();
        assertNotEquals(wire, again);
        assertEquals(wire.replaceAll("Message-ID: <[^>]+>", ""), again.replaceAll("Message-ID: <[^>]+>", ""),
                "only the Message-ID differs: a fresh one each time");
    }

    @Test
    void aNonAsciiSubjectIsEncodedWordsOfAtMost75CharactersThatDecodeBack() throws Exception {
        String subject = "FastNetMon Guard: IP 10.10.0.5 — атака из сети, Angriff aus Köln 🌩 " + "ü".repeat(40);
        String encoded = MailMessage.encodedSubject(subject);
        for (String line : encoded.split("\r\n")) {
            String word = line.strip();
            assertTrue(word.startsWith("=?UTF-8?B?") && word.endsWith("?=") && word.length() <= 75, word);
        }
        assertTrue(encoded.chars().allMatch(c -> c < 128));
        assertEquals(subject, MimeUtility.decodeText(MimeUtility.unfold(encoded)));
        assertEquals("plain ascii", MailMessage.encodedSubject("plain\r\nascii"), "a line break in a header value is a space");
    }

    @Test
    void aBodyBeyondAsciiOrWithLongLinesIsQuotedPrintableInLinesOf76() throws Exception {
        String text = "Côte d’Ivoire: 12 %\nends with a space \n" + "=".repeat(100) + "\n" + "x".repeat(1000) + "\nlast\ttab\t";
        String wire = new MailMessage("a@example.com", List.of("b@example.com"), "s", text, T).wireText();
        assertTrue(headers(wire).contains("Content-Transfer-Encoding: quoted-printable\r\n"));
        String qp = body(wire);
        for (String line : qp.split("\r\n")) {
            assertTrue(line.length() <= 76, line.length() + ": " + line);
            assertTrue(line.chars().allMatch(c -> (c >= 32 && c < 127) || c == '\t'), line);
            assertTrue(!line.endsWith(" ") && !line.endsWith("\t"), "no trailing white space: '" + line + "'");
        }
        String decoded = new String(MimeUtility.decode(new ByteArrayInputStream(qp.getBytes(StandardCharsets.US_ASCII)),
                "quoted-printable").readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(text.replace("\n", "\r\n") + "\r\n", decoded);

        String longAscii = new MailMessage("a@example.com", List.of("b@example.com"), "s", "y".repeat(999), T).wireText();
        assertTrue(headers(longAscii).contains("Content-Transfer-Encoding: quoted-printable"), "a line over 998 characters");
    }

    @Test
    void manyRecipientsAreFoldedBefore78Characters() {
        List<String> to = List.of("network-operations@example.com", "security-team@example.org", "oncall-pager@example.net",
                "noc@example.com");
        String folded = MailMessage.foldedList(to);
        String[] lines = ("To: " + folded).split("\r\n");
        assertTrue(lines.length > 1, folded);
        for (String l : lines) {
            assertTrue(l.length() <= 78, l);
        }
        assertEquals(String.join(", ", to), MimeUtility.unfold(folded));
    }
}
