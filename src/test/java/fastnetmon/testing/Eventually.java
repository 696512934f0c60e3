package fastnetmon.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits, bounded, for something another thread makes true. */
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
}
