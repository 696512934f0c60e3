package fastnetmon.amqp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.GetResponse;
import fastnetmon.sensor.ThreatEvent;
import fastnetmon.testing.Eventually;
import fastnetmon.testing.Ports;
import fastnetmon.testing.RabbitMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publisher against a real rabbitmq-server: delivery, the broker killed and started again, a full buffer, failures. */
class ThreatPublisherTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static RabbitMq broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = RabbitMq.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    static ThreatEvent event(int i) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("flows", 140L + i);
        counts.put("destinations", 101L);
        return new ThreatEvent(i % 2 == 0 ? "portscan" : "winscan", "10.8.2.3", "10.10." + (i / 250) + "." + (i % 250),
                1_700_000_000L + i, List.of("192.0.2.1", "host" + i + ".example.net"), counts);
    }

    private static AmqpSettings settings(int port, String queue, int buffer) {
        return new AmqpSettings(true, "amqp://guest:guest@127.0.0.1:" + port + "/%2f", "", queue, buffer);
    }

    /** Waits for the condition; a failure shows the publisher's counters as they were at the end. */
    static void await(ThreatPublisher p, java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        try {
            Eventually.until(WAIT, condition, what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + p.stats(), e);
        }
    }

    static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        ((Logger) LoggerFactory.getLogger(ThreatPublisher.class)).addAppender(app);
        return app;
    }

    static List<ILoggingEvent> lines(ListAppender<ILoggingEvent> app) {
        ((Logger) LoggerFactory.getLogger(ThreatPublisher.class)).detachAppender(app);
        synchronized (app) {
            return List.copyOf(app.list);
        }
    }

    /** Bodies of the messages now in the queue, each with how many times it came. */
    private static Map<String, Integer> received(String queue) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        for (GetResponse r : broker.drain(queue)) {
            seen.merge(new String(r.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        return seen;
    }

    @Test
    void eventsReachABoundQueueAsTheirExactJsonPersistentAndTypedAsJson() throws Exception {
        broker.declareQueue("threats_plain");
        try (ThreatPublisher p = new ThreatPublisher(settings(broker.port, "threats_plain", 100))) {
            for (int i = 0; i < 3; i++) {
                assertTrue(p.offer(event(i)));
            }
            await(p, () -> p.stats().published() == 3, "3 confirmed");
            assertEquals(new ThreatPublisherStats(3, 0, 0, 0, 0, true), p.stats());
        }
        List<GetResponse> got = broker.drain("threats_plain");
        assertEquals(3, got.size());
        for (int i = 0; i < 3; i++) {
            GetResponse r = got.get(i);
            assertEquals(event(i).toJsonText(), new String(r.getBody(), StandardCharsets.UTF_8), "in order, the exact JSON");
            assertEquals(2, r.getProps().getDeliveryMode(), "persistent");
            assertEquals("application/json", r.getProps().getContentType());
            assertEquals(event(i).type(), r.getProps().getType());
            assertNotNull(r.getProps().getMessageId());
        }
        assertEquals(3, got.stream().map(r -> r.getProps().getMessageId()).distinct().count(), "one id per event");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard only
    void theBrokerStoppedOffersStillReturnEventsWaitAndAreDeliveredOnceItIsBack() throws Exception {
        broker.declareQueue("threats_restart");
        ListAppender<ILoggingEvent> app = capture();
        try (ThreatPublisher p = new ThreatPublisher(settings(broker.port, "threats_restart", 10_000))) {
            for (int i = 0; i < 50; i++) {
                assertTrue(p.offer(event(i)));
            }
            await(p, () -> p.stats().published() == 50, "the first 50 confirmed");

            broker.stop();
            assertEquals(50, p.stats().published());
            for (int i = 50; i < 2050; i++) {
                assertTrue(p.offer(event(i)), "taken while the broker is away");
            }
            ThreatPublisherStats down = p.stats();
            assertEquals(50, down.published());
            assertEquals(2000, down.buffered(), "all kept: none can be confirmed by a dead broker");
            assertEquals(0, down.dropped());
            await(p, () -> p.stats().failedAttempts() >= 2, "it kept trying");
            assertFalse(p.stats().connected());

            broker.startAgain();
            await(p, () -> p.stats().published() == 2050, "all delivered after the restart");
            assertEquals(0, p.stats().buffered());
            assertEquals(0, p.stats().dropped());
            assertEquals(0, p.stats().unroutable(), "the queue came back with the broker");
        }
        Map<String, Integer> seen = received("threats_restart");
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < 2050; i++) {
            if (!seen.containsKey(event(i).toJsonText())) {
                missing.add(event(i).offender());
            }
        }
        assertEquals(List.of(), missing, "none lost (the first 50 survived the restart: confirmed means written)");
        assertEquals(2050, seen.size());
        // No connection was lost between a publish and its confirm here, so at-least-once made no duplicates.
        assertEquals(List.of(), seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList());

        List<ILoggingEvent> log = lines(app);
        List<String> warnings = log.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(warnings.size() <= 2, "the outage said once (the lost connection, then at most a line a minute): " + warnings);
        assertTrue(log.stream().allMatch(e -> e.getThrowableProxy() == null), "no stack trace");
        assertTrue(log.stream().anyMatch(e -> e.getFormattedMessage().endsWith(": publishing again")), "its recovery said: " + log);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
    void aFullBufferDropsTheNewEventsAndCountsThem() throws Exception {
        ListAppender<ILoggingEvent> app = capture();
        try (ThreatPublisher p = new ThreatPublisher(settings(Ports.free(), "nowhere", 5))) {
            for (int i = 0; i < 5; i++) {
                assertTrue(p.offer(event(i)));
            }
            for (int i = 5; i < 1005; i++) {
                assertFalse(p.offer(event(i)), "full: the new one is dropped");
            }
            ThreatPublisherStats s = p.stats();
            assertEquals(5, s.buffered());
            assertEquals(1000, s.dropped());
            assertEquals(0, s.published());
        }
        List<ILoggingEvent> log = lines(app);
        assertTrue(log.stream().anyMatch(e -> e.getFormattedMessage().contains("5 threat event(s) dropped at stop")), log.toString());
    }

    @Test
    void aBrokerThatIsNotThereIsOneLineAndRetried() throws Exception {
        ListAppender<ILoggingEvent> app = capture();
        int port = Ports.free();
        try (ThreatPublisher p = new ThreatPublisher(settings(port, "nowhere", 5))) {
            await(p, () -> p.stats().failedAttempts() >= 2, "tried again after the back-off");
            assertFalse(p.stats().connected());
        }
        List<ILoggingEvent> log = lines(app);
        assertEquals(1, log.size(), log.toString());
        assertEquals("amqp 127.0.0.1:" + port + " vhost / user guest, exchange (default), routing key nowhere: cannot connect: Connection refused",
                log.get(0).getFormattedMessage());
        assertNull(log.get(0).getThrowableProxy(), "no stack trace");
    }

    /** A peer that takes the connection and never answers (a hung broker, a firewall's half-open state). */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard only
    void aBrokerThatAcceptsAndNeverAnswersHoldsUpNoOneAndIsOneLine() throws Exception {
        ListAppender<ILoggingEvent> app = capture();
        List<java.net.Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (ThreatPublisher p = new ThreatPublisher(settings(silent.getLocalPort(), "q", 100))) {
                for (int i = 0; i < 100; i++) {
                    assertTrue(p.offer(event(i)), "taken while the publisher waits for the handshake");
                }
                await(p, () -> p.stats().failedAttempts() >= 1, "the handshake timed out");
                assertEquals(100, p.stats().buffered());
            }
        } finally {
            synchronized (held) {
                for (java.net.Socket s : held) {
                    s.close();
                }
            }
        }
        List<ILoggingEvent> log = lines(app).stream().filter(e -> !e.getFormattedMessage().contains("dropped at stop")).toList();
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).getFormattedMessage().endsWith("cannot connect: no answer to the AMQP handshake within 3000 ms"),
                log.get(0).getFormattedMessage());
        assertNull(log.get(0).getThrowableProxy(), "no stack trace");
    }

    @Test
    void aWrongPasswordIsOneLineWithTheBrokersAnswerAndNotThePassword() throws Exception {
        ListAppender<ILoggingEvent> app = capture();
        try (ThreatPublisher p = new ThreatPublisher(new AmqpSettings(true, "amqp://guest:s3cret@127.0.0.1:" + broker.port, "", "q", 5))) {
            await(p, () -> p.stats().failedAttempts() >= 1, "refused");
        }
        List<ILoggingEvent> log = lines(app);
        assertEquals(1, log.size(), log.toString());
        String line = log.get(0).getFormattedMessage();
        assertTrue(line.contains("cannot connect: ") && line.contains("ACCESS_REFUSED"), line);
        assertFalse(line.contains("s3cret"), line);
        assertNull(log.get(0).getThrowableProxy(), "no stack trace");
    }

    @Test
    void eventsNoQueueIsBoundForAreCountedAsUnroutableAndSaid() throws Exception {
        ListAppender<ILoggingEvent> app = capture();
        try (ThreatPublisher p = new ThreatPublisher(settings(broker.port, "no_such_queue", 5))) {
            assertTrue(p.offer(event(1)));
            assertTrue(p.offer(event(2)));
            await(p, () -> p.stats().unroutable() == 2, "returned by the broker");
            assertEquals(0, p.stats().published());
            assertEquals(0, p.stats().buffered(), "not kept: publishing again would not route them");
        }
        List<ILoggingEvent> log = lines(app);
        assertTrue(log.stream().anyMatch(e -> e.getFormattedMessage().contains("no queue is bound for routing key 'no_such_queue' on the default exchange")),
                log.toString());
    }

    @Test
    void anExchangeThatDoesNotExistIsTheBrokersOneLineAndTheEventIsKept() throws Exception {
        ListAppender<ILoggingEvent> app = capture();
        try (ThreatPublisher p = new ThreatPublisher(new AmqpSettings(true, "amqp://127.0.0.1:" + broker.port, "no_such_exchange", "k", 5))) {
            assertTrue(p.offer(event(1)));
            await(p, () -> p.stats().failedAttempts() >= 1, "refused by the broker");
            assertEquals(1, p.stats().buffered(), "kept for a retry (the operator may declare the exchange)");
            assertEquals(0, p.stats().published());
        }
        List<ILoggingEvent> log = lines(app).stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                && !e.getFormattedMessage().contains("dropped at stop")).toList();
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).getFormattedMessage().endsWith("publish failed, 1 event(s) kept for a retry: NOT_FOUND - no exchange 'no_such_exchange' in vhost '/'"),
                log.get(0).getFormattedMessage());
        assertNull(log.get(0).getThrowableProxy(), "no stack trace");
    }

    /** A queue that refuses more than 2 messages (x-overflow reject-publish): the broker nacks the rest. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang guard only
    void eventsTheBrokerNacksStayAndAreRetriedAloneWithoutDuplicatingTheAckedOnes() throws Exception {
        try (com.rabbitmq.client.Connection c = broker.connect()) {
            c.createChannel().queueDeclare("threats_small", true, false, false,
                    Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
        }
        Map<String, Integer> seen = new HashMap<>();
        try (ThreatPublisher p = new ThreatPublisher(settings(broker.port, "threats_small", 100))) {
            for (int i = 0; i < 5; i++) {
                assertTrue(p.offer(event(i)));
            }
            await(p, () -> p.stats().published() == 2 && p.stats().failedAttempts() >= 1, "2 acked, 3 nacked");
            assertEquals(3, p.stats().buffered(), "the nacked ones are kept");
            for (int round = 0; round < 5 && p.stats().published() < 5; round++) {
                for (GetResponse r : broker.drain("threats_small")) { // room for the retries
                    seen.merge(new String(r.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
                long before = p.stats().published();
                await(p, () -> p.stats().published() > before, "a retry went in");
            }
            assertEquals(5, p.stats().published());
            assertEquals(0, p.stats().buffered());
        }
        for (GetResponse r : broker.drain("threats_small")) {
            seen.merge(new String(r.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            expected.put(event(i).toJsonText(), 1);
        }
        assertEquals(expected, seen, "each event once: only the nacked ones were published again");
    }

    @Test
    void closeWaitsForWhatIsBufferedToBeConfirmed() throws Exception {
        broker.declareQueue("threats_close");
        ThreatPublisher p = new ThreatPublisher(settings(broker.port, "threats_close", 1000));
        for (int i = 0; i < 500; i++) {
            assertTrue(p.offer(event(i)));
        }
        p.close();
        assertEquals(500, p.stats().published(), p.stats().toString());
        assertFalse(p.offer(event(0)), "closed: dropped");
        assertEquals(500, broker.depth("threats_close"));
        broker.drain("threats_close");
    }
}
