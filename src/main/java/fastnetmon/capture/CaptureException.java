package fastnetmon.capture;

/** A capture that cannot start or go on; the message is one line an operator can act on. */
public class CaptureException extends Exception {
    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
