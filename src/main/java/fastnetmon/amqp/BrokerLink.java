package fastnetmon.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import fastnetmon.redis.RepeatedFailure;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeoutException;

/**
 * One connection and one confirming channel to the broker, for {@link ThreatPublisher}: opened by
 * {@link #open}, used until something fails, then closed and replaced (the client's automatic recovery is
 * off: the publisher decides when to try again). Nothing is declared. Every network wait is bounded: the
 * TCP connect and the AMQP handshake by {@link #CONNECT_TIMEOUT_MS}, channel RPCs by the same, confirms by
 * {@link #CONFIRM_TIMEOUT_MS}.
 *
 * <p>Threading: {@link #open}, {@link #publish} and {@link #close} on the publisher's thread; the listeners
 * run on the client's connection thread and only fill concurrent sets.
 */
final class BrokerLink implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MS = 3000;
    static final long CONFIRM_TIMEOUT_MS = 5000;
    private static final String CONNECTION_NAME = "fastnetmon-java threat events";

    static {
        // The client logs each failed TLS handshake as an ERROR of its own; ours says it once a minute.
        if (org.slf4j.LoggerFactory.getLogger("com.rabbitmq.client.impl.SocketFrameHandler") instanceof ch.qos.logback.classic.Logger l
                && l.getLevel() == null) {
            l.setLevel(ch.qos.logback.classic.Level.OFF);
        }
    }

    private final Connection connection;
    private final OneLineExceptionHandler handler;
    private final Channel channel;
    private final String exchange;
    private final String routingKey;
    /** Publish sequence numbers not confirmed yet. */
    private final ConcurrentSkipListSet<Long> unconfirmed = new ConcurrentSkipListSet<>();
    private final Set<Long> nacked = ConcurrentHashMap.newKeySet();
    /** Message ids the broker returned as unroutable (mandatory publishes no queue took). */
    private final Set<String> returned = ConcurrentHashMap.newKeySet();

    /** One event as it is published: its message id (the same on every retry), its type and its JSON. */
    record Message(String id, String type, byte[] body) {
    }

    /** What became of a batch: per event, whether the broker confirmed it, and whether it returned it. */
    record Outcome(boolean[] confirmed, boolean[] unroutable) {
    }

    private BrokerLink(Connection connection, Channel channel, AmqpSettings settings, OneLineExceptionHandler handler) throws IOException {
        this.connection = connection;
        this.handler = handler;
        this.channel = channel;
        this.exchange = settings.exchange();
        this.routingKey = settings.routingKey();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                confirmed(tag, multiple, false);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                confirmed(tag, multiple, true);
            }
        });
        channel.addReturnListener(r -> {
            if (r.getProperties().getMessageId() != null) {
                returned.add(r.getProperties().getMessageId());
            }
        });
        channel.confirmSelect();
    }

    /**
     * Connects (TLS for amqps://, the certificate and host name checked against the JVM's trust store)
     * and opens a channel in confirm mode.
     *
     * @param failures where the client's own complaints (a connection lost while idle) go, as one line
     */
    static BrokerLink open(AmqpSettings settings, RepeatedFailure failures)
            throws IOException, TimeoutException, GeneralSecurityException {
        AmqpSettings.Endpoint e = settings.endpoint();
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(e.host());
        f.setPort(e.port());
        f.setUsername(e.user());
        f.setPassword(e.password());
        f.setVirtualHost(e.vhost());
        f.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        f.setHandshakeTimeout(CONNECT_TIMEOUT_MS);
        f.setChannelRpcTimeout(CONNECT_TIMEOUT_MS);
        f.setShutdownTimeout(CONNECT_TIMEOUT_MS);
        f.setRequestedHeartbeat(30); // a broker gone silently is noticed within a minute
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        OneLineExceptionHandler handler = new OneLineExceptionHandler(failures);
        f.setExceptionHandler(handler);
        if (e.tls()) {
            // Not ConnectionFactory.useSslProtocol(): with no context it trusts every certificate.
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null); // the JVM's trust store, read now (javax.net.ssl.trustStore)
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            f.useSslProtocol(ssl);
            f.enableHostnameVerification();
        }
        Connection c = f.newConnection(CONNECTION_NAME);
        try {
            BrokerLink link = new BrokerLink(c, c.createChannel(), settings, handler);
            handler.open = true;
            return link;
        } catch (IOException | RuntimeException ex) {
            c.abort(CONNECT_TIMEOUT_MS);
            throw ex;
        }
    }

    /**
     * Publishes the batch (persistent, application/json, mandatory) and waits, bounded, for the broker's
     * confirms. An event is confirmed when the broker acked it; a nacked one is not.
     *
     * @throws TimeoutException when the confirms did not all come in time (the link should be dropped)
     * @throws IOException      or the client's runtime exceptions when the connection or channel failed
     */
    Outcome publish(List<Message> batch) throws IOException, InterruptedException, TimeoutException {
        int n = batch.size();
        long[] seq = new long[n];
        for (int i = 0; i < n; i++) {
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json").contentEncoding("utf-8").deliveryMode(2)
                    .messageId(batch.get(i).id()).type(batch.get(i).type()).appId("fastnetmon-java").build();
            seq[i] = channel.getNextPublishSeqNo();
            unconfirmed.add(seq[i]);
            channel.basicPublish(exchange, routingKey, true, props, batch.get(i).body());
        }
        channel.waitForConfirms(CONFIRM_TIMEOUT_MS); // false on a nack: told apart per event below
        boolean[] ok = new boolean[n];
        boolean[] unroutable = new boolean[n];
        for (int i = 0; i < n; i++) {
            ok[i] = !unconfirmed.contains(seq[i]) && !nacked.remove(seq[i]);
            unroutable[i] = returned.remove(batch.get(i).id()) && ok[i];
        }
        return new Outcome(ok, unroutable);
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    private void confirmed(long tag, boolean multiple, boolean nack) {
        Set<Long> done = multiple ? unconfirmed.headSet(tag, true) : Set.of(tag);
        for (Long t : List.copyOf(done)) {
            if (unconfirmed.remove(t) && nack) {
                nacked.add(t);
            }
        }
    }

    /** Closes the connection, waiting at most a few seconds for the broker; never throws. */
    @Override
    public void close() {
        handler.open = false; // what our own abort makes the client say is not news
        connection.abort(CONNECT_TIMEOUT_MS);
    }

    /**
     * The client's complaints as one line through our once-a-minute logger, never a stack trace; only while
     * the link is open (a failed connection attempt is said by {@link #open}'s caller, from its exception).
     */
    private static final class OneLineExceptionHandler extends ForgivingExceptionHandler {
        private final RepeatedFailure failures;
        volatile boolean open;

        OneLineExceptionHandler(RepeatedFailure failures) {
            this.failures = failures;
        }

        @Override
        public void handleUnexpectedConnectionDriverException(com.rabbitmq.client.Connection c, Throwable e) {
            if (open) {
                failures.failed("connection lost: " + ThreatPublisher.why(e));
            }
        }

        @Override
        protected void log(String message, Throwable e) {
            if (open) {
                failures.failed(message + ": " + ThreatPublisher.why(e));
            }
        }
    }
}
