package fastnetmon.source;

/** A source that cannot start or go on; the message is one line an operator can act on. */
public class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
