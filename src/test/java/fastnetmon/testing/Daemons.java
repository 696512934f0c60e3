package fastnetmon.testing;

import java.util.concurrent.TimeUnit;

/** Stopping the servers the tests start (BIRD, gobgpd, ExaBGP, ...). */
public final class Daemons {
    private Daemons() {
    }

    /** SIGTERM, then SIGKILL when it is still there after 5 s; waits (bounded) until it is gone. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
