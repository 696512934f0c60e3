package fastnetmon.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A monitored link between two network namespaces with no route out of this machine: the detector
 * captures on {@code mon0} in the monitor namespace (which has no addresses, so nothing there
 * answers); generators run in the peer namespace, whose default route points at mon0's MAC. Floods
 * with random sources to any address arrive on mon0 and go nowhere else.
 */
public final class NetnsRig implements AutoCloseable {
    public static final String MON_IF = "mon0";
    /** The generator side of the link, in the peer namespace (hping3 --rand-dest needs it named: -I). */
    public static final String PEER_IF = "peer0";
    /** The monitored end of the second link ({@link #addSecondLink}). */
    public static final String MON_IF2 = "mon1";
    private static final String PEER_IF2 = "peer1";
    public final String mon;
    public final String peer;

    private NetnsRig(String tag) {
        mon = "fnmt-mon-" + tag;
        peer = "fnmt-peer-" + tag;
    }

    /** Skips outside CI when the rig cannot be built here; in CI (CI=true) a missing prerequisite fails. */
    public static void assumeAvailable(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!"0".equals(sh("id", "-u").strip())) {
            missing.add("root (network namespaces)");
        }
        for (String t : tools) {
            if (sh("sh", "-c", "command -v " + t).isBlank()) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "this test needs " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(why + " (CI installs them: see .ci/run)");
        }
        Assumptions.assumeTrue(false, why + ": skipped outside CI");
    }

    public static NetnsRig create() throws IOException, InterruptedException {
        NetnsRig r = new NetnsRig(Long.toString(ProcessHandle.current().pid()) + "-" + (System.nanoTime() % 100000));
        r.close();
        run("ip", "netns", "add", r.mon);
        run("ip", "netns", "add", r.peer);
        run("ip", "-n", r.mon, "link", "add", MON_IF, "type", "veth", "peer", "name", PEER_IF, "netns", r.peer);
        run("ip", "-n", r.mon, "link", "set", "lo", "up");
        // A capture port says nothing: no IPv6 link-local chatter from the monitor side.
        run("ip", "netns", "exec", r.mon, "sysctl", "-q", "-w", "net.ipv6.conf." + MON_IF + ".disable_ipv6=1");
        run("ip", "-n", r.mon, "link", "set", MON_IF, "up");
        run("ip", "-n", r.peer, "link", "set", "lo", "up");
        // Nor does the generator side: only the test's own packets cross the link.
        run("ip", "netns", "exec", r.peer, "sysctl", "-q", "-w", "net.ipv6.conf." + PEER_IF + ".disable_ipv6=1");
        run("ip", "-n", r.peer, "addr", "add", "198.51.100.2/24", "dev", PEER_IF);
        run("ip", "-n", r.peer, "link", "set", PEER_IF, "up");
        String mac = r.inMon("cat", "/sys/class/net/" + MON_IF + "/address").strip();
        run("ip", "-n", r.peer, "neigh", "replace", "198.51.100.1", "lladdr", mac, "dev", PEER_IF, "nud", "permanent");
        run("ip", "-n", r.peer, "route", "add", "default", "via", "198.51.100.1", "dev", PEER_IF, "onlink");
        return r;
    }

    /**
     * A second monitored link, mon1 in the monitor namespace to peer1 in the peer namespace, quiet as
     * the first: the peer's traffic to {@code prefix} (e.g. 10.20.0.0/16) goes over it instead of mon0.
     */
    public void addSecondLink(String prefix) throws IOException, InterruptedException {
        run("ip", "-n", mon, "link", "add", MON_IF2, "type", "veth", "peer", "name", PEER_IF2, "netns", peer);
        run("ip", "netns", "exec", mon, "sysctl", "-q", "-w", "net.ipv6.conf." + MON_IF2 + ".disable_ipv6=1");
        run("ip", "-n", mon, "link", "set", MON_IF2, "up");
        run("ip", "netns", "exec", peer, "sysctl", "-q", "-w", "net.ipv6.conf." + PEER_IF2 + ".disable_ipv6=1");
        run("ip", "-n", peer, "addr", "add", "198.51.101.2/24", "dev", PEER_IF2);
        run("ip", "-n", peer, "link", "set", PEER_IF2, "up");
        String mac = inMon("cat", "/sys/class/net/" + MON_IF2 + "/address").strip();
        run("ip", "-n", peer, "neigh", "replace", "198.51.101.1", "lladdr", mac, "dev", PEER_IF2, "nud", "permanent");
        run("ip", "-n", peer, "route", "add", prefix, "via", "198.51.101.1", "dev", PEER_IF2, "onlink");
    }

    /**
     * A link from the monitor namespace to this machine's own (the tests' JVM), for a server the detector
     * must reach there (gobgpd's API): a veth pair with a /30 of 169.254/16 chosen from the rig's name.
     * The monitor namespace gets a route to that /30 only, so the floods still go nowhere. Returns the
     * address on this machine's side; the monitor side has the next one. Removed with the rig.
     */
    public String linkToHost() throws IOException, InterruptedException {
        int slot = Math.floorMod(mon.hashCode(), 16_000);
        String net = "169.254." + (slot >> 6) + ".";
        int base = (slot & 63) * 4;
        String host = net + (base + 1), inMon = net + (base + 2);
        String hostIf = "fnmc" + Integer.toHexString(mon.hashCode());
        sh("ip", "link", "del", hostIf);
        run("ip", "link", "add", hostIf, "type", "veth", "peer", "name", "ctl0", "netns", mon);
        run("ip", "addr", "add", host + "/30", "dev", hostIf);
        run("ip", "link", "set", hostIf, "up");
        run("ip", "-n", mon, "addr", "add", inMon + "/30", "dev", "ctl0");
        run("ip", "-n", mon, "link", "set", "ctl0", "up");
        return host;
    }

    /** Packets mon0 has received so far. */
    public long rxPackets() {
        return rxPackets(MON_IF);
    }

    /** Packets a monitor-side interface has received so far. */
    public long rxPackets(String monIf) {
        return Long.parseLong(inMon("cat", "/sys/class/net/" + monIf + "/statistics/rx_packets").strip());
    }

    public String inMon(String... cmd) {
        return sh(prefix(mon, cmd));
    }

    public String inPeer(String... cmd) {
        return sh(prefix(peer, cmd));
    }

    /** Starts a process inside the monitor namespace. */
    public Process startInMon(Path dir, List<String> cmd, Path stdout, Path stderr) throws IOException {
        return new ProcessBuilder(prefix(mon, cmd.toArray(String[]::new))).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /** Runs a bounded command in the peer namespace and waits for it. */
    public void runInPeer(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("timeout", Long.toString(timeoutSeconds)));
        full.addAll(List.of(prefix(peer, cmd)));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(timeoutSeconds + 5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static String[] prefix(String ns, String... cmd) {
        String[] full = new String[cmd.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        return full;
    }

    /** Runs a command and fails with its output when it exits non-zero. */
    public static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }

    public static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Kills each live process with its children (a generator under timeout or ip netns exec) and waits for it. */
    public static void kill(Process... processes) throws InterruptedException {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        for (String ns : new String[] {mon, peer}) {
            // A generator whose launcher was killed (timeout, ip netns exec) would flood on in a deleted namespace.
            for (String pid : sh("ip", "netns", "pids", ns).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            sh("ip", "netns", "del", ns);
        }
    }
}
