package fastnetmon.action;

import fastnetmon.sensor.ThreatEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Calls the notify script for each abuse sensors' threat (sensor_notify_script), FastNetMon's four
 * arguments with a distinct action word and the sensor as a fifth: {@code notify_about_attack.sh
 * 198.51.100.2 outgoing 0 threat portscan}, the threat's JSON on stdin. One call at a time, on a thread of
 * its own behind a bounded queue: a threat that finds it full is dropped and counted, never waited for.
 *
 * <p>Threading: {@link #accept} on any thread (the sensors'); the calls on this sink's thread; {@link #close} once.
 */
public final class ThreatScript implements Consumer<ThreatEvent>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ThreatScript.class);
    /** Threats that may wait for the script. */
    static final int QUEUE = 1000;

    private final NotifyScript script;
    private final BlockingQueue<ThreatEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread worker;

    public ThreatScript(NotifyScript script) {
        this.script = script;
        this.worker = new Thread(this::run, "threat-script");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void accept(ThreatEvent e) {
        if (!queue.offer(e)) {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, ... drop: a flood of drops is not a flood of lines
                log.warn("notify script: {} threats dropped so far ({} wait for it)", n, QUEUE);
            }
        }
    }

    private void run() {
        try {
            while (true) {
                ThreatEvent e = queue.take();
                script.run(e.offender(), List.of(e.offender(), "outgoing", "0", "threat", e.type()), e.toJsonText() + "\n");
            }
        } catch (InterruptedException stop) {
            // closing
        }
    }

    /** Threats dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Lets the queued calls run for up to {@code seconds}, then stops. */
    public void close(long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        worker.interrupt();
    }

    @Override
    public void close() {
        close(5);
    }
}
