package fastnetmon.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on loopback for the servers the tests start. */
public final class Ports {
    private Ports() {
    }

    /** A port no one listens on now (the kernel's choice; another process may take it before the caller does). */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
