package fastnetmon.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one check before the detector reads a file it is given (configuration, networks list, whitelist,
 * capture file): it must be a regular file (a FIFO would block the start, a directory or a device is a
 * mistake) and, when read whole, not larger than a bound (a huge file is refused in one line instead of
 * an OutOfMemoryError). Links are followed. Stateless; any thread.
 *
 * <p>The check runs before the file is opened because opening a FIFO for reading blocks until a writer
 * comes; a file swapped for a FIFO between the check and the open is not guarded against.
 */
public final class RegularFile {
    /** Configuration files: a real one is a few KiB. */
    public static final long MAX_CONFIG_BYTES = 4L << 20;
    /** Networks lists and whitelists: room for several full routing tables of prefixes. */
    public static final long MAX_LIST_BYTES = 64L << 20;

    private RegularFile() {
    }

    /** A file that is missing, not a regular file, or too large; the message is one line naming it. */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message, null);
        }
    }

    /**
     * Throws {@link Refused} ("PATH: WHAT not found", "PATH: WHAT must be a regular file, not a FIFO",
     * "PATH: WHAT is 3.0 GiB, more than the 4.0 MiB allowed") unless {@code path} is a regular file of at
     * most {@code maxBytes}.
     */
    public static void require(Path path, String what, long maxBytes) throws Refused {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Refused(path + ": " + what + " not found");
        } catch (IOException e) {
            throw new Refused(path + ": cannot read " + what + ": " + e.getMessage());
        }
        if (!a.isRegularFile()) {
            throw new Refused(path + ": " + what + " must be a regular file, not " + kind(path, a));
        }
        if (a.size() > maxBytes) {
            throw new Refused(path + ": " + what + " is " + size(a.size()) + ", more than the " + size(maxBytes) + " allowed");
        }
    }

    /**
     * Reads a whole text file (UTF-8) after {@link #require}; a file that grows past the bound while it is
     * read is refused the same way.
     */
    public static String readText(Path path, String what, long maxBytes) throws Refused {
        require(path, what, maxBytes);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw new Refused(path + ": cannot read " + what + ": " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw new Refused(path + ": " + what + " is more than the " + size(maxBytes) + " allowed");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String kind(Path path, BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        try {
            int type = ((Integer) Files.getAttribute(path, "unix:mode")) & 0170000;
            switch (type) {
                case 0010000:
                    return "a FIFO";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view: say what we know
        }
        return "a special file";
    }

    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
