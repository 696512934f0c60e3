package fastnetmon.export;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server program the export tests start in the foreground on loopback ports, with its files in a
 * temporary folder: started by {@link #start}, stopped and its folder deleted by {@link #close}.
 */
class LocalServer implements AutoCloseable {
    final Path dir;
    private final Process process;

    LocalServer(Path dir, List<String> command, int port) throws IOException, InterruptedException {
        this.dir = dir;
        Path log = dir.resolve("server.log");
        this.process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException(command.get(0) + " did not start listening on " + port + ": " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
