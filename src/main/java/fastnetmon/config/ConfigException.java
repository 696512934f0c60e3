package fastnetmon.config;

/** A configuration problem; the message is one human-readable line such as "fastnetmon.conf:12: ...". */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "SOURCE:LINE: problem". */
    public static ConfigException at(Object source, int line, String problem) {
        return new ConfigException(source + ":" + line + ": " + problem);
    }
}
