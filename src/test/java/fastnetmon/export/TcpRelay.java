package fastnetmon.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port that forwards connections to a server while {@link #up} and refuses them while
 * {@link #down} (its connections cut): a server going away and coming back, on a fixed port, without
 * restarting it. Threading: up, down and close from the test's thread; one daemon thread per direction
 * of each connection.
 */
final class TcpRelay implements AutoCloseable {
    final int port;
    private final int target;
    private final List<Socket> sockets = new ArrayList<>();
    private ServerSocket server;
    private int connections;

    TcpRelay(int target) throws IOException {
        this.port = LocalServer.freePort();
        this.target = target;
    }

    synchronized TcpRelay up() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = s;
        daemon(() -> {
            while (!s.isClosed()) {
                try {
                    Socket in = s.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    synchronized (this) {
                        if (server != s) { // went down meanwhile: this connection goes too
                            in.close();
                            out.close();
                            return;
                        }
                        connections++;
                        sockets.add(in);
                        sockets.add(out);
                    }
                    daemon(() -> pump(in, out));
                    daemon(() -> pump(out, in));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** Connections accepted so far. */
    synchronized int connections() {
        return connections;
    }

    synchronized void down() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException ignored) {
            // cut by down()
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        down();
    }
}
