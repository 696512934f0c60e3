package fastnetmon.amqp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.GetResponse;
import fastnetmon.testing.RabbitMq;
import fastnetmon.testing.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static fastnetmon.amqp.ThreatPublisherTest.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** amqps:// against rabbitmq-server's TLS listener, with a certificate made by openssl for the name "localhost". */
class ThreatPublisherTlsTest {
    @TempDir
    Path dir;

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    /** Runs a publisher until it published one event or failed once; the one log line when it failed. */
    private static String publishOnce(String uri, String queue) throws Exception {
        // Everything logged, the client's own loggers included: only our line may say the failure.
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        root.addAppender(app);
        try (ThreatPublisher p = new ThreatPublisher(new AmqpSettings(true, uri, "", queue, 10))) {
            p.offer(event(7));
            ThreatPublisherTest.await(p, () -> p.stats().published() == 1 || p.stats().failedAttempts() >= 2, "published, or failed twice");
        } finally {
            root.detachAppender(app);
        }
        List<ILoggingEvent> log;
        synchronized (app) {
            log = app.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                    && !e.getFormattedMessage().contains("dropped at stop")).toList();
        }
        if (log.isEmpty()) {
            return null;
        }
        assertEquals(1, log.size(), "one line for two failed attempts: " + log.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertEquals(ThreatPublisher.class.getName(), log.get(0).getLoggerName());
        assertNull(log.get(0).getThrowableProxy(), "no stack trace");
        return log.get(0).getFormattedMessage();
    }

    @Test
    void theCertificateAndItsNameAreCheckedAgainstTheJvmsTrustStore() throws Exception {
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem"), trust = dir.resolve("trust.p12");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost");
        run("keytool", "-importcert", "-noprompt", "-alias", "rabbitmq", "-file", cert.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        try (RabbitMq broker = RabbitMq.start(cert, key)) {
            broker.declareQueue("threats_tls");
            String untrusted = publishOnce("amqps://guest:guest@localhost:" + broker.tlsPort, "threats_tls");
            assertTrue(untrusted != null && untrusted.contains("cannot connect: ") && untrusted.contains("certification path"),
                    "a certificate the JVM does not trust is refused: " + untrusted);
            assertEquals(0, broker.depth("threats_tls"));

            TrustStore.using(trust, () -> {
                String otherName = publishOnce("amqps://guest:guest@127.0.0.1:" + broker.tlsPort, "threats_tls");
                assertTrue(otherName != null && otherName.contains("cannot connect: "),
                        "trusted, but made out to localhost, not 127.0.0.1: refused: " + otherName);
                assertEquals(0, broker.depth("threats_tls"));

                assertNull(publishOnce("amqps://guest:guest@localhost:" + broker.tlsPort, "threats_tls"), "trusted and named: published");
            });
            List<GetResponse> got = broker.drain("threats_tls");
            assertEquals(1, got.size());
            assertEquals(event(7).toJsonText(), new String(got.get(0).getBody(), StandardCharsets.UTF_8));
        }
    }
}
