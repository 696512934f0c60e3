package fastnetmon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The interfaces of the default routes (IPv4 and IPv6), read from the kernel's routing tables
 * ({@code /proc/net/route}, {@code /proc/net/ipv6_route}): what a first run captures on when no
 * interface is named or configured. Loopback and reject routes are left out.
 */
final class DefaultRoute {
    private static final int RTF_UP = 0x1, RTF_REJECT = 0x200;

    private DefaultRoute() {
    }

    static List<String> interfaces() {
        return interfaces(Path.of("/proc/net/route"), Path.of("/proc/net/ipv6_route"));
    }

    static List<String> interfaces(Path v4Table, Path v6Table) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : lines(v4Table)) {
            // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000") && usable(f[0], f[3])) {
                out.add(f[0]);
            }
        }
        for (String line : lines(v6Table)) {
            // dest prefixlen source prefixlen nexthop metric refcnt use flags iface
            String[] f = line.trim().split("\\s+");
            if (f.length >= 10 && f[0].chars().allMatch(c -> c == '0') && f[1].equals("00") && usable(f[9], f[8])) {
                out.add(f[9]);
            }
        }
        return List.copyOf(out);
    }

    private static boolean usable(String iface, String hexFlags) {
        int flags;
        try {
            flags = Integer.parseInt(hexFlags, 16);
        } catch (NumberFormatException e) {
            return false;
        }
        return !iface.equals("lo") && (flags & RTF_UP) != 0 && (flags & RTF_REJECT) == 0;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }
}
