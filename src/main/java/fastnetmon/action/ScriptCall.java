package fastnetmon.action;

/**
 * One action taken for an attack: ip, action (ban, attack_details or unban) and the script's exit code,
 * or {@link NotifyScript#NOT_STARTED}, {@link NotifyScript#TIMED_OUT} or {@link #NO_SCRIPT}.
 */
public record ScriptCall(String ip, String action, int exitCode) {
    /** No notify script configured: only the details file and the log were written. */
    public static final int NO_SCRIPT = -3;
}
