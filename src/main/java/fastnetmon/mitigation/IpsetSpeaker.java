package fastnetmon.mitigation;

import fastnetmon.networks.Cidr;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Puts {@link SetMember}s in the kernel's ipsets by running the {@code ipset} program: {@code add NAME ADDR
 * timeout N -exist} (adding again refreshes the timeout) and {@code del NAME ADDR -exist}. A set is
 * created when missing, as {@code hash:ip family inet|inet6 timeout 0}, so that each member carries its
 * own timeout; an existing set of another kind is refused with one line saying what it is.
 *
 * <p>Each run of ipset is bounded ({@link #RUN_SECONDS} s, then killed). A failure is an IOException
 * whose message is one line naming the set, the address and what ipset said, or, when ipset is missing,
 * the kernel lacks its module or we lack the permission, a line that says so.
 *
 * <p>Threading: its owner calls it from one thread at a time (not necessarily the same one); the sets
 * known to be right are kept in a concurrent set so any such thread sees them. {@link #close} leaves
 * the sets and their members alone.
 */
public final class IpsetSpeaker implements Speaker {
    static final String NOT_INSTALLED = "ipset is not installed (apt-get install ipset)";
    /** Bound of one run of ipset, in seconds. */
    static final int RUN_SECONDS = 5;
    /** Of what ipset prints, this much is kept for the error line (a header listing is far shorter). */
    private static final int MAX_OUTPUT = 16 * 1024;
    private static final String NO_SUCH_SET = "The set with the given name does not exist";

    private final List<String> command;
    /** Sets checked to be hash:ip of the right family with timeout support (or made so). */
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    /** Runs the ipset found on the PATH, else in /usr/sbin or /sbin. */
    public IpsetSpeaker() {
        this(List.of(locate()));
    }

    /** @param command the ipset program and what runs it, e.g. {@code ip netns exec NS ipset} */
    public IpsetSpeaker(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no ipset command");
        }
        this.command = List.copyOf(command);
    }

    /** The ipset program: on the PATH, else in /usr/sbin or /sbin; "ipset" when none is found (it then fails to run). */
    static String locate() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (!d.isEmpty()) {
                Path p = Path.of(d, "ipset");
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return "ipset";
    }

    @Override
    public String name() {
        return "ipset";
    }

    @Override
    public boolean carries(Announcement a) {
        return a instanceof SetMember;
    }

    @Override
    public void announce(Announcement a) throws IOException {
        SetMember m = member(a);
        String what = "cannot add " + addressText(m.address()) + " to ipset " + m.set();
        ensureSet(m.set(), m.ipv6(), what);
        Result r = run("add", m.set(), addressText(m.address()), "timeout", Integer.toString(m.timeoutSeconds()), "-exist");
        if (!r.ok() && r.output().contains(NO_SUCH_SET)) {
            // Destroyed behind our back since we made it: make it again, once.
            ready.remove(m.set());
            ensureSet(m.set(), m.ipv6(), what);
            r = run("add", m.set(), addressText(m.address()), "timeout", Integer.toString(m.timeoutSeconds()), "-exist");
        }
        if (!r.ok()) {
            throw failure(what, r);
        }
    }

    @Override
    public void withdraw(Announcement a) throws IOException {
        SetMember m = member(a);
        Result r = run("del", m.set(), addressText(m.address()), "-exist");
        // No set, no member: what a withdrawal wants.
        if (!r.ok() && !r.output().contains(NO_SUCH_SET)) {
            throw failure("cannot remove " + addressText(m.address()) + " from ipset " + m.set(), r);
        }
    }

    /** Whether ipset runs and the kernel answers it (lists the set names): an IOException with the line saying why not. */
    public void check() throws IOException {
        Result r = run("list", "-name");
        if (!r.ok()) {
            throw failure("cannot list the ipsets", r);
        }
    }

    private static SetMember member(Announcement a) {
        if (a instanceof SetMember m) {
            return m;
        }
        throw new IllegalArgumentException("ipset carries set members only, not " + a.text());
    }

    /** Creates the set when missing and checks that it can hold this family's members with a timeout. */
    private void ensureSet(String set, boolean ipv6, String what) throws IOException {
        if (ready.contains(set)) {
            return;
        }
        String family = ipv6 ? "inet6" : "inet";
        // -exist: no error when an equal set is there; another one still fails ("already exists"), and
        // ipset lets some differences pass (the family), so the header below is what decides.
        Result created = run("create", set, "hash:ip", "family", family, "timeout", "0", "-exist");
        Result header = run("list", "-terse", set);
        if (!header.ok()) {
            throw failure(what, created.ok() ? header : created);
        }
        String type = field(header.output(), "Type:");
        String head = " " + field(header.output(), "Header:") + " ";
        boolean rightFamily = head.contains(" family " + family + " ");
        boolean timeouts = head.contains(" timeout ");
        if (!type.equals("hash:ip") || !rightFamily || !timeouts) {
            throw new IOException("ipset: " + what + ": the set exists as " + type + " " + head.strip()
                    + "; it must be hash:ip family " + family + " with timeout support"
                    + " (ipset destroy " + set + ", and it is made anew)");
        }
        ready.add(set);
    }

    private static String field(String listing, String name) {
        for (String line : listing.split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(name.length()).strip();
            }
        }
        return "?";
    }

    /** An address as ipset takes it: bare for a host, else the network (hash:ip adds its every address). */
    static String addressText(Cidr c) {
        String s = c.toString();
        return c.prefixLength() == (c.isV4() ? 32 : 128) ? s.substring(0, s.indexOf('/')) : s;
    }

    private static IOException failure(String what, Result r) {
        return new IOException(r.notInstalled() ? NOT_INSTALLED : "ipset: " + what + ": " + explain(r.output()));
    }

    /** ipset's message on one line, without its version prefix, with what it means when it is the kernel's refusal. */
    static String explain(String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            String l = line.strip().replaceFirst("^ipset v[0-9.]+: ", "");
            if (!l.isEmpty()) {
                lines.add(l);
            }
        }
        String msg = lines.isEmpty() ? "failed, and said nothing" : String.join("; ", lines);
        String lower = msg.toLowerCase(Locale.ROOT);
        if (lower.contains("operation not permitted") || lower.contains("permission denied")) {
            return "no permission to change ipsets (run as root or with CAP_NET_ADMIN): " + msg;
        }
        if (lower.contains("kernel error received") || lower.contains("cannot open session to kernel")
                || lower.contains("protocol not supported") || lower.contains("address family not supported")) {
            return "the kernel has no ipset support (load the ip_set module: modprobe ip_set): " + msg;
        }
        return msg;
    }

    /** What one run of ipset gave: its exit code (-1: it did not run) and what it printed (both streams). */
    private record Result(int exit, String output, boolean notInstalled) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Result run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("error=2,")) {
                return new Result(-1, m, true);
            }
            return new Result(-1, "cannot run " + command.get(command.size() - 1) + ": " + m, false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Read on the side: a stuck ipset must not hold us past the bound.
        Thread reader = new Thread(() -> drain(p.getInputStream(), out), "ipset-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
                kill(p);
                return new Result(-1, "ipset did not finish in " + RUN_SECONDS + " s (killed): " + String.join(" ", args), false);
            }
            reader.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("ipset: interrupted running " + String.join(" ", args));
        }
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        // Through "ip netns exec" (tests), a missing program is that command's complaint, not a failed start.
        boolean missing = p.exitValue() != 0 && text.startsWith("exec of \"") && text.contains("No such file or directory");
        return new Result(p.exitValue(), text, missing);
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.size() < MAX_OUTPUT) {
                        out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
                    }
                }
            }
        } catch (IOException e) {
            // The process was killed or closed its output: what was read is what there is.
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    @Override
    public String toString() {
        return "IpsetSpeaker[" + String.join(" ", command) + "]";
    }
}
