package fastnetmon.config;

import fastnetmon.config.ConfigKeys.Key;
import fastnetmon.config.ConfigKeys.Type;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.NetworkList;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The daemon configuration, read from a FastNetMon CE style file ({@code key = value}, {@code #} comments)
 * and validated against {@link ConfigKeys}. Also loads the networks list and the whitelist. Immutable.
 *
 * <p>Values are read with the typed getters ({@link #getBoolean}, {@link #getInt}, {@link #getLong},
 * {@link #getDouble}, {@link #getString}, {@link #getPath}, {@link #getList}); asking for a key that is not
 * in the registry, or with the wrong type, is a programming error (IllegalArgumentException).
 */
public final class Configuration {
    private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s#");
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Path file;
    private final Path baseDir;
    private final Map<String, Object> values;
    private final Set<String> explicit;
    private final List<String> warnings;
    private final Thresholds global;
    private final List<HostGroup> hostGroups;
    private final List<Cidr> networks;
    private final List<Cidr> whitelist;

    private Configuration(Path file, Path baseDir, Map<String, Object> values, Set<String> explicit,
                          List<String> warnings, List<HostGroup> hostGroups, List<Cidr> networks, List<Cidr> whitelist) {
        this.file = file;
        this.baseDir = baseDir;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.explicit = Set.copyOf(explicit);
        this.warnings = List.copyOf(warnings);
        this.global = Thresholds.from(values::get);
        this.hostGroups = List.copyOf(hostGroups);
        this.networks = List.copyOf(networks);
        this.whitelist = List.copyOf(whitelist);
    }

    /**
     * Built-in defaults, for running without a file: relative paths resolve against the working directory,
     * and no list file is read (networks and whitelist are empty).
     */
    public static Configuration defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key k : ConfigKeys.all()) {
            if (k.type() != Type.HOSTGROUP) {
                values.put(k.name(), ConfigKeys.defaultValue(k.name()));
            }
        }
        return new Configuration(null, Path.of("").toAbsolutePath(), values, Set.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** Reads and validates the file, then the networks list and whitelist it names. */
    public static Configuration load(Path file) throws ConfigException {
        String text;
        try {
            text = RegularFile.readText(file, "configuration file", RegularFile.MAX_CONFIG_BYTES);
        } catch (RegularFile.Refused e) {
            throw new ConfigException(e.getMessage());
        }
        Path parent = file.toAbsolutePath().normalize().getParent();
        return new Loader(file, parent == null ? Path.of("/") : parent).run(text.lines().toList());
    }

    private static final class Loader {
        final Path file;
        final Path baseDir;
        final Map<String, Object> values = new LinkedHashMap<>();
        final Map<String, Integer> lineOf = new HashMap<>();
        final List<String> warnings = new ArrayList<>();
        final List<String> unimplementedOff = new ArrayList<>();
        final Map<String, List<Cidr>> groups = new LinkedHashMap<>();
        final Map<Cidr, String> groupOfCidr = new HashMap<>();
        final List<String[]> unresolved = new ArrayList<>(); // {key, value, line}

        Loader(Path file, Path baseDir) {
            this.file = file;
            this.baseDir = baseDir;
            for (Key k : ConfigKeys.all()) {
                if (k.type() != Type.HOSTGROUP) {
                    values.put(k.name(), ConfigKeys.defaultValue(k.name()));
                }
            }
        }

        String at(int line) {
            return file + ":" + line + ": ";
        }

        Configuration run(List<String> lines) throws ConfigException {
            for (int i = 0; i < lines.size(); i++) {
                int line = i + 1;
                String text = lines.get(i).trim();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                var m = TRAILING_COMMENT.matcher(text);
                if (m.find()) {
                    text = text.substring(0, m.start()).trim();
                }
                int eq = text.indexOf('=');
                String key = eq < 0 ? "" : text.substring(0, eq).trim();
                if (key.isEmpty()) {
                    throw ConfigException.at(file, line, "expected 'key = value', got '" + text + "'");
                }
                String value = text.substring(eq + 1).trim();
                Key k = ConfigKeys.get(key);
                if (k != null && k.type() == Type.HOSTGROUP) {
                    hostgroup(value, line);
                } else if (k != null) {
                    set(values, key, parse(k, key, value, line), line);
                    if (key.equals("collect_attack_pcap_dumps") && Boolean.TRUE.equals(values.get(key))) {
                        warnings.add(at(line) + "collect_attack_pcap_dumps is not implemented yet (ignored)");
                    }
                } else if (ConfigKeys.isUnimplementedFastNetMonKey(key)) {
                    if (value.equalsIgnoreCase("on") || value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("true")) {
                        warnings.add(at(line) + "'" + key + "' is a FastNetMon option this version does not implement (ignored)");
                    } else {
                        unimplementedOff.add(key); // off, or a setting of a feature not implemented: one line for all
                    }
                } else {
                    unresolved.add(new String[]{key, value, Integer.toString(line)});
                }
            }

            // Hostgroup overrides may come before (or without) their hostgroup line, so resolve them last.
            Map<String, Map<String, Object>> overrides = new LinkedHashMap<>();
            for (String[] u : unresolved) {
                int line = Integer.parseInt(u[2]);
                String group = groupOf(u[0]);
                if (group == null) {
                    String suffix = ConfigKeys.perHostgroupKeys().stream().filter(k -> u[0].endsWith("_" + k))
                            .findFirst().orElse(null);
                    warnings.add(at(line) + (suffix == null ? "unknown key '" + u[0] + "' (ignored)"
                            : "'" + u[0] + "' overrides " + suffix + " for hostgroup '"
                            + u[0].substring(0, u[0].length() - suffix.length() - 1) + "', which no hostgroup line defines (ignored)"));
                    continue;
                }
                Key k = ConfigKeys.get(u[0].substring(group.length() + 1));
                set(overrides.computeIfAbsent(group, g -> new HashMap<>()), u[0], parse(k, u[0], u[1], line), line);
            }
            List<HostGroup> hostGroups = new ArrayList<>();
            for (Map.Entry<String, List<Cidr>> g : groups.entrySet()) {
                Map<String, Object> own = overrides.getOrDefault(g.getKey(), Map.of());
                String prefix = g.getKey() + "_";
                Function<String, Object> value = name -> own.getOrDefault(prefix + name, values.get(name));
                hostGroups.add(new HostGroup(g.getKey(), g.getValue(), Thresholds.from(value), GroupTotals.from(value)));
            }

            List<Cidr> networks = loadList("networks_list_path", true);
            if (networks.isEmpty()) {
                warnings.add(file + ": networks list " + resolve((String) values.get("networks_list_path"))
                        + " has no networks: no traffic will be monitored");
            }
            List<Cidr> whitelist = loadList("white_list_path", lineOf.containsKey("white_list_path"));
            if (!unimplementedOff.isEmpty()) {
                warnings.add(file + ": " + unimplementedOff.size() + " FastNetMon option" + (unimplementedOff.size() == 1 ? "" : "s")
                        + " this version does not implement, off or not switches (ignored): " + String.join(", ", unimplementedOff));
            }
            warnings.sort(java.util.Comparator.comparingInt(w -> lineNumber(w)));
            return new Configuration(file, baseDir, values, lineOf.keySet(), warnings, hostGroups, networks, whitelist);
        }

        /** The line number a "FILE:LINE: ..." warning of this file is about; other warnings sort last. */
        int lineNumber(String warning) {
            String prefix = file + ":";
            if (warning.startsWith(prefix)) {
                int end = warning.indexOf(':', prefix.length());
                String n = end < 0 ? "" : warning.substring(prefix.length(), end);
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                    return Integer.parseInt(n);
                }
            }
            return Integer.MAX_VALUE;
        }

        /** Stores a value; a key seen before keeps the last value, with a warning. */
        void set(Map<String, Object> target, String key, Object value, int line) {
            Integer previous = lineOf.put(key, line);
            if (previous != null) {
                warnings.add(at(line) + "'" + key + "' is set again (first on line " + previous + "); the last value is used");
            }
            target.put(key, value);
        }

        Object parse(Key k, String label, String value, int line) throws ConfigException {
            try {
                return ConfigKeys.parse(k, label, value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at(line) + e.getMessage());
            }
        }

        /** The hostgroup an override key such as "my_hosts_threshold_pps" belongs to, or null. */
        String groupOf(String key) {
            for (String g : groups.keySet()) {
                if (key.startsWith(g + "_")) {
                    Key k = ConfigKeys.get(key.substring(g.length() + 1));
                    if (k != null && k.perHostgroup()) {
                        return g;
                    }
                }
            }
            return null;
        }

        void hostgroup(String value, int line) throws ConfigException {
            int colon = value.indexOf(':');
            String name = colon < 0 ? "" : value.substring(0, colon).trim();
            if (colon < 0 || !GROUP_NAME.matcher(name).matches()) {
                throw ConfigException.at(file, line, "hostgroup: '" + value + "' is not 'name:cidr,cidr'");
            }
            List<Cidr> cidrs = groups.computeIfAbsent(name, n -> new ArrayList<>());
            boolean any = false;
            for (String s : value.substring(colon + 1).split(",")) {
                if (s.isBlank()) {
                    continue;
                }
                any = true;
                Cidr c;
                try {
                    c = Cidr.parse(s);
                } catch (IllegalArgumentException e) {
                    throw ConfigException.at(file, line, "hostgroup " + name + ": " + e.getMessage());
                }
                if (c.hostBitsSet()) {
                    warnings.add(at(line) + "hostgroup " + name + ": " + s.trim() + " has host bits set, using " + c);
                }
                String owner = groupOfCidr.putIfAbsent(c, name);
                if (owner == null) {
                    cidrs.add(c);
                } else if (!owner.equals(name)) {
                    warnings.add(at(line) + "hostgroup " + name + ": " + c + " is already in hostgroup " + owner + " (ignored here)");
                }
            }
            if (!any) {
                throw ConfigException.at(file, line, "hostgroup " + name + ": no networks given");
            }
        }

        Path resolve(String path) {
            return path.isEmpty() ? null : baseDir.resolve(path).normalize();
        }

        List<Cidr> loadList(String key, boolean required) throws ConfigException {
            Integer line = lineOf.get(key);
            String where = line == null ? file + ": " : at(line);
            Path p = resolve((String) values.get(key));
            if (p == null) {
                if (key.equals("networks_list_path")) {
                    throw new ConfigException(where + key + " is empty; it must name the networks list file");
                }
                return List.of();
            }
            if (!Files.exists(p)) {
                if (!required) {
                    return List.of();
                }
                throw new ConfigException(where + key + ": '" + p + "' does not exist"
                        + (line == null ? " (the default; set " + key + ")" : ""));
            }
            NetworkList list = NetworkList.load(p, key.equals("white_list_path") ? "whitelist" : "networks list");
            warnings.addAll(list.warnings());
            return list.cidrs();
        }
    }

    private Key key(String name, Type... types) {
        Key k = ConfigKeys.get(name);
        if (k == null) {
            throw new IllegalArgumentException("no such configuration key: " + name);
        }
        for (Type t : types) {
            if (k.type() == t) {
                return k;
            }
        }
        throw new IllegalArgumentException(name + " is a " + k.type() + " key");
    }

    public boolean getBoolean(String name) {
        return (Boolean) values.get(key(name, Type.BOOL).name());
    }

    public int getInt(String name) {
        return (Integer) values.get(key(name, Type.INT).name());
    }

    /** INT or LONG keys. */
    public long getLong(String name) {
        return ((Number) values.get(key(name, Type.INT, Type.LONG).name())).longValue();
    }

    /** Any numeric key. */
    public double getDouble(String name) {
        return ((Number) values.get(key(name, Type.INT, Type.LONG, Type.DOUBLE).name())).doubleValue();
    }

    /** STRING, ENUM (canonical lower case), LIST and PATH keys as written (paths unresolved). */
    public String getString(String name) {
        Object v = values.get(key(name, Type.STRING, Type.ENUM, Type.PATH, Type.LIST).name());
        return v instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList()) : (String) v;
    }

    /** A PATH key resolved against the configuration file's folder; null when set to an empty value. */
    public Path getPath(String name) {
        String v = (String) values.get(key(name, Type.PATH).name());
        return v.isEmpty() ? null : baseDir.resolve(v).normalize();
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String name) {
        return (List<String>) values.get(key(name, Type.LIST).name());
    }

    /** The typed value as stored (paths unresolved). */
    Object value(String name) {
        return values.get(key(name, Type.values()).name());
    }

    /** Whether the key was set in the file (as opposed to taking its default). */
    public boolean isSet(String name) {
        key(name, Type.values());
        return explicit.contains(name);
    }

    /** The configuration file, or null for {@link #defaults()}. */
    public Path file() {
        return file;
    }

    /** Non-fatal problems found while loading, each "FILE:LINE: ...". */
    public List<String> warnings() {
        return warnings;
    }

    public Thresholds globalThresholds() {
        return global;
    }

    /** Hostgroups in file order; a CIDR belongs to the first group that lists it. */
    public List<HostGroup> hostGroups() {
        return hostGroups;
    }

    /** Our networks, from networks_list_path (IPv4 and IPv6). */
    public List<Cidr> networks() {
        return networks;
    }

    /** Networks never banned, from white_list_path (empty when the default file does not exist). */
    public List<Cidr> whitelist() {
        return whitelist;
    }

    /** A short multi-line summary, for --configuration_check. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("Configuration: ").append(file == null ? "built-in defaults" : file.toAbsolutePath().normalize()).append('\n');
        sb.append("Networks: ").append(counts(networks)).append(file == null ? "" : " from " + getPath("networks_list_path")).append('\n');
        Path wl = getPath("white_list_path");
        sb.append("Whitelist: ").append(counts(whitelist)).append(file == null || wl == null ? "" : " from " + wl).append('\n');
        sb.append("Ban: ").append(global.enableBan() ? "enabled" : "disabled (detect and log only)")
                .append(", IPv6 ban ").append(global.enableBanIpv6() ? "enabled" : "disabled")
                .append(", ban_time ").append(getLong("ban_time")).append(" s").append('\n');
        sb.append("Global thresholds: ").append(global.summary()).append('\n');
        sb.append("Hostgroups: ").append(hostGroups.isEmpty() ? "none" : Integer.toString(hostGroups.size())).append('\n');
        for (HostGroup g : hostGroups) {
            sb.append("  ").append(g.name()).append(": ").append(g.cidrs().size()).append(g.cidrs().size() == 1 ? " CIDR" : " CIDRs")
                    .append(", ban ").append(g.thresholds().enableBan() ? "enabled" : "disabled")
                    .append(", ").append(g.thresholds().summary()).append('\n');
        }
        Path script = getPath("notify_script_path");
        sb.append("Notify script: ").append(script == null || !getBoolean("notify_script_enabled") ? "disabled"
                : script + " (timeout " + getInt("notify_script_timeout") + " s)").append('\n');
        sb.append("Warnings: ").append(warnings.size()).append('\n');
        return sb.toString();
    }

    private static String counts(List<Cidr> list) {
        long v4 = list.stream().filter(Cidr::isV4).count();
        return list.size() + " (" + v4 + " IPv4, " + (list.size() - v4) + " IPv6)";
    }
}
