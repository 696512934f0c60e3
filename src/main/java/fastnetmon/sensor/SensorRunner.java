package fastnetmon.sensor;

import fastnetmon.counters.SensorTap;
import fastnetmon.packet.PacketRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The abuse sensors' thread: drains every source's {@link SensorTap} in turn and hands each record to the
 * sensors ({@code sensors}, which report their threats themselves). Nothing here waits for a source: a
 * tap it cannot keep up with drops and counts on the source's side. Idle, it parks 1 ms at a time.
 *
 * <p>Threading: {@link #add} from any thread (a source may start at any time); the sensors are called on
 * this runner's thread only; {@link #close} once.
 */
public final class SensorRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SensorRunner.class);
    /** Records taken from one tap before the next tap's turn. */
    private static final int TURN = 4096;

    private final SensorTap.Handler sensors;
    private final List<SensorTap> taps = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long records;

    public SensorRunner(SensorTap.Handler sensors) {
        this.sensors = sensors;
        this.thread = new Thread(this::run, "sensors");
        this.thread.setDaemon(true);
    }

    /** A source's tap, drained from the next turn on. */
    public void add(SensorTap tap) {
        taps.add(tap);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        PacketRecord into = new PacketRecord();
        long seen = 0;
        while (running) {
            int n = 0;
            for (SensorTap tap : taps) {
                try {
                    n += tap.drain(into, sensors, TURN);
                } catch (RuntimeException e) { // a sensor's bug must not stop the others, nor flood the log
                    log.error("abuse sensors: a record could not be handled: {}", e.toString());
                }
            }
            seen += n;
            records = seen;
            if (n == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    /** Records handed to the sensors so far. */
    public long records() {
        return records;
    }

    /** Records the taps dropped because the sensors fell behind. */
    public long dropped() {
        long d = 0;
        for (SensorTap t : taps) {
            d += t.dropped();
        }
        return d;
    }

    /** Stops the thread (what is still in the taps is not looked at). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
