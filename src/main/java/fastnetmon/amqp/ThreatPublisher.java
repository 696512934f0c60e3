package fastnetmon.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import fastnetmon.redis.RepeatedFailure;
import fastnetmon.sensor.ThreatEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes threat events to the AMQP broker of {@link AmqpSettings}, at least once, without ever making the
 * caller wait. {@link #offer} puts the event in a bounded buffer ({@code amqp_buffer}); a thread of its own
 * connects (again after a failure, 1 s doubling to 30 s), publishes what is buffered, oldest first, as
 * persistent {@code application/json} messages with publisher confirms, and takes an event out of the
 * buffer only once the broker has confirmed it. The broker away, a nack or a confirm that does not come
 * within {@link BrokerLink#CONFIRM_TIMEOUT_MS}: the event stays and is published again, so a consumer sees
 * it twice only when a connection was lost (or a confirm was late) after the broker had taken it; its
 * message id is the same each time. A failure is one log line, at most once a minute, never a stack trace.
 *
 * <p>When the buffer is full, the new event is dropped and counted: the oldest are the ones being
 * published and confirmed (taking them out would race the broker), and a host that keeps misbehaving
 * is reported again after its sensor's cool-down, while one that stopped would never be.
 *
 * <p>Threading: {@link #offer} and {@link #stats} from any thread, never blocking (a short lock around the
 * buffer); {@link #close} once, by the owner. The buffer and {@code closing} are guarded by {@code lock};
 * the connection is used by the publisher's thread only.
 */
public final class ThreatPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ThreatPublisher.class);
    /** Events published before waiting for their confirms. */
    static final int BATCH = 200;
    static final long FIRST_BACKOFF_MS = 1000;
    static final long MAX_BACKOFF_MS = 30_000;
    /** How long {@link #close} lets the buffer drain. */
    static final long DRAIN_MS = 5000;
    /** How often an idle thread checks that its connection is still open. */
    private static final long IDLE_CHECK_MS = 1000;

    private final AmqpSettings settings;
    private final RepeatedFailure failures;
    private final String idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE) + "-";
    private final AtomicLong nextId = new AtomicLong();
    private final Object lock = new Object();
    private final ArrayDeque<BrokerLink.Message> buffer = new ArrayDeque<>(); // guarded by lock
    private boolean closing; // guarded by lock
    private long drainDeadlineNanos; // guarded by lock
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong unroutable = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile BrokerLink link; // written by the publisher's thread; read by stats and close
    private boolean everConnected; // the publisher's thread only
    private final Thread thread;

    /**
     * Starts the publisher's thread, which connects at once (a failure is said in one line and retried).
     * Made by the owner when {@code amqp_enabled} is on and {@link AmqpSettings#problem} is empty (a URI
     * that cannot work is otherwise said, once a minute, as the reason it cannot connect).
     */
    public ThreatPublisher(AmqpSettings settings) {
        this.settings = settings;
        this.failures = new RepeatedFailure(log, settings.describe());
        this.thread = new Thread(this::run, "amqp-threat-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Hands the event over for publishing and returns at once.
     *
     * @return false when it was dropped: the buffer is full, or the publisher is closing
     */
    public boolean offer(ThreatEvent event) {
        BrokerLink.Message m = new BrokerLink.Message(idPrefix + nextId.incrementAndGet(), event.type(),
                event.toJsonText().getBytes(StandardCharsets.UTF_8));
        synchronized (lock) {
            if (closing || buffer.size() >= settings.buffer()) {
                dropped.incrementAndGet();
                return false;
            }
            buffer.addLast(m);
            lock.notifyAll();
            return true;
        }
    }

    public ThreatPublisherStats stats() {
        int held;
        synchronized (lock) {
            held = buffer.size();
        }
        BrokerLink l = link;
        return new ThreatPublisherStats(published.get(), unroutable.get(), failedAttempts.get(), dropped.get(), held,
                l != null && l.isOpen());
    }

    /**
     * Lets the buffer drain for at most {@link #DRAIN_MS} (the broker reachable: usually far less), then stops
     * the thread and closes the connection. What is still held then is counted as dropped and said in one line.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            drainDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
            lock.notifyAll();
        }
        try {
            thread.join(DRAIN_MS + 1000);
            if (thread.isAlive()) { // stuck in a connect or a confirm wait: both are bounded, cut them short
                thread.interrupt();
                BrokerLink l = link;
                if (l != null) {
                    l.close();
                }
                thread.join(BrokerLink.CONNECT_TIMEOUT_MS + 1000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int lost;
        synchronized (lock) {
            lost = buffer.size();
            buffer.clear();
        }
        if (lost > 0) {
            dropped.addAndGet(lost);
            log.warn("{}: {} threat event(s) dropped at stop: the broker had not confirmed them within {} ms", settings.describe(), lost, DRAIN_MS);
        }
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MS;
        try {
            while (true) {
                List<BrokerLink.Message> batch = nextBatch();
                if (batch == null) {
                    return;
                }
                if (link == null || !link.isOpen()) {
                    dropLink();
                    if (!connect()) {
                        backoff = pause(backoff);
                        continue;
                    }
                }
                // Recovered only once something works end to end: a broker that takes the connection but
                // refuses every publish (no such exchange) keeps the back-off growing and the log quiet.
                if (batch.isEmpty()) {
                    failures.recovered("connected again");
                    backoff = FIRST_BACKOFF_MS;
                } else if (publish(batch)) {
                    backoff = FIRST_BACKOFF_MS;
                } else {
                    backoff = pause(backoff);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() gave up waiting
        } finally {
            dropLink();
        }
    }

    /**
     * Waits while there is nothing to do (connected, buffer empty), then returns the oldest events (empty
     * when only a connection is to be made), or null when it is time to stop.
     */
    private List<BrokerLink.Message> nextBatch() throws InterruptedException {
        synchronized (lock) {
            while (buffer.isEmpty() && !closing && link != null && link.isOpen()) {
                lock.wait(IDLE_CHECK_MS);
            }
            if (closing && (buffer.isEmpty() || System.nanoTime() - drainDeadlineNanos >= 0)) {
                return null;
            }
            List<BrokerLink.Message> batch = new ArrayList<>(Math.min(BATCH, buffer.size()));
            for (BrokerLink.Message m : buffer) {
                if (batch.size() == BATCH) {
                    break;
                }
                batch.add(m);
            }
            return batch;
        }
    }

    private boolean connect() {
        try {
            link = BrokerLink.open(settings, failures);
        } catch (TimeoutException e) {
            failedAttempts.incrementAndGet();
            failures.failed("cannot connect: no answer to the AMQP handshake within " + BrokerLink.CONNECT_TIMEOUT_MS + " ms");
            return false;
        } catch (Exception e) {
            failedAttempts.incrementAndGet();
            failures.failed("cannot connect: " + why(e));
            return false;
        }
        if (!everConnected) {
            log.info("{}: connected", settings.describe());
            everConnected = true;
        }
        return true;
    }

    /** Publishes the batch; the events the broker confirmed leave the buffer. False when any must be retried. */
    private boolean publish(List<BrokerLink.Message> batch) throws InterruptedException {
        BrokerLink.Outcome o;
        try {
            o = link.publish(batch);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            failedAttempts.incrementAndGet();
            failures.failed("publish failed, " + batch.size() + " event(s) kept for a retry: "
                    + (e instanceof TimeoutException ? "no confirm within " + BrokerLink.CONFIRM_TIMEOUT_MS + " ms" : why(e)));
            dropLink();
            return false;
        }
        int refused = 0, returned = 0;
        synchronized (lock) {
            // The batch is the buffer's head (only this thread takes from it): take it, put back what stays.
            for (int i = 0; i < batch.size(); i++) {
                buffer.pollFirst();
            }
            for (int i = batch.size() - 1; i >= 0; i--) {
                if (!o.confirmed()[i]) {
                    buffer.addFirst(batch.get(i));
                    refused++;
                } else if (o.unroutable()[i]) {
                    returned++;
                }
            }
        }
        published.addAndGet(batch.size() - refused - returned);
        if (returned > 0) {
            unroutable.addAndGet(returned);
            failures.failed(returned + " event(s) dropped by the broker: no queue is bound for routing key '"
                    + settings.routingKey() + "' on " + (settings.exchange().isEmpty() ? "the default exchange" : "exchange '" + settings.exchange() + "'"));
        }
        if (refused > 0) {
            failedAttempts.incrementAndGet();
            failures.failed("the broker refused (nack) " + refused + " event(s), kept for a retry");
            return false;
        }
        if (returned == 0) {
            failures.recovered("publishing again");
        }
        return true;
    }

    /** Waits out the back-off (less when closing: the drain has a deadline) and returns the next one. */
    private long pause(long backoff) throws InterruptedException {
        synchronized (lock) {
            long waitNanos = TimeUnit.MILLISECONDS.toNanos(backoff);
            long start = System.nanoTime();
            while (true) {
                long left = closing ? Math.min(waitNanos - (System.nanoTime() - start), drainDeadlineNanos - System.nanoTime())
                        : waitNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    break;
                }
                boolean wasClosing = closing;
                TimeUnit.NANOSECONDS.timedWait(lock, left);
                if (closing != wasClosing) {
                    break; // close() came: one last try now
                }
            }
        }
        return Math.min(backoff * 2, MAX_BACKOFF_MS);
    }

    private void dropLink() {
        BrokerLink l = link;
        if (l != null) {
            link = null;
            l.close();
        }
    }

    /** The cause in one line: the broker's reply text, or the innermost exception's message. */
    static String why(Throwable e) {
        if (e instanceof ShutdownSignalException s) {
            Object reason = s.getReason();
            if (reason instanceof AMQP.Connection.Close c) {
                return c.getReplyText();
            }
            if (reason instanceof AMQP.Channel.Close c) {
                return c.getReplyText();
            }
        }
        if (e instanceof TimeoutException && e.getMessage() == null) {
            return "no answer in time";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
