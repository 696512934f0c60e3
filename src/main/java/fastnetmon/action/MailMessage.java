package fastnetmon.action;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One plain-text mail as it goes over SMTP's DATA (RFC 5322 and MIME): Date, Message-ID, From, To, Subject
 * (RFC 2047 encoded-words when not ASCII), MIME-Version and {@code text/plain; charset=UTF-8}; the body is
 * sent as is (7bit) when it is ASCII in lines of at most 998 bytes, else quoted-printable. Lines end in
 * CRLF; the dot-stuffing of DATA is the SMTP client's. Immutable.
 *
 * @param from    sender address
 * @param to      recipient addresses, all in one To header
 * @param subject any text; line breaks become spaces
 * @param body    any text; line breaks may be LF or CRLF
 * @param date    the Date header's time
 */
public record MailMessage(String from, List<String> to, String subject, String body, ZonedDateTime date) {
    /** RFC 5322's date-time, e.g. {@code Fri, 4 Jul 2014 13:59:54 +0000}. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH);
    /** RFC 5322's longest line (without CRLF); quoted-printable keeps its lines to 76. */
    private static final int MAX_LINE = 998;
    private static final int QP_LINE = 76;
    /** Bytes of text in one encoded-word: 45 bytes are 60 base64 characters, 72 with "=?UTF-8?B?" and "?=". */
    private static final int WORD_BYTES = 45;

    public MailMessage {
        to = List.copyOf(to);
    }

    /** Headers, a blank line and the body, every line ending in CRLF; a fresh Message-ID each call. */
    public String wireText() {
        String text = body.replace("\r\n", "\n").replace('\r', '\n');
        boolean plain = isAscii(text) && longestLine(text) <= MAX_LINE;
        StringBuilder sb = new StringBuilder(text.length() + 512);
        header(sb, "Date", DATE.format(date));
        header(sb, "Message-ID", "<" + UUID.randomUUID() + "@" + domainOf(from) + ">");
        header(sb, "From", from);
        header(sb, "To", foldedList(to));
        header(sb, "Subject", encodedSubject(subject));
        header(sb, "MIME-Version", "1.0");
        header(sb, "Content-Type", "text/plain; charset=UTF-8");
        header(sb, "Content-Transfer-Encoding", plain ? "7bit" : "quoted-printable");
        sb.append("\r\n");
        String encoded = plain ? text : quotedPrintable(text);
        sb.append(encoded.replace("\n", "\r\n"));
        if (!encoded.endsWith("\n")) {
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append("\r\n");
    }

    /** The subject as is when it is printable ASCII, else as UTF-8 encoded-words on folded lines (RFC 2047). */
    static String encodedSubject(String subject) {
        String s = subject.replaceAll("[\r\n]+", " ");
        if (isAscii(s) && s.length() <= MAX_LINE - "Subject: ".length()) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int end = i;
            int bytes = 0;
            while (end < s.length()) {
                int cp = s.codePointAt(end);
                int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + n > WORD_BYTES) {
                    break;
                }
                bytes += n;
                end += Character.charCount(cp);
            }
            if (out.length() > 0) {
                out.append("\r\n ");
            }
            out.append("=?UTF-8?B?")
                    .append(Base64.getEncoder().encodeToString(s.substring(i, end).getBytes(StandardCharsets.UTF_8)))
                    .append("?=");
            i = end;
        }
        return out.toString();
    }

    /** Addresses joined by ", ", the line folded before an address that would pass 78 characters. */
    static String foldedList(List<String> addresses) {
        StringBuilder sb = new StringBuilder();
        int lineLength = "To: ".length();
        for (String a : addresses) {
            if (sb.length() > 0) {
                sb.append(',');
                lineLength++;
                if (lineLength + 1 + a.length() > 78) {
                    sb.append("\r\n");
                    lineLength = 0;
                }
                sb.append(' ');
                lineLength++;
            }
            sb.append(a);
            lineLength += a.length();
        }
        return sb.toString();
    }

    /**
     * Quoted-printable (RFC 2045) of the UTF-8 bytes, with LF line ends: printable ASCII but '=' as is, space
     * and tab as is except at a line's end, everything else =XX; soft breaks keep lines within 76.
     */
    static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder(text.length() * 3 / 2);
        String[] lines = text.split("\n", -1);
        for (int l = 0; l < lines.length; l++) {
            byte[] bytes = lines[l].getBytes(StandardCharsets.UTF_8);
            int lineLength = 0;
            for (int i = 0; i < bytes.length; i++) {
                int b = bytes[i] & 0xff;
                boolean last = i == bytes.length - 1;
                boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last);
                String piece = literal ? String.valueOf((char) b) : String.format("=%02X", b);
                // room for a soft break's '=' unless this is the line's last piece
                int limit = last ? QP_LINE : QP_LINE - 1;
                if (lineLength + piece.length() > limit) {
                    out.append("=\n");
                    lineLength = 0;
                }
                out.append(piece);
                lineLength += piece.length();
            }
            if (l < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 126 || (c < 32 && c != '\n' && c != '\t')) {
                return false;
            }
        }
        return true;
    }

    private static int longestLine(String s) {
        int longest = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '\n') {
                longest = Math.max(longest, i - start);
                start = i + 1;
            }
        }
        return longest;
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at >= 0 && at < address.length() - 1 ? address.substring(at + 1) : "localhost";
    }
}
