package fastnetmon.action;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real SMTP servers for the mail tests, each on a free loopback port: GreenMail in this JVM (plain SMTP and
 * SMTPS, AUTH with its users; it has no STARTTLS) and aiosmtpd, Debian's python3-aiosmtpd, in a process
 * (STARTTLS, SMTPS, AUTH, a recipient refused with 550). The TLS servers' certificates are self-signed; the
 * client trusts them through {@link SmtpSender.Trust}.
 */
final class MailServers {
    private MailServers() {
    }

    static final String USER = "fnm";
    static final String PASSWORD = "s3cret";

    /** GreenMail speaking {@code protocol} (SMTP or SMTPS) on a free port, with the user fnm / s3cret. */
    static GreenMail greenMail(String protocol) {
        GreenMail g = new GreenMail(new ServerSetup(0, "127.0.0.1", protocol).dynamicPort());
        g.start();
        g.setUser("fnm@example.com", USER, PASSWORD);
        return g;
    }

    static int port(GreenMail g) {
        return g.getSmtp() != null ? g.getSmtp().getPort() : g.getSmtps().getPort();
    }

    /** Trusts GreenMail's own self-signed certificate, which names no host (so no host name check). */
    static SmtpSender.Trust greenMailTrust() throws Exception {
        KeyStore shipped = KeyStore.getInstance("PKCS12");
        try (InputStream in = GreenMail.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
            shipped.load(in, "changeit".toCharArray());
        }
        return new SmtpSender.Trust(trusting(shipped.getCertificate(shipped.aliases().nextElement())), false);
    }

    /** An SSL context whose only trusted certificate is {@code cert}. */
    static SSLContext trusting(Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** aiosmtpd in a process, with a certificate made for 127.0.0.1 by openssl; messages land in its folder. */
    static final class Aiosmtpd implements AutoCloseable {
        static final String REFUSED = "nobody@example.com";
        private final Process process;
        final int port;
        final Path folder;
        final Path certificate;

        /** @param mode starttls, smtps or plain */
        Aiosmtpd(Path dir, String mode) throws Exception {
            folder = Files.createDirectories(dir.resolve("aiosmtpd-" + mode));
            certificate = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            if (!Files.exists(certificate)) {
                run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", certificate.toString()));
            }
            Path python = Path.of("/usr/bin/python3");
            assertTrue(Files.isExecutable(python), "needs Debian's python3 with python3-aiosmtpd (apt-get install python3-aiosmtpd)");
            port = freePort();
            process = new ProcessBuilder(python.toString(), Path.of("src/test/resources/mail/aiosmtpd_server.py").toString(),
                    Integer.toString(port), folder.toString(), mode, certificate.toString(), key.toString(), USER, PASSWORD,
                    REFUSED).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (!"ready".equals(first)) {
                StringBuilder all = new StringBuilder(String.valueOf(first));
                for (String l; (l = out.readLine()) != null; ) {
                    all.append('\n').append(l);
                }
                process.destroyForcibly();
                throw new AssertionError("aiosmtpd did not start (apt-get install python3-aiosmtpd): " + all);
            }
        }

        Certificate serverCertificate() throws Exception {
            try (InputStream in = Files.newInputStream(certificate)) {
                return CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
        }

        /** Trusts this server's certificate and checks that it names the host (127.0.0.1). */
        SmtpSender.Trust trust() throws Exception {
            return new SmtpSender.Trust(trusting(serverCertificate()), true);
        }

        /** The messages received so far, in order: {envelope (MAIL FROM, then RCPT TO lines), content}. */
        List<String[]> messages() throws IOException {
            List<String[]> out = new ArrayList<>();
            for (int n = 1; Files.exists(folder.resolve(n + ".eml")); n++) {
                out.add(new String[]{Files.readString(folder.resolve(n + ".env")),
                        Files.readString(folder.resolve(n + ".eml"), StandardCharsets.UTF_8)});
            }
            return out;
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close(); // its stdin: the server stops
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), command + ": " + out);
    }

    /** Settings for a server on 127.0.0.1:port with AUTH as fnm and a 5 s timeout. */
    static MailSettings settings(int port, boolean startTls, boolean implicitTls, String password, List<String> to) {
        return new MailSettings(true, "127.0.0.1", port, startTls, implicitTls, USER, password, "fastnetmon@example.com", to,
                Duration.ofSeconds(5));
    }
}
