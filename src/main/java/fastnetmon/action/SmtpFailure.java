package fastnetmon.action;

import java.io.IOException;

/**
 * An SMTP conversation that did not deliver: at which step, and the server's reply when it gave one.
 * {@link #permanent} failures (a 5xx reply: wrong password, recipient refused) are not worth a retry; the
 * others (a 4xx reply, a connection refused or cut, a timeout) are.
 *
 * @see SmtpSender
 */
final class SmtpFailure extends IOException {
    /** The server's reply code, or 0 when the failure was not a reply (connection, TLS, timeout). */
    final int replyCode;
    /** What happened, on one line: "AUTH: 535 5.7.8 Authentication credentials invalid". */
    final String line;
    private final boolean permanent;

    /** A reply the server gave at {@code step}: permanent when it is a 5xx. */
    SmtpFailure(String step, int replyCode, String reply) {
        this(step, replyCode, reply, replyCode >= 500 && replyCode < 600);
    }

    SmtpFailure(String step, int replyCode, String reply, boolean permanent) {
        super(step + ": " + oneLine(reply));
        this.replyCode = replyCode;
        this.line = getMessage();
        this.permanent = permanent;
    }

    /** A failure of this kind is not retried: the server said no for good (5xx), or lacks what the settings need. */
    boolean permanent() {
        return permanent;
    }

    /** What is the same when the same thing goes wrong again: the step and reply code, or the step and text. */
    String cause() {
        return replyCode != 0 ? line.substring(0, line.indexOf(':')) + " " + replyCode : line;
    }

    /** A server's multi-line reply ("250-a\r\n250 b") or an exception's text on one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\r\n]+\\s*", " | ");
    }
}
