package fastnetmon.export;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One persistent TCP connection to carbon's plaintext receiver, opened on first use and again after it
 * broke. Connecting and each {@link #send} take at most the timeout (non-blocking channel with a selector:
 * a server that stops reading cannot hold the caller). After a failed connect the next attempt waits a
 * back-off, doubled at each failure up to its maximum; {@link #send} fails at once during that wait.
 *
 * <p>Threading: one thread at a time (the exporter's).
 */
final class CarbonConnection implements AutoCloseable {
    private final GraphiteSettings settings;
    private final long timeoutNanos;
    private final ByteBuffer discard = ByteBuffer.allocate(512);
    private SocketChannel channel;
    private Selector selector;
    private long backoffNanos;
    private long nextConnectNanos;
    private String lastConnectError = "";

    CarbonConnection(GraphiteSettings settings) {
        this.settings = settings;
        this.timeoutNanos = settings.timeout().toNanos();
    }

    /** Writes all of {@code data}, connecting first if needed; on failure the connection is closed. */
    void send(ByteBuffer data) throws IOException {
        if (channel != null && peerClosed()) {
            disconnect();
        }
        if (channel == null) {
            connect();
        }
        int size = data.remaining();
        boolean sent;
        try {
            sent = writeAll(data, System.nanoTime() + timeoutNanos);
        } catch (IOException e) {
            disconnect();
            throw new IOException("lost the connection to carbon at " + settings.where() + ": " + e.getMessage(), e);
        }
        if (!sent) {
            disconnect();
            throw new IOException("carbon at " + settings.where() + " took only " + (size - data.remaining()) + " of "
                    + size + " bytes in " + settings.timeout().toMillis() + " ms");
        }
    }

    /** Writes until {@code data} is all sent (true) or the deadline passed (false). */
    private boolean writeAll(ByteBuffer data, long deadline) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        while (data.hasRemaining()) {
            if (channel.write(data) > 0) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            key.interestOps(SelectionKey.OP_WRITE);
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
        }
        return true;
    }

    /** Whether carbon closed its side (it never sends anything, so a read sees only the end or an error). */
    private boolean peerClosed() {
        try {
            int n;
            do {
                discard.clear();
                n = channel.read(discard);
            } while (n > 0);
            return n < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private void connect() throws IOException {
        long now = System.nanoTime();
        if (backoffNanos > 0 && now - nextConnectNanos < 0) {
            throw new IOException("not connected to carbon at " + settings.where() + " (" + lastConnectError
                    + "); next attempt in " + Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextConnectNanos - now)) + " ms");
        }
        SocketChannel ch = SocketChannel.open();
        Selector sel = Selector.open();
        try {
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_CONNECT);
            if (!ch.connect(new InetSocketAddress(settings.host(), settings.port()))) {
                if (sel.select(Math.max(1, settings.timeout().toMillis())) == 0) {
                    throw new IOException("connect timed out after " + settings.timeout().toMillis() + " ms");
                }
                sel.selectedKeys().clear();
                ch.finishConnect();
            }
            ch.keyFor(sel).interestOps(0);
        } catch (IOException | RuntimeException e) {
            ch.close();
            sel.close();
            lastConnectError = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            long first = settings.firstBackoff().toNanos();
            backoffNanos = backoffNanos == 0 ? first : Math.min(backoffNanos * 2, settings.maxBackoff().toNanos());
            nextConnectNanos = System.nanoTime() + backoffNanos;
            throw new IOException("cannot connect to carbon at " + settings.where() + ": " + lastConnectError, e);
        }
        channel = ch;
        selector = sel;
        backoffNanos = 0;
    }

    private void disconnect() {
        try {
            if (channel != null) {
                channel.close();
            }
            if (selector != null) {
                selector.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
        channel = null;
        selector = null;
    }

    @Override
    public void close() {
        disconnect();
    }
}
