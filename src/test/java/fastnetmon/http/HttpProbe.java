package fastnetmon.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Real clients on real sockets for the HTTP surfaces' tests: hand-written requests and slow clients. */
public final class HttpProbe {
    private HttpProbe() {
    }

    /** An answer: status (0 when the connection was closed without one), headers and body as text. */
    public record Answer(int status, String head, String body) {
    }

    /** Sends a hand-written request over a fresh connection from {@code from} and reads the answer. */
    public static Answer raw(String from, int port, String request, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(s.getInputStream());
        }
    }

    public static Answer raw(int port, String request) throws IOException {
        return raw("127.0.0.1", port, request, 20_000);
    }

    /** Reads until the server closes: "HTTP/1.1 200 OK..." split into status, head and body. */
    static Answer read(InputStream in) throws IOException {
        String text;
        try {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) { // reset
            return new Answer(0, "", "");
        }
        if (text.length() < 12) {
            return new Answer(0, "", text);
        }
        int end = text.indexOf("\r\n\r\n");
        return new Answer(Integer.parseInt(text.substring(9, 12)), end < 0 ? text : text.substring(0, end),
                end < 0 ? "" : text.substring(end + 4));
    }

    /**
     * A slowloris: connects and sends {@code request} one byte every {@code intervalMs}, on its own daemon
     * thread, until the request is sent, the server closes the connection or {@link #close} is called.
     */
    public static final class SlowClient implements AutoCloseable {
        private final Socket socket;
        private final Thread thread;
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile boolean cut;
        private volatile int sent;

        public SlowClient(int port, String request, long intervalMs) throws IOException {
            socket = new Socket("127.0.0.1", port);
            byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
            thread = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (byte b : bytes) {
                        if (stop.get()) {
                            return;
                        }
                        out.write(b);
                        out.flush();
                        sent++;
                        Thread.sleep(intervalMs);
                    }
                } catch (IOException e) {
                    cut = true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "slow-client");
            thread.setDaemon(true);
            thread.start();
        }

        /** Bytes sent so far. */
        public int sent() {
            return sent;
        }

        /** Whether the server has closed the connection, waiting at most {@code ms} for it. */
        public boolean closedByServerWithin(long ms) throws IOException {
            socket.setSoTimeout((int) Math.max(1, ms));
            try {
                InputStream in = socket.getInputStream();
                long deadline = System.currentTimeMillis() + ms;
                while (System.currentTimeMillis() < deadline) {
                    if (in.read() < 0) {
                        return true;
                    }
                }
                return false;
            } catch (SocketTimeoutException e) {
                return cut;
            } catch (IOException e) {
                return true; // reset
            }
        }

        @Override
        public void close() throws IOException {
            stop.set(true);
            thread.interrupt();
            socket.close();
        }
    }

    /** Opens {@code n} slow clients. */
    public static List<SlowClient> slowClients(int n, int port, String request, long intervalMs) throws IOException {
        List<SlowClient> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new SlowClient(port, request, intervalMs));
        }
        return l;
    }

    public static void closeAll(List<SlowClient> clients) {
        for (SlowClient c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
