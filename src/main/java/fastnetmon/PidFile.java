package fastnetmon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** pid_path: written at start, removed at exit; refuses to start over a running instance. */
final class PidFile {
    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    /** Writes our pid to {@code path}, unless another live process holds it. */
    static PidFile acquire(Path path) throws StartupException {
        try {
            if (Files.exists(path)) {
                try {
                    long other = Long.parseLong(Files.readString(path).strip());
                    if (other != ProcessHandle.current().pid()
                            && ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
                        throw new StartupException("another fastnetmon is running (pid " + other + " in " + path + ")");
                    }
                } catch (NumberFormatException ignored) {
                    // A stale or foreign file: overwrite it.
                }
            }
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, ProcessHandle.current().pid() + "\n");
            return new PidFile(path);
        } catch (IOException e) {
            throw new StartupException("cannot write pid file " + path + " (pid_path): " + e.getMessage());
        }
    }

    void remove() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Nothing more to do at exit.
        }
    }
}
