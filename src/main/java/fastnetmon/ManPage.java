package fastnetmon;

import fastnetmon.config.ConfigKeys;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes the man page fastnetmon-java(8) from the registries: the command-line options as picocli
 * declares them on {@link FastNetMon} and every configuration key of {@link ConfigKeys}, so the page
 * cannot drift from the program. Run at build time (pom.xml) into the .deb; {@code args[0]} is the
 * output file, {@code args[1]} the installed name.
 */
public final class ManPage {
    private ManPage() {
    }

    public static void main(String[] args) throws IOException {
        String name = args.length > 1 ? args[1] : "fastnetmon-java";
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, render(name, LocalDate.now(ZoneOffset.UTC)), StandardCharsets.UTF_8);
    }

    static String render(String name, LocalDate date) {
        CommandSpec spec = new CommandLine(new FastNetMon(new PrintStream(PrintStream.nullOutputStream()),
                new PrintStream(PrintStream.nullOutputStream()))).getCommandSpec();
        StringBuilder m = new StringBuilder(32_768);
        m.append(".TH ").append(name.toUpperCase()).append(" 8 \"").append(date).append("\" \"")
                .append(FastNetMon.Version.VERSION).append("\" \"System Administration\"\n");
        m.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(String.join(" ", spec.usageMessage().description()))).append('\n');
        m.append(".SH SYNOPSIS\n.B ").append(esc(name)).append("\n[\\fIOPTIONS\\fR] [\\fIIFACE\\fR[,\\fIIFACE\\fR...]]\n");
        m.append(".SH DESCRIPTION\nA FastNetMon-compatible DDoS detector: it reads FastNetMon's configuration keys, calls the\n"
                + "notify script with FastNetMon's arguments, serves FastNetMon's Prometheus names, its gRPC API\n"
                + "(for \\fBfastnetmon_api_client\\fR) and its screen file (for \\fBfastnetmon_client\\fR).\n");
        m.append(".SH OPTIONS\n");
        for (OptionSpec o : spec.options()) {
            m.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
            if (o.arity().max() > 0 && !o.paramLabel().isEmpty()) {
                m.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            m.append('\n').append(esc(String.join(" ", o.description()))).append('\n');
        }
        m.append(".SH CONFIGURATION\nThe configuration file holds \\fIkey = value\\fR lines and \\fB#\\fR comments, as FastNetMon's.\n"
                + "Relative paths are relative to the file's folder. Booleans accept on/off, yes/no, true/false, 1/0.\n");
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            m.append(".TP\n.B ").append(esc(k.name())).append("\n(").append(esc(ConfigKeys.typeText(k))).append("; default ")
                    .append(k.defaultText().isEmpty() ? "empty" : "\\fB" + esc(k.defaultText()) + "\\fR").append("; ")
                    .append(esc(k.origin())).append(")\n.br\n").append(esc(k.description()))
                    .append(k.perHostgroup() ? " (per hostgroup)" : "").append('\n');
        }
        List<String> off = ConfigKeys.unimplemented();
        m.append(".PP\nFastNetMon options accepted but not implemented (a warning when switched on): ")
                .append(esc(String.join(", ", off))).append(", and every option starting with ")
                .append(esc(String.join(", ", ConfigKeys.unimplementedPrefixes()))).append(".\n");
        m.append(".SH FILES\n.TP\n/etc/").append(name).append("/fastnetmon.conf\nThe configuration.\n"
                + ".TP\n/etc/").append(name).append("/networks_list, /etc/").append(name).append("/networks_whitelist\n"
                + "Monitored and never-banned networks.\n"
                + ".TP\n/var/log/").append(name).append("/\nLog and attack details.\n"
                + ".TP\n/var/lib/").append(name).append("/\nBans kept across restarts.\n");
        m.append(".SH SEE ALSO\n.BR fastnetmon_client (1),\n.BR fastnetmon_api_client (1),\n.BR systemctl (1)\n");
        return m.toString();
    }

    /** Escapes text for roff: backslashes, and a leading dot or quote that would start a request. */
    static String esc(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
