package fastnetmon.config;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way the detector replaces a state file whole: written to a temporary file beside it, synced to
 * disk, and renamed over it, so a reader (or the next start after a crash) sees the old file or the new
 * one, never a part. Stateless; any thread (one writer per file).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Writes the content to a stream. */
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The temporary file {@link #replace} writes before the rename: PATH.tmp. */
    public static Path temporary(Path path) {
        return path.resolveSibling(path.getFileName() + ".tmp");
    }

    /** Replaces {@code path} with what {@code content} writes (its folder is made when missing). */
    public static void replace(Path path, Content content) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = temporary(path);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            content.writeTo(out);
            out.flush();
            ch.force(true); // on disk before the rename makes it the state
        }
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
