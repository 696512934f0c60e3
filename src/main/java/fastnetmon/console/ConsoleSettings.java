package fastnetmon.console;

import fastnetmon.config.Configuration;
import fastnetmon.config.PresentationSettings;
import fastnetmon.detection.SortKey;

/**
 * How the console looks: redraw period (check_period), initial order (sort_parameter), hosts per
 * direction (max_ips_in_list) and the version in the header.
 */
public record ConsoleSettings(int checkPeriodSeconds, SortKey sort, int maxIpsInList, String version) {

    public ConsoleSettings {
        checkPeriodSeconds = Math.max(1, checkPeriodSeconds);
        sort = sort == null ? SortKey.PACKETS : sort;
        maxIpsInList = Math.max(0, maxIpsInList);
        version = version == null ? "" : version;
    }

    public static ConsoleSettings from(Configuration config, String version) {
        return from(PresentationSettings.from(config).screen(), version);
    }

    /** From the typed settings the configuration gives the console. */
    public static ConsoleSettings from(PresentationSettings.Screen screen, String version) {
        return new ConsoleSettings(screen.checkPeriodSeconds(), SortKey.parse(screen.sortParameter()), screen.maxIpsInList(), version);
    }

    /** FastNetMon's defaults: every second, by packets, 7 hosts. */
    public static ConsoleSettings defaults(String version) {
        return new ConsoleSettings(1, SortKey.PACKETS, 7, version);
    }
}
