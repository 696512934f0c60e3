package fastnetmon.mitigation;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A named pipe (FIFO) that another process reads, written one line at a time without ever blocking: each
 * {@link #write} opens it with {@code O_WRONLY|O_NONBLOCK}, writes the line in one {@code write(2)} and
 * closes it, as FastNetMon CE does with ExaBGP's pipe. A plain Java open of a FIFO for writing waits
 * forever for a reader; the non-blocking open fails at once instead (ENXIO), and a full pipe fails
 * (EAGAIN) instead of waiting. A line shorter than PIPE_BUF is written whole or not at all, so lines from
 * several writers never interleave.
 *
 * <p>Threading: immutable; {@link #write} may be called from any thread at once (each call has its own
 * descriptor) and never blocks.
 */
public final class CommandPipe {
    /** Linux's PIPE_BUF: a write up to it is atomic (whole or nothing, never interleaved). */
    static final int MAX_LINE = 4096;

    // Linux's values, the same on x86_64 and aarch64.
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int ENXIO = 6;
    private static final int EAGAIN = 11;
    private static final int EPIPE = 32;
    private static final int S_IFMT = 0xF000;
    private static final int S_IFIFO = 0x1000;

    private final Path path;
    private final String readerQuestion;

    /**
     * @param path           the FIFO
     * @param readerQuestion what to check when no one reads it, for the messages: "is ExaBGP running with
     *                       its API process (socat)?"
     */
    public CommandPipe(Path path, String readerQuestion) {
        this.path = path;
        this.readerQuestion = readerQuestion;
    }

    public Path path() {
        return path;
    }

    /**
     * Writes {@code line} and a newline. IOException, its message one line naming the pipe and the cause,
     * when the pipe is missing or not a FIFO, no process reads it, it is full, or the write fails.
     */
    public void write(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (line.indexOf('\n') >= 0 || bytes.length > MAX_LINE) {
            throw new IllegalArgumentException("not one line of at most " + MAX_LINE + " bytes: " + line);
        }
        checkFifo();
        Calls libc = Holder.LIBC;
        int fd;
        do {
            fd = libc.open(path.toString(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        } while (fd < 0 && errno() == EINTR);
        if (fd < 0) {
            int e = errno();
            throw new IOException(switch (e) {
                case ENXIO -> "no process reads " + path + ": " + readerQuestion;
                case ENOENT -> path + " does not exist: " + readerQuestion;
                default -> "cannot open " + path + ": " + strerror(e);
            });
        }
        try {
            long n;
            do {
                n = libc.write(fd, bytes, bytes.length);
            } while (n < 0 && errno() == EINTR);
            if (n < 0) {
                int e = errno();
                throw new IOException(switch (e) {
                    case EAGAIN -> path + " is full: its reader takes no more lines (is it stuck?)";
                    case EPIPE -> "no process reads " + path + " any more: " + readerQuestion;
                    default -> "cannot write to " + path + ": " + strerror(e);
                });
            }
            if (n != bytes.length) {
                throw new IOException("wrote " + n + " of " + bytes.length + " bytes to " + path);
            }
        } finally {
            libc.close(fd);
        }
    }

    /** The open would succeed on a regular file too, and write over its start: a FIFO or nothing. */
    private void checkFifo() throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            throw new IOException(path + " does not exist: " + readerQuestion);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot read " + path + ": " + e.getMessage());
        }
        if ((mode & S_IFMT) != S_IFIFO) {
            String what = Files.isDirectory(path) ? "a directory" : Files.isRegularFile(path) ? "a regular file" : "a special file";
            throw new IOException(path + " is not a named pipe but " + what);
        }
    }

    private static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    private static String strerror(int errno) {
        String s = Holder.LIBC.strerror(errno);
        return s == null ? "errno " + errno : s;
    }

    /** The libc calls a FIFO needs (the sources' binding lives in a stage the mitigation may not import). */
    public interface Calls {
        @SaveError
        int open(String path, int flags);

        @SaveError
        @ssize_t
        long write(int fd, @In byte[] buffer, @size_t long count);

        int close(int fd);

        String strerror(int errno);
    }

    private static final class Holder {
        static final Calls LIBC = LibraryLoader.create(Calls.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }
}
