package fastnetmon.testing;

import java.nio.file.Path;

/**
 * The JVM's default trust store pointed at a test's own for the time of a block (javax.net.ssl.trustStore,
 * read when a default SSL context is made), and put back after: how an operator trusts a self-signed
 * server certificate, tested without touching the JVM's own.
 */
public final class TrustStore {
    private TrustStore() {
    }

    /** A block that may throw. */
    public interface Block {
        void run() throws Exception;
    }

    /** Runs {@code block} with {@code store} (password "changeit") as the default trust store. */
    public static void using(Path store, Block block) throws Exception {
        String before = System.getProperty("javax.net.ssl.trustStore");
        System.setProperty("javax.net.ssl.trustStore", store.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        try {
            block.run();
        } finally {
            if (before == null) {
                System.clearProperty("javax.net.ssl.trustStore");
            } else {
                System.setProperty("javax.net.ssl.trustStore", before);
            }
            System.clearProperty("javax.net.ssl.trustStorePassword");
        }
    }
}
