package fastnetmon.action;

import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a script to its end and logs it line by line within fixed bounds, so a
 * script that prints without end or without newlines costs neither memory nor log space: a line is cut
 * at {@link #MAX_LINE_BYTES}, at most {@link #MAX_LINES} lines and {@link #MAX_BYTES} bytes are logged
 * per call, and the rest is read, counted and dropped (one line says how much).
 *
 * <p>Threading: one instance per stream, run on its own thread.
 */
final class ScriptOutput implements Runnable {
    static final int MAX_LINE_BYTES = 1024;
    static final int MAX_LINES = 1000;
    static final int MAX_BYTES = 64 * 1024;

    private final InputStream stream;
    private final Logger log;
    private final String prefix;
    private final boolean stderr;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int length;
    private long cut;
    private int lines;
    private long loggedBytes;
    private long droppedBytes;
    private long droppedLines;

    ScriptOutput(InputStream stream, Logger log, String prefix, boolean stderr) {
        this.stream = stream;
        this.log = log;
        this.prefix = prefix;
        this.stderr = stderr;
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        try (stream) {
            for (int n; (n = stream.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        endLine();
                    } else if (length < MAX_LINE_BYTES) {
                        line[length++] = b;
                    } else {
                        cut++;
                    }
                }
            }
        } catch (IOException e) {
            log.debug("{}: output closed: {}", prefix, e.toString());
        }
        if (length > 0 || cut > 0) {
            endLine();
        }
        if (droppedBytes > 0) {
            log.warn("{}: {} bytes of {} not logged ({} whole lines)", prefix, droppedBytes,
                    stderr ? "stderr" : "output", droppedLines);
        }
    }

    private void endLine() {
        long size = length + cut;
        if (lines >= MAX_LINES || loggedBytes + length > MAX_BYTES) {
            droppedBytes += size + 1;
            droppedLines++;
        } else {
            lines++;
            loggedBytes += length;
            droppedBytes += cut;
            String text = new String(line, 0, length, StandardCharsets.UTF_8)
                    + (cut > 0 ? " [" + cut + " more bytes of this line cut]" : "");
            if (stderr) {
                log.warn("{} stderr: {}", prefix, text);
            } else {
                log.info("{}: {}", prefix, text);
            }
        }
        length = 0;
        cut = 0;
    }
}
