package fastnetmon.action;

import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One SMTP conversation per {@link #send}, with commons-net's client: connect (TLS from the first byte with
 * {@code email_smtp_implicit_tls}), EHLO, STARTTLS and EHLO again ({@code email_smtp_tls}), AUTH (PLAIN, else
 * LOGIN) when a user is set, MAIL FROM, RCPT TO for each recipient, DATA, QUIT. The whole conversation is
 * bounded by {@code email_smtp_timeout}: connect and every read wait at most that long, and a watchdog closes
 * the socket when the conversation as a whole outlasts it.
 *
 * <p>Threading: {@link #send} may run on several threads at once, each its own conversation; {@link #close}
 * (any thread, once) cuts the conversations under way and stops the watchdog.
 */
final class SmtpSender {
    /**
     * What TLS trusts: {@link #jvmDefault()} is the JVM's trust store (on Debian /etc/ssl/certs/java/cacerts,
     * which update-ca-certificates fills) with the server's name checked against its certificate.
     *
     * @param context        the TLS context whose trust managers judge the server's certificate
     * @param verifyHostname whether the certificate must name the host connected to
     */
    record Trust(SSLContext context, boolean verifyHostname) {
        static Trust jvmDefault() {
            try {
                return new Trust(SSLContext.getDefault(), true);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no TLS: " + e.getMessage(), e);
            }
        }
    }

    private final MailSettings settings;
    private final Trust trust;
    private final ScheduledExecutorService watchdog;
    private final Set<Conversation> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    SmtpSender(MailSettings settings, Trust trust) {
        this.settings = settings;
        this.trust = trust;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mail-timeout");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Delivers {@code message} to every recipient the server takes. Returns the recipients it refused for good
     * (each with the server's reply); throws when nothing was delivered, or when the server answered DATA with
     * an error. A recipient refused for now (4xx) fails the whole conversation before DATA, so a retry delivers
     * no one twice.
     */
    List<String> send(MailMessage message) throws SmtpFailure {
        Conversation c = new Conversation();
        running.add(c);
        if (closed) {
            running.remove(c);
            throw new SmtpFailure("connect to " + settings.server(), 0, "mail is closed (stopping)", true);
        }
        long timeoutMillis = settings.timeout().toMillis();
        ScheduledFuture<?> deadline = null;
        try {
            deadline = watchdog.schedule(c::timeOut, timeoutMillis, TimeUnit.MILLISECONDS);
            return c.run(message, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        } catch (RejectedExecutionException e) { // closed while starting
            throw new SmtpFailure(c.step, 0, "mail is closed (stopping)", true);
        } catch (IOException e) {
            if (closed) {
                throw new SmtpFailure(c.step, 0, "mail is closed (stopping)", true);
            }
            if (c.timedOut || e instanceof SocketTimeoutException) { // the whole conversation's, or one connect or read's
                throw new SmtpFailure(c.step, 0, "timed out (email_smtp_timeout: " + settings.timeout().toSeconds() + " s)");
            }
            if (e instanceof SmtpFailure f) {
                throw f;
            }
            throw new SmtpFailure(c.step, 0, describe(e));
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            c.disconnect();
            running.remove(c);
        }
    }

    /** Cuts the conversations under way (their {@link #send} fails) and stops the watchdog. */
    void close() {
        closed = true;
        watchdog.shutdownNow();
        for (Conversation c : running) {
            c.closeSocket();
        }
    }

    private static String describe(IOException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        String kind = e.getClass().getSimpleName();
        return text.isEmpty() ? kind : kind + ": " + text;
    }

    /** One connection's state; {@link #timeOut} and {@link #closeSocket} come from other threads. */
    private final class Conversation {
        private final TrackingSocketFactory sockets = new TrackingSocketFactory();
        private final AuthenticatingSMTPClient client = new AuthenticatingSMTPClient(settings.implicitTls(), trust.context());
        volatile boolean timedOut;
        /** The step under way, for the failure line. */
        volatile String step = "connect to " + settings.server();

        List<String> run(MailMessage message, int timeoutMillis) throws IOException {
            client.setSocketFactory(sockets);
            client.setConnectTimeout(timeoutMillis);
            client.setDefaultTimeout(timeoutMillis);
            client.setEndpointCheckingEnabled(trust.verifyHostname());
            client.connect(settings.host(), settings.port());
            expect("greeting", SMTPReply.isPositiveCompletion(client.getReplyCode()));
            step = "EHLO";
            String me = heloName();
            expect("EHLO", SMTPReply.isPositiveCompletion(client.ehlo(me)));
            if (settings.startTls()) {
                step = "STARTTLS";
                if (!offers("STARTTLS")) {
                    throw new SmtpFailure(step, 0, "the server does not offer STARTTLS (email_smtp_tls is on)", true);
                }
                expect(step, client.execTLS());
                step = "EHLO after STARTTLS";
                expect(step, SMTPReply.isPositiveCompletion(client.ehlo(me)));
            }
            if (settings.authenticates()) {
                step = "AUTH";
                expect(step, authenticate());
            }
            step = "MAIL FROM";
            expect(step, client.setSender(message.from()));
            List<String> refused = new ArrayList<>();
            for (String to : message.to()) {
                step = "RCPT TO " + to;
                if (!client.addRecipient(to)) {
                    SmtpFailure f = failure(step);
                    if (!f.permanent()) {
                        throw f;
                    }
                    refused.add(f.line);
                }
            }
            if (refused.size() == message.to().size()) {
                throw new SmtpFailure("RCPT TO", client.getReplyCode(), "every recipient refused: " + String.join("; ", refused));
            }
            step = "DATA";
            Writer data = client.sendMessageData();
            expect(step, data != null);
            data.write(message.wireText());
            data.close();
            step = "end of DATA";
            expect(step, client.completePendingCommand());
            step = "QUIT";
            client.logout();
            return refused;
        }

        /** PLAIN when the server offers it, else LOGIN (the two every server that takes passwords offers). */
        private boolean authenticate() throws IOException {
            AuthenticatingSMTPClient.AUTH_METHOD method;
            if (offersAuth("PLAIN")) {
                method = AuthenticatingSMTPClient.AUTH_METHOD.PLAIN;
            } else if (offersAuth("LOGIN")) {
                method = AuthenticatingSMTPClient.AUTH_METHOD.LOGIN;
            } else {
                throw new SmtpFailure(step, 0, "the server offers no AUTH PLAIN or LOGIN"
                        + (settings.startTls() || settings.implicitTls() ? "" : " (some offer it only over TLS: email_smtp_tls)")
                        + " and email_smtp_user is set", true);
            }
            try {
                return client.auth(method, settings.user(), settings.password());
            } catch (GeneralSecurityException e) {
                throw new SmtpFailure(step, 0, e.toString(), true);
            }
        }

        /** Whether the last EHLO reply lists this extension ("250-STARTTLS"). */
        private boolean offers(String extension) {
            for (String line : client.getReplyStrings()) {
                String words = line.length() > 4 ? line.substring(4).trim().toUpperCase(Locale.ROOT) : "";
                if (words.equals(extension) || words.startsWith(extension + " ")) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the last EHLO reply's AUTH line ("250-AUTH LOGIN PLAIN") names this mechanism. */
        private boolean offersAuth(String mechanism) {
            for (String line : client.getReplyStrings()) {
                String words = line.length() > 4 ? line.substring(4).trim().toUpperCase(Locale.ROOT) : "";
                if (words.startsWith("AUTH ") && List.of(words.substring(5).trim().split("\\s+")).contains(mechanism)) {
                    return true;
                }
            }
            return false;
        }

        private void expect(String at, boolean ok) throws SmtpFailure {
            if (!ok) {
                throw failure(at);
            }
        }

        private SmtpFailure failure(String at) {
            return new SmtpFailure(at, client.getReplyCode(), client.getReplyString());
        }

        /** The address literal of our end ("[192.0.2.1]", "[IPv6:2001:db8::1]"): no DNS lookup needed. */
        private String heloName() {
            InetAddress local = client.getLocalAddress();
            return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress().replaceAll("%.*", "") + "]"
                    : "[" + local.getHostAddress() + "]";
        }

        void timeOut() {
            timedOut = true;
            closeSocket();
        }

        /** Closing the plain socket (under any TLS layer) ends a read blocked on it in another thread. */
        void closeSocket() {
            Socket s = sockets.last;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closed either way
                }
            }
        }

        void disconnect() {
            try {
                client.disconnect();
            } catch (IOException ignored) {
                // the socket is gone either way
            }
            closeSocket();
        }
    }

    /** The platform's plain sockets, remembering the last one made so another thread can close it. */
    private static final class TrackingSocketFactory extends SocketFactory {
        private final SocketFactory plain = SocketFactory.getDefault();
        volatile Socket last;

        private Socket track(Socket s) {
            last = s;
            return s;
        }

        @Override
        public Socket createSocket() throws IOException {
            return track(plain.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return track(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return track(plain.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return track(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return track(plain.createSocket(address, port, localAddress, localPort));
        }
    }
}
