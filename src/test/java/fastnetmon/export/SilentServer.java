package fastnetmon.export;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback server that accepts connections and then neither reads nor answers (a hung server), with a
 * small receive buffer so that a writer soon finds it full. Threading: one daemon accept thread.
 */
final class SilentServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new ArrayList<>();

    SilentServer() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(4096);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-server");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int accepted() {
        synchronized (accepted) {
            return accepted.size();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
