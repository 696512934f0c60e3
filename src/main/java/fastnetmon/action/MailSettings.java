package fastnetmon.action;

import fastnetmon.config.Configuration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The e-mail keys, typed and read in one place ({@link #from}). Immutable. {@link #toString} leaves the
 * password out.
 *
 * @param enabled     {@code email_notifications}
 * @param host        {@code email_smtp_host}
 * @param port        {@code email_smtp_port}
 * @param startTls    {@code email_smtp_tls}: upgrade with STARTTLS, and fail when the server does not offer it
 * @param implicitTls {@code email_smtp_implicit_tls}: TLS from the first byte (SMTPS)
 * @param user        {@code email_smtp_user} (empty: no AUTH)
 * @param password    {@code email_smtp_password}
 * @param from        {@code email_from}
 * @param to          {@code email_to}: every mail goes to all of them
 * @param timeout     {@code email_smtp_timeout}: one SMTP conversation, connect to QUIT, takes at most this long
 */
public record MailSettings(boolean enabled, String host, int port, boolean startTls, boolean implicitTls, String user,
                           String password, String from, List<String> to, Duration timeout) {

    /** A bare address (user@example.com): no spaces, brackets, quotes or separators, a dotted or single-label domain. */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    public MailSettings {
        to = List.copyOf(to);
    }

    public static MailSettings from(Configuration c) {
        return new MailSettings(c.getBoolean("email_notifications"), c.getString("email_smtp_host"),
                c.getInt("email_smtp_port"), c.getBoolean("email_smtp_tls"), c.getBoolean("email_smtp_implicit_tls"),
                c.getString("email_smtp_user"), c.getString("email_smtp_password"), c.getString("email_from"),
                c.getList("email_to"), Duration.ofSeconds(c.getLong("email_smtp_timeout")));
    }

    /** Whether to log in (AUTH) after the greeting (and after TLS). */
    public boolean authenticates() {
        return !user.isEmpty();
    }

    /** "host:port", for log lines. */
    public String server() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * What keeps mail from being sent with these settings, as one line naming the key; empty when they are
     * usable (or mail is off, when nothing else is looked at).
     */
    public Optional<String> problem() {
        if (!enabled) {
            return Optional.empty();
        }
        if (host.isBlank()) {
            return Optional.of("email_smtp_host is empty: no SMTP server to send to");
        }
        if (startTls && implicitTls) {
            return Optional.of("email_smtp_tls and email_smtp_implicit_tls are both on: STARTTLS (usually port 587) "
                    + "or TLS from the start (SMTPS, usually port 465), not both");
        }
        if (!isAddress(from)) {
            return Optional.of("email_from '" + from + "' is not an e-mail address (user@example.com)");
        }
        if (to.isEmpty()) {
            return Optional.of("email_to is empty: no one to mail bans to");
        }
        for (String address : to) {
            if (!isAddress(address)) {
                return Optional.of("email_to '" + address + "' is not an e-mail address (user@example.com)");
            }
        }
        return Optional.empty();
    }

    static boolean isAddress(String s) {
        return ADDRESS.matcher(s).matches() && !s.startsWith(".") && !s.contains("..") && s.indexOf('@') < 65;
    }

    @Override
    public String toString() {
        return "MailSettings[enabled=" + enabled + ", server=" + server() + ", startTls=" + startTls + ", implicitTls="
                + implicitTls + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "(set)") + ", from=" + from
                + ", to=" + to + ", timeout=" + timeout + "]";
    }
}
