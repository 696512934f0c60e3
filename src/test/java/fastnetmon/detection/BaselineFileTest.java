package fastnetmon.detection;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.counters.TestPackets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static fastnetmon.counters.Direction.INCOMING;
import static fastnetmon.counters.Direction.OUTGOING;
import static fastnetmon.detection.BaselinesTest.T0;
import static fastnetmon.detection.BaselinesTest.learn;
import static fastnetmon.detection.BaselinesTest.second;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baseline state file: written whole, read back the same, and bad or cut files said in one line. */
class BaselineFileTest {
    @TempDir
    Path dir;

    final HostTable hosts = new HostTable(List.of(), List.of());

    BaselineSettings settings(Path state) {
        return new BaselineSettings(true, 4, 20, 1, 20, 600, 300, 600, state);
    }

    int host(String ip) {
        long[] a = TestPackets.addr(ip);
        return hosts.findOrAdd(a[0], a[1]);
    }

    /** The warnings the state file's reading logs while {@code r} runs. */
    static List<String> warnings(Runnable r) {
        Logger logger = (Logger) LoggerFactory.getLogger(BaselineFile.class);
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        logger.addAppender(app);
        try {
            r.run();
        } finally {
            logger.detachAppender(app);
        }
        return app.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void baselinesSurviveARestartByAddress() throws Exception {
        Path state = dir.resolve("state/fastnetmon.baselines");
        Baselines b = new Baselines(settings(state), hosts);
        int v4 = host("10.0.0.1"), v6 = host("2001:db8::5");
        long next = learn(b, v4, second(INCOMING, 100, 500, 10), T0, 3600);
        learn(b, v6, second(OUTGOING, 7, 100, 2), T0 + 3400, 200); // 200 s: still warming up
        b.saveAndClose();
        String text = Files.readString(state);
        assertTrue(text.startsWith(BaselineFile.HEADER + "\n" + BaselineFile.COLUMNS + "\n"), text);
        assertTrue(text.contains("\n10.0.0.1 incoming " + T0 + " "), text);
        assertTrue(text.endsWith("\n# end 4\n"), text);
        assertFalse(Files.exists(dir.resolve("state/fastnetmon.baselines.tmp")));

        // A new evaluator's hosts: other ids, the baselines found by address when the hosts show up
        HostTable after = new HostTable(List.of(), List.of());
        long[] other = TestPackets.addr("10.0.0.99");
        after.findOrAdd(other[0], other[1]);
        Baselines restarted = new Baselines(settings(state), after);
        long[] a = TestPackets.addr("10.0.0.1"), a6 = TestPackets.addr("2001:db8::5");
        int h = after.findOrAdd(a[0], a[1]), h6 = after.findOrAdd(a6[0], a6[1]);
        long now = System.currentTimeMillis() / 1000; // the downtime does not count as quiet
        restarted.learn(h, second(INCOMING, 100, 500, 10), false, now);
        restarted.learn(h6, second(OUTGOING, 7, 100, 2), false, now);
        assertEquals(100, restarted.baseline(h, INCOMING, BaselineRows.PPS), 1e-3);
        assertEquals(0.4, restarted.baseline(h, INCOMING, BaselineRows.MBPS), 1e-6);
        assertEquals(10, restarted.baseline(h, INCOMING, BaselineRows.FLOWS), 1e-3);
        assertEquals(7, restarted.baseline(h6, OUTGOING, BaselineRows.PPS), 1e-3);
        assertEquals("pps 401 > 4 x baseline 100", restarted.exceeded(h, second(INCOMING, 401, 500, 10), INCOMING, now + 1));
        assertTrue(restarted.warm(h, INCOMING, now + 1)); // learned since T0
        assertFalse(restarted.warm(h6, OUTGOING, T0 + 3400 + 299)); // its warm-up goes on from where it was
        assertTrue(restarted.warm(h6, OUTGOING, T0 + 3400 + 300));
        assertEquals(next, T0 + 3600);
    }

    @Test
    void theStateIsWrittenEverySaveIntervalOffTheEvaluatorsThread() throws Exception {
        Path state = dir.resolve("b.state");
        Baselines b = new Baselines(settings(state), hosts);
        int h = host("10.0.0.1");
        long next = learn(b, h, second(INCOMING, 100, 500, 10), T0, 100);
        b.saveIfDue(T0); // the first call starts the interval
        b.saveIfDue(next);
        assertFalse(Files.exists(state));
        b.saveIfDue(T0 + 600);
        for (int i = 0; i < 500 && !Files.exists(state); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.readString(state).contains("\n10.0.0.1 incoming "));
        b.saveAndClose();
    }

    /** Baselines reading {@code text} as their state file; the warnings of the reading go to {@code warnings}. */
    Baselines load(String text, List<String> warnings) throws Exception {
        Path state = dir.resolve("bad.baselines");
        Files.writeString(state, text);
        Baselines[] b = new Baselines[1];
        warnings.addAll(warnings(() -> b[0] = new Baselines(settings(state), hosts)));
        return b[0];
    }

    @Test
    void aFileThatIsNotOneIsSaidInOneLineAndTheStartGoesOn() throws Exception {
        List<String> w = new ArrayList<>();
        load("{\"bans\": []}\n", w);
        assertEquals(List.of(dir.resolve("bad.baselines") + ":1: not a baseline state file (its first line is not '"
                + BaselineFile.HEADER + "'): starting without learned baselines"), w);

        Files.createDirectories(dir.resolve("a-folder"));
        w = warnings(() -> new Baselines(settings(dir.resolve("a-folder")), hosts));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("a-folder: baseline state file must be a regular file, not a directory"), w.get(0));
    }

    @Test
    void badLinesAreSkippedWithTheFirstOnesLineAndTheRestIsRead() throws Exception {
        String ok = "10.0.0.1 incoming " + T0 + " 1 100 0.4 10\n";
        String text = BaselineFile.HEADER + "\n" + BaselineFile.COLUMNS + "\n" + ok
                + "10.0.0.2 sideways " + T0 + " 1 100 0.4 10\n"
                + "10.0.0.3 incoming " + T0 + " 1 -5 0.4 10\n"
                + "10.0.0.4 incoming " + T0 + " 0 100 0.4 10\n"
                + "10.0.0.300 incoming " + T0 + " 1 100 0.4 10\n"
                + "10.0.0.5 incoming " + T0 + " 1 1e999 0.4 10\n"
                + "10.0.0.6 incoming\n"
                + "10.0.0.7 outgoing " + T0 + " 1 7 0.1 2\n"
                + BaselineFile.END + "8\n";
        List<String> w = new ArrayList<>();
        Baselines b = load(text, w);
        assertEquals(List.of(dir.resolve("bad.baselines") + ":4: 'sideways' is not incoming or outgoing (6 bad lines skipped, 2 host baselines read)"), w);
        long now = System.currentTimeMillis() / 1000;
        int h = host("10.0.0.1"), h7 = host("10.0.0.7"), h3 = host("10.0.0.3");
        b.learn(h, second(INCOMING, 100, 500, 10), false, now);
        b.learn(h7, second(OUTGOING, 7, 100, 2), false, now);
        b.learn(h3, second(INCOMING, 1, 100, 1), false, now);
        assertEquals(100, b.baseline(h, INCOMING, BaselineRows.PPS), 1e-6);
        assertEquals(7, b.baseline(h7, OUTGOING, BaselineRows.PPS), 1e-6);
        assertEquals(1, b.baseline(h3, INCOMING, BaselineRows.PPS), 1e-6); // a new host: learns from its first second
        assertNull(b.exceeded(h3, second(INCOMING, 1000, 100, 1), INCOMING, now + 1)); // and warms up first
    }

    @Test
    void aFileCutShortGivesWhatItHolds() throws Exception {
        String text = BaselineFile.HEADER + "\n" + BaselineFile.COLUMNS + "\n"
                + "10.0.0.1 incoming " + T0 + " 1 100 0.4 10\n"
                + "10.0.0.2 incoming " + T0 + " 1 5";
        List<String> w = new ArrayList<>();
        Baselines b = load(text, w);
        Path file = dir.resolve("bad.baselines");
        assertEquals(List.of(file + ":4: expected 7 fields (ip direction first_learned weight pps mbps flows), got 5 (1 bad line skipped, 1 host baselines read)",
                "baseline state file " + file + " is cut short (no end line): going on with the 1 host baselines read"), w);
        int h = host("10.0.0.1");
        b.learn(h, second(INCOMING, 100, 500, 10), false, System.currentTimeMillis() / 1000);
        assertEquals(100, b.baseline(h, INCOMING, BaselineRows.PPS), 1e-6);
    }

    @Test
    void offReadsAndWritesNoFile() throws Exception {
        Path state = dir.resolve("never");
        BaselineSettings off = new BaselineSettings(false, 4, 20, 1, 20, 600, 300, 600, state);
        Baselines b = new Baselines(off, hosts);
        learn(b, host("10.0.0.1"), second(INCOMING, 100, 500, 10), T0, 10);
        b.saveIfDue(T0 + 10_000);
        b.saveAndClose();
        assertFalse(Files.exists(state));
    }
}
