package fastnetmon.source.file;

import java.io.IOException;
import java.nio.file.Path;

/** A capture file that is not pcap/pcapng or has a corrupt header; the message is one line: "file: offset N: problem". */
public final class CaptureFileException extends IOException {
    private final long offset;

    public CaptureFileException(Path file, long offset, String problem) {
        super(file + ": offset " + offset + ": " + problem.replace('\n', ' '));
        this.offset = offset;
    }

    /** Byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }
}
