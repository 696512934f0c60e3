package fastnetmon;

/** Why the detector cannot start, as one line for the operator. */
final class StartupException extends Exception {
    StartupException(String message) {
        super(message);
    }
}
