package fastnetmon.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits, bounded, for something another thread makes true (or checks it stays true for a while). */
public final class Eventually {
    private Eventually() {
    }

    /** Polls {@code condition} every 10 ms; fails with {@code what} when it is still false after {@code max}. */
    public static void until(Duration max, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("still not true after " + max.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Polls {@code condition} every 10 ms for {@code period}; fails with {@code what} as soon as it is false. */
    public static void throughout(Duration period, BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                fail("no longer true: " + what);
            }
            Thread.sleep(10);
        } while (System.nanoTime() - end < 0);
    }
}
