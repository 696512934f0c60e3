package fastnetmon.console;

import fastnetmon.testing.DetectorFiles;
import fastnetmon.testing.NetnsRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The console as an operator sees it: {@code fastnetmon} runs in a tmux pane (a real terminal) inside
 * a network namespace, capturing on one end of a veth pair; hping3 floods one address from the other
 * end (bounded by timeout, every packet stays inside the two namespaces). The pane is read with
 * capture-pane and driven with send-keys.
 */
class ConsoleTmuxTest {
    private static final String VICTIM = "10.10.0.5";
    private static final String MON_IF = NetnsRig.MON_IF;
    private static final String DAEMON = "fastnetmon", CLIENT = "client";
    private static final Pattern HOST_ROW = Pattern.compile("^" + Pattern.quote(VICTIM) + " +(\\d+) pps (\\d+) mbps (\\d+) flows$");
    private static final Pattern HEADER = Pattern.compile("^FastNetMon \\S+ all IPs ordered by: (packets|bytes|flows)$");
    private static final Pattern BAN_ROW = Pattern.compile("^" + Pattern.quote(VICTIM)
            + "/(\\d+) pps incoming syn_flood, banned \\d\\d:\\d\\d:\\d\\d ago$");

    @TempDir
    Path dir;
    private NetnsRig rig;
    private String mon;
    private String tmux;
    private Thread flood;

    @BeforeEach
    void setUp() throws Exception {
        NetnsRig.assumeAvailable("ip", "hping3", "tmux", "timeout");
        rig = NetnsRig.create();
        mon = rig.mon;
        tmux = "fnmc-" + ProcessHandle.current().pid() + "-" + (System.nanoTime() % 100000);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (flood != null) {
            flood.join(15_000);
        }
        NetnsRig.sh("tmux", "-L", tmux, "kill-server");
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void attackedHostOnTopBanListSortKeyResizeCleanQuitAndTheClientScreen() throws Exception {
        DetectorFiles.recordingScript(dir, dir.resolve("calls.log"), "$1 $2 $3 $4");
        DetectorFiles.config(dir, List.of("10.10.0.0/16", "2001:db8::/32"),
                "threshold_pps = 10000",
                "ban_details_records_count = 20",
                "ban_time = 3600",
                "mirror_afpacket = on",
                "check_period = 1",
                "sort_parameter = packets",
                "api = on",
                "api_port = 10007",
                "max_ips_in_list = 7");
        Path exit = dir.resolve("exit.code");
        Path run = dir.resolve("run.sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(run, "#!/bin/sh\ncd '" + dir + "'\n"
                + "ip netns exec " + mon + " '" + java + "' -cp '" + System.getProperty("java.class.path") + "' fastnetmon.FastNetMon"
                + " --configuration_file fastnetmon.conf " + MON_IF + "\n"
                + "echo $? > '" + exit + "'\n"
                + "echo 'after fastnetmon'\n"
                + "sleep 120\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        NetnsRig.run("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", DAEMON, "-x", "120", "-y", "40", run.toString());

        List<String> screen = awaitScreen(DAEMON, "the console screen",
                s -> !s.isEmpty() && HEADER.matcher(s.get(0)).matches() && s.get(0).endsWith(" packets") && s.contains("Ban list:"), 40_000);
        assertTrue(screen.get(1).startsWith("Incoming traffic        "), screen.toString());

        flood = new Thread(() -> {
            try {
                rig.runInPeer(6, "hping3", "--flood", "--rand-source", "-S", "-p", "80", VICTIM);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hping3");
        flood.start();
        screen = awaitScreen(DAEMON, "the attacked host first in the incoming list, and banned", s -> {
            if (s.size() < 3) {
                return false;
            }
            Matcher top = HOST_ROW.matcher(s.get(2));
            return top.matches() && Long.parseLong(top.group(1)) > 1000 && s.stream().anyMatch(l -> BAN_ROW.matcher(l).matches());
        }, 15_000);
        Matcher top = HOST_ROW.matcher(screen.get(2));
        assertTrue(top.matches(), screen.toString());
        assertTrue(screen.get(1).matches("Incoming traffic {8}\\d+ pps \\d+ mbps \\d+ flows"), screen.toString());
        int banHeader = screen.indexOf("Ban list:");
        assertTrue(banHeader > 0, screen.toString());
        Matcher ban = BAN_ROW.matcher(screen.get(banHeader + 1));
        assertTrue(ban.matches(), "the ban right under \"Ban list:\": " + screen);
        assertTrue(Long.parseLong(ban.group(1)) > 10000, "banned above threshold_pps: " + screen);
        List<String> order = List.of("Incoming traffic", "Outgoing traffic", "Internal traffic", "Other traffic",
                "Packets received:", "Packets dropped:", "Ban list:");
        int last = -1;
        for (String label : order) {
            int at = indexStarting(screen, label);
            assertTrue(at > last, label + " in order: " + screen);
            last = at;
        }
        assertTrue(screen.get(indexStarting(screen, "Packets dropped:")).matches("Packets dropped: {8}\\d+ \\(\\d+\\.\\d %\\)"), screen.toString());

        send(DAEMON, "b");
        screen = awaitScreen(DAEMON, "ordered by bytes", s -> !s.isEmpty() && s.get(0).endsWith("ordered by: bytes"), 3000);
        assertTrue(HEADER.matcher(screen.get(0)).matches() && screen.get(0).endsWith(" bytes"), screen.get(0));
        send(DAEMON, "f");
        awaitScreen(DAEMON, "ordered by flows", s -> !s.isEmpty() && s.get(0).endsWith("ordered by: flows"), 3000);

        // A narrow, short terminal: cut lines, no wrapping, header and totals kept.
        NetnsRig.run("tmux", "-L", tmux, "resize-window", "-t", DAEMON, "-x", "30", "-y", "10");
        screen = awaitScreen(DAEMON, "a 30x10 screen", s -> s.size() >= 9 && s.stream().allMatch(l -> l.length() <= 30)
                && s.get(0).length() == 30 && s.get(0).startsWith("FastNetMon ") && s.contains("Ban list:"), 3000);
        NetnsRig.run("tmux", "-L", tmux, "resize-window", "-t", DAEMON, "-x", "120", "-y", "40");
        awaitScreen(DAEMON, "full width again", s -> !s.isEmpty() && s.get(0).endsWith("all IPs ordered by: flows"), 3000);

        // The same screen from the daemon through its API: ./fastnetmon_client without a command.
        Path clientExit = dir.resolve("client.code");
        Path client = dir.resolve("client.sh");
        Files.writeString(client, "#!/bin/sh\ncd '" + dir + "'\n"
                + "ip netns exec " + mon + " '" + java + "' -cp '" + System.getProperty("java.class.path") + "' fastnetmon.client.FastNetMonClient\n"
                + "echo $? > '" + clientExit + "'\n"
                + "echo 'after fastnetmon_client'\n"
                + "sleep 120\n");
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwxr-xr-x"));
        NetnsRig.run("tmux", "-L", tmux, "new-session", "-d", "-s", CLIENT, "-x", "100", "-y", "30", client.toString());
        screen = awaitScreen(CLIENT, "the client's screen with the attacked host and its ban", s -> s.size() > 2
                && HEADER.matcher(s.get(0)).matches() && s.get(0).endsWith(" packets") // the daemon's sort_parameter
                && HOST_ROW.matcher(s.get(2)).matches()
                && s.stream().anyMatch(l -> BAN_ROW.matcher(l).matches()), 20_000);
        send(CLIENT, "b");
        awaitScreen(CLIENT, "the client ordered by bytes", s -> !s.isEmpty() && s.get(0).endsWith(" bytes"), 3000);

        send(DAEMON, "q");
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(exit) || Files.readString(exit).isBlank()) {
            if (System.currentTimeMillis() > deadline) {
                fail("fastnetmon did not exit within 30 s of q: " + pane(DAEMON) + "\n" + log());
            }
            Thread.sleep(100);
        }
        assertEquals("0", Files.readString(exit).strip(), log());
        assertFalse(Files.exists(dir.resolve("fastnetmon.pid")), "pid file removed");
        assertTrue(log().contains("stopped"), log());
        screen = awaitScreen(DAEMON, "the shell's screen back", s -> s.contains("after fastnetmon"), 3000);
        assertFalse(screen.contains("Ban list:"), "the console left the terminal as it was: " + screen);

        // The daemon is gone: the client says so on one line, keeps the last screen, and quits on q.
        screen = awaitScreen(CLIENT, "the client's notice", s -> s.size() > 1
                && s.get(1).equals("fastnetmon on 127.0.0.1:10007 not answering (retrying every second)"), 10_000);
        assertTrue(HEADER.matcher(screen.get(0)).matches(), screen.toString());
        send(CLIENT, "q");
        deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(clientExit) || Files.readString(clientExit).isBlank()) {
            if (System.currentTimeMillis() > deadline) {
                fail("fastnetmon_client did not exit within 10 s of q: " + pane(CLIENT));
            }
            Thread.sleep(100);
        }
        assertEquals("0", Files.readString(clientExit).strip());
        screen = awaitScreen(CLIENT, "the client's shell back", s -> s.contains("after fastnetmon_client"), 3000);
        assertFalse(screen.contains("Ban list:"), screen.toString());

        List<String> calls = Files.readAllLines(dir.resolve("calls.log"));
        assertTrue(calls.stream().anyMatch(l -> l.startsWith(VICTIM + " incoming ") && l.endsWith(" ban")), calls.toString());
    }

    private static int indexStarting(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private String log() throws IOException {
        Path log = dir.resolve("fastnetmon.log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private void send(String session, String key) throws IOException, InterruptedException {
        NetnsRig.run("tmux", "-L", tmux, "send-keys", "-t", session, key);
    }

    /** The pane's lines, trailing blanks and blank lines at the end removed. */
    private List<String> pane(String session) {
        List<String> lines = new ArrayList<>(NetnsRig.sh("tmux", "-L", tmux, "capture-pane", "-p", "-t", session).lines()
                .map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private List<String> awaitScreen(String session, String what, Predicate<List<String>> ok, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        List<String> s = pane(session);
        while (!ok.test(s)) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what + "; the pane shows:\n" + String.join("\n", s) + "\n--- log:\n" + log());
            }
            Thread.sleep(100);
            s = pane(session);
        }
        return s;
    }
}
