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
import java.util.concurrent.TimeUnit;

/**
 * A loopback port that forwards connections to a server while {@link #up} and refuses them while
 * {@link #down} (its connections cut): a server going away and coming back, on a fixed port, without
 * restarting it. Threading: up, down and close from the test's thread; one daemon thread accepting while
 * up, one per direction of each connection.
 *
 * <p>{@link #down} returns only once its threads have ended. Closing a {@link ServerSocket} whose accept
 * thread is blocked in {@code accept()} does not stop the listening at once on Linux: the JDK swaps the
 * descriptor for a dead one and signals the thread, and the kernel keeps the port listening (completing
 * handshakes, taking data) until that thread has left the system call. On a busy machine that can take
 * several milliseconds, long enough for a client to connect again and write, "successfully", to a relay
 * already down.
 */
final class TcpRelay implements AutoCloseable {
    private static final long JOIN_MILLIS = 5000;

    final int port;
    private final int target;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ServerSocket server;
    private int connections;

    TcpRelay(int target) throws IOException {
        this.port = LocalServer.freePort();
        this.target = target;
    }

    synchronized TcpRelay up() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already up");
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = s;
        daemon(() -> {
            while (!s.isClosed()) {
                try {
                    Socket in = s.accept();
                    Socket out;
                    try {
                        out = new Socket(InetAddress.getLoopbackAddress(), target);
                    } catch (IOException e) {
                        in.close(); // the server itself is away: refused through the relay too
                        continue;
                    }
                    synchronized (this) {
                        if (server != s) { // went down meanwhile (accepted before the listening stopped): cut too
                            in.close();
                            out.close();
                            return;
                        }
                        connections++;
                        sockets.add(in);
                        sockets.add(out);
                        daemon(() -> pump(in, out));
                        daemon(() -> pump(out, in));
                    }
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

    /** Stops listening and cuts the connections: when it returns the port refuses and every connection is closed. */
    void down() throws IOException, InterruptedException {
        List<Thread> running;
        synchronized (this) {
            if (server != null) {
                server.close();
                server = null; // from here on the accept thread adds nothing: it closes what it accepted and ends
            }
            for (Socket s : sockets) {
                s.close();
            }
            sockets.clear();
            running = new ArrayList<>(threads);
            threads.clear();
        }
        // Not holding the lock: the accept thread takes it to see that the relay went down.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
        for (Thread t : running) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new IllegalStateException("relay thread still running " + JOIN_MILLIS + " ms after down()");
            }
        }
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

    /** Starts a daemon thread that down() waits for. Callers hold the lock. */
    private void daemon(Runnable r) {
        Thread t = new Thread(r, "relay");
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        down();
    }
}
