package fastnetmon.networks;

import fastnetmon.config.ConfigException;
import fastnetmon.config.RegularFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A networks list or whitelist file as FastNetMon reads it: one CIDR (or bare address) per line, IPv4 and
 * IPv6, {@code #} comments (whole-line and trailing) and blank lines. Duplicates are kept once.
 */
public final class NetworkList {
    private final Path path;
    private final List<Cidr> cidrs;
    private final List<String> warnings;

    private NetworkList(Path path, List<Cidr> cidrs, List<String> warnings) {
        this.path = path;
        this.cidrs = List.copyOf(cidrs);
        this.warnings = List.copyOf(warnings);
    }

    /** Reads the file; a bad line gives "PATH:LINE: problem", a missing file "PATH: networks list not found", a FIFO, directory or device or a file over 64 MiB one line too. */
    public static NetworkList load(Path path) throws ConfigException {
        return load(path, "networks list");
    }

    /** The same, with {@code what} ("whitelist") naming the file in messages. */
    public static NetworkList load(Path path, String what) throws ConfigException {
        try {
            return parse(path, RegularFile.readText(path, what, RegularFile.MAX_LIST_BYTES).lines().toList());
        } catch (RegularFile.Refused e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Parses lines already read; {@code path} is only used in messages. */
    public static NetworkList parse(Path path, List<String> lines) throws ConfigException {
        Set<Cidr> cidrs = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (text.isEmpty()) {
                continue;
            }
            Cidr c;
            try {
                c = Cidr.parse(text);
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(path, i + 1, e.getMessage());
            }
            if (c.hostBitsSet()) {
                warnings.add(path + ":" + (i + 1) + ": " + text + " has host bits set, using " + c);
            }
            cidrs.add(c);
        }
        return new NetworkList(path, new ArrayList<>(cidrs), warnings);
    }

    public Path path() {
        return path;
    }

    public List<Cidr> cidrs() {
        return cidrs;
    }

    /** Non-fatal remarks (host bits set), each "PATH:LINE: ...". */
    public List<String> warnings() {
        return warnings;
    }

    public int v4Count() {
        return (int) cidrs.stream().filter(Cidr::isV4).count();
    }

    public int v6Count() {
        return cidrs.size() - v4Count();
    }
}
