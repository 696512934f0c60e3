package fastnetmon.detection;

import java.util.Locale;

/** What the top-talker lists are ordered by (sort_parameter). */
public enum SortKey {
    PACKETS, BYTES, FLOWS;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** packets, bytes or flows; null for anything else. */
    public static SortKey parse(String s) {
        for (SortKey k : values()) {
            if (k.text().equalsIgnoreCase(s.strip())) {
                return k;
            }
        }
        return null;
    }
}
