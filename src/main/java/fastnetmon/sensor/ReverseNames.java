package fastnetmon.sensor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Names a threat's attacked hosts by reverse DNS before handing it on: each address whose name comes back
 * within the threat's bound is replaced by the name; the others keep their address. The sensors' thread
 * never waits: threats queue here (at most {@value #QUEUE}; more are handed on unnamed, counted) and one
 * thread of this stage looks their names up, each lookup on a small pool of its own (a resolver that
 * hangs holds a pool thread, not the threats).
 *
 * <p>Threading: {@link #accept} on any thread; {@code next} is called on this stage's thread (or on the
 * caller's for a threat handed on unnamed); {@link #close} once.
 */
public final class ReverseNames implements Consumer<ThreatEvent>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReverseNames.class);
    static final int QUEUE = 1000;
    /** Lookups at once: a threat names at most 20 hosts. */
    private static final int LOOKUPS = 20;

    private final Consumer<ThreatEvent> next;
    private final Duration timeout;
    private final BlockingQueue<ThreatEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private final ExecutorService lookups = Executors.newFixedThreadPool(LOOKUPS, r -> {
        Thread t = new Thread(r, "threat-names-lookup");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong unnamed = new AtomicLong();
    private final Thread worker;

    public ReverseNames(Duration timeout, Consumer<ThreatEvent> next) {
        this.timeout = timeout;
        this.next = next;
        this.worker = new Thread(this::run, "threat-names");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void accept(ThreatEvent e) {
        if (!queue.offer(e)) {
            if (Long.bitCount(unnamed.incrementAndGet()) == 1) {
                log.warn("reverse DNS: {} threats handed on without names (the lookups fall behind)", unnamed.get());
            }
            next.accept(e);
        }
    }

    private void run() {
        try {
            while (true) {
                next.accept(named(queue.take()));
            }
        } catch (InterruptedException stop) {
            // closing
        }
    }

    /** The threat with each attacked host's name when it came back in time. */
    ThreatEvent named(ThreatEvent e) throws InterruptedException {
        List<Future<String>> names = new ArrayList<>(e.attackedHosts().size());
        for (String host : e.attackedHosts()) {
            names.add(lookups.submit(() -> name(host)));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String host = e.attackedHosts().get(i);
            try {
                out.add(names.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException late) {
                names.get(i).cancel(true);
                out.add(host);
            }
        }
        return e.withHosts(out);
    }

    /** The address's name, or the address when it has none. */
    private static String name(String address) {
        try {
            InetAddress a = InetAddress.getByName(address); // a literal: no lookup here
            String n = a.getCanonicalHostName();
            return n == null || n.isEmpty() ? address : n;
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** Threats handed on without names because the queue was full. */
    public long unnamed() {
        return unnamed.get();
    }

    /** Names what is queued for up to the timeout, then stops. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        worker.interrupt();
        lookups.shutdownNow();
    }
}
