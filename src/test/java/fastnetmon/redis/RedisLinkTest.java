package fastnetmon.redis;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.testing.TrustStore;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection: a server that cannot be reached, a wrong password or an unknown host is one line (the
 * server's reply or the socket error, no stack trace) within the timeout, and the next attempt waits for
 * the back-off; password, database and TLS (a self-signed certificate made here) reach a real redis-server.
 */
class RedisLinkTest {
    @TempDir
    Path dir;

    private static RedisSettings settings(int port, String password, boolean tls, int database) {
        return new RedisSettings(true, "127.0.0.1", port, "", password, tls, database, 60);
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        ((Logger) LoggerFactory.getLogger(RedisLink.class)).addAppender(app);
        return app;
    }

    private static List<ILoggingEvent> lines(ListAppender<ILoggingEvent> app) {
        ((Logger) LoggerFactory.getLogger(RedisLink.class)).detachAppender(app);
        synchronized (app) {
            return List.copyOf(app.list);
        }
    }

    private static void assertOneLine(List<ILoggingEvent> lines, String expected) {
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).getFormattedMessage().contains(expected), lines.get(0).getFormattedMessage());
        assertNull(lines.get(0).getThrowableProxy(), "no stack trace");
    }

    @Test
    void anUnreachableServerAnUnknownHostOrNoHostIsOneLineAndTheNextAttemptWaitsForTheBackOff() throws Exception {
        ListAppender<ILoggingEvent> app = capture();
        try (RedisLink link = new RedisLink(settings(TestRedis.freePort(), "", false, 0), "test", () -> {
        })) {
            long t = System.nanoTime();
            assertNull(link.commands());
            long first = System.nanoTime() - t;
            assertTrue(first < TimeUnit.SECONDS.toNanos(8), "the first attempt (and lettuce's start) took " + first / 1_000_000 + " ms");
            t = System.nanoTime();
            assertNull(link.commands(), "within the back-off: no attempt");
            assertTrue(System.nanoTime() - t < TimeUnit.MILLISECONDS.toNanos(100));
            assertFalse(link.isConnected());
        }
        assertOneLine(lines(app), "Connection refused");

        app = capture();
        try (RedisLink link = new RedisLink(new RedisSettings(true, "no-such-host.invalid", 6379, "", "", false, 0, 60),
                "test", () -> {
        })) {
            assertNull(link.commands());
        }
        assertOneLine(lines(app), "no-such-host.invalid");

        app = capture();
        try (RedisLink link = new RedisLink(new RedisSettings(true, "", 6379, "", "", false, 0, 60), "test", () -> {
        })) {
            assertNull(link.commands());
        }
        assertOneLine(lines(app), "redis_host '' is not an address");
    }

    @Test
    void aWrongPasswordIsTheServersReplyAndTheRightOneReachesItsDatabase() throws Exception {
        try (TestRedis redis = TestRedis.start("--requirepass", "s3cret")) {
            ListAppender<ILoggingEvent> app = capture();
            try (RedisLink link = new RedisLink(settings(redis.port, "wrong", false, 0), "test", () -> {
            })) {
                assertNull(link.commands());
            }
            assertOneLine(lines(app), "WRONGPASS");

            try (RedisLink link = new RedisLink(settings(redis.port, "s3cret", false, 3), "test", () -> {
            })) {
                RedisClusterAsyncCommands<String, String> c = link.commands();
                assertNotNull(c);
                c.set("k", "in database 3").get(2, TimeUnit.SECONDS);
                assertEquals("in database 3", c.get("k").get(2, TimeUnit.SECONDS));
            }
            try (RedisLink link = new RedisLink(settings(redis.port, "s3cret", false, 0), "test", () -> {
            })) {
                RedisClusterAsyncCommands<String, String> c = link.commands();
                assertNotNull(c);
                assertNull(c.get("k").get(2, TimeUnit.SECONDS), "written in database 3 only");
            }
        }
    }

    @Test
    void tlsReachesAServerWithACertificateTheTrustStoreHolds() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path trust = dir.resolve("trust.p12");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        run("keytool", "-importcert", "-noprompt", "-alias", "redis", "-file", cert.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        try (TestRedis redis = TestRedis.start("--port", "0", "--tls-port", "PORT", "--tls-cert-file", cert.toString(),
                "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no")) {
            ListAppender<ILoggingEvent> app = capture();
            try (RedisLink link = new RedisLink(settings(redis.port, "", true, 0), "test", () -> {
            })) {
                assertNull(link.commands(), "a certificate the JVM does not trust is refused");
            }
            assertOneLine(lines(app), "cannot connect");

            TrustStore.using(trust, () -> {
                try (RedisLink link = new RedisLink(settings(redis.port, "", true, 0), "test", () -> {
                })) {
                    RedisClusterAsyncCommands<String, String> c = link.commands();
                    assertNotNull(c, "connected over TLS");
                    c.set("over", "tls").get(2, TimeUnit.SECONDS);
                    assertEquals("tls", c.get("over").get(2, TimeUnit.SECONDS));
                }
            });
            try (RedisLink plain = new RedisLink(settings(redis.port, "", false, 0), "test", () -> {
            })) {
                assertNull(plain.commands(), "no plain text on the TLS port");
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
}
