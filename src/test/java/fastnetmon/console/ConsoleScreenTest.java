package fastnetmon.console;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SortKey;
import fastnetmon.detection.TrafficView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The screen's behaviour on Lanterna's virtual terminal: drawing, keys, resizes, close. */
class ConsoleScreenTest {
    private DefaultVirtualTerminal terminal;
    private ConsoleScreen screen;
    private final AtomicInteger quits = new AtomicInteger();

    private ConsoleScreen start(int columns, int rows, int checkPeriod, Supplier<ConsoleData> source) throws Exception {
        terminal = new DefaultVirtualTerminal(new TerminalSize(columns, rows));
        screen = new ConsoleScreen(new TerminalScreen(terminal), terminal, source,
                new ConsoleSettings(checkPeriod, SortKey.PACKETS, 7, "0.1.0"), quits::incrementAndGet);
        screen.begin(false);
        return screen;
    }

    @AfterEach
    void tearDown() {
        if (screen != null) {
            screen.close();
        }
    }

    /** The terminal's visible text, one string per row, trailing blanks removed. */
    private List<String> visible() {
        TerminalSize size = terminal.getTerminalSize();
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < size.getRows(); r++) {
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < size.getColumns(); c++) {
                b.append(terminal.getCharacter(c, r).getCharacterString());
            }
            rows.add(b.toString().stripTrailing());
        }
        while (!rows.isEmpty() && rows.get(rows.size() - 1).isEmpty()) {
            rows.remove(rows.size() - 1);
        }
        return rows;
    }

    private static List<String> stripped(List<String> lines) {
        return lines.stream().map(String::stripTrailing).toList();
    }

    private static void await(String what, BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void drawsTheModelAndRedrawsEveryCheckPeriod() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        start(100, 30, 1, () -> {
            fetches.incrementAndGet();
            return ScreenModelTest.sample();
        });
        List<String> expected = stripped(ScreenModel.lines(ScreenModelTest.sample(), SortKey.PACKETS, 7, 100, 30));
        await("first frame", () -> visible().equals(expected), 2000);
        int before = fetches.get();
        await("a redraw a second later", () -> fetches.get() > before, 2500);
    }

    @Test
    void sortKeysRedrawAtOnce() throws Exception {
        start(100, 30, 3600, ScreenModelTest::sample);
        await("first frame", () -> !visible().isEmpty(), 2000);
        terminal.addInput(new KeyStroke('b', false, false));
        await("bytes", () -> visible().get(0).endsWith("ordered by: bytes"), 1000);
        assertTrue(visible().get(2).startsWith("10.10.0.6 "), visible().toString());
        terminal.addInput(new KeyStroke('F', false, false));
        await("flows", () -> visible().get(0).endsWith("ordered by: flows"), 1000);
        terminal.addInput(new KeyStroke('p', false, false));
        await("packets", () -> visible().get(0).endsWith("ordered by: packets"), 1000);
        terminal.addInput(new KeyStroke('x', false, false));
        terminal.addInput(new KeyStroke(KeyType.ArrowDown));
        Thread.sleep(200);
        assertEquals(SortKey.PACKETS, screen.sort());
        assertEquals(0, quits.get());
    }

    @Test
    void qQuitsOnceAndTheScreenSaysItIsStopping() throws Exception {
        start(100, 30, 3600, ScreenModelTest::sample);
        terminal.addInput(new KeyStroke('q', false, false));
        await("onQuit", () -> quits.get() == 1, 1000);
        await("stopping notice", () -> visible().size() > 1 && visible().get(1).equals(ConsoleScreen.STOPPING), 1000);
        terminal.addInput(new KeyStroke('q', false, false));
        terminal.addInput(new KeyStroke('c', true, false));
        Thread.sleep(200);
        assertEquals(1, quits.get(), "onQuit is called once");
    }

    @Test
    void ctrlCArrivingAsAKeyQuits() throws Exception {
        start(100, 30, 3600, ScreenModelTest::sample);
        terminal.addInput(new KeyStroke('c', true, false));
        await("onQuit", () -> quits.get() == 1, 1000);
    }

    @Test
    void resizeRedrawsInFullWithoutLeftovers() throws Exception {
        start(100, 30, 3600, ScreenModelTest::sample);
        await("first frame", () -> visible().size() == 13, 2000);
        terminal.setTerminalSize(new TerminalSize(20, 10));
        List<String> small = stripped(ScreenModel.lines(ScreenModelTest.sample(), SortKey.PACKETS, 7, 20, 10));
        await("narrow frame", () -> visible().equals(small), 1000);
        terminal.setTerminalSize(new TerminalSize(40, 6));
        List<String> tiny = stripped(ScreenModel.lines(ScreenModelTest.sample(), SortKey.PACKETS, 7, 40, 6));
        await("short frame", () -> visible().equals(tiny), 1000);
        terminal.setTerminalSize(new TerminalSize(120, 40));
        List<String> big = stripped(ScreenModel.lines(ScreenModelTest.sample(), SortKey.PACKETS, 7, 120, 40));
        await("wide frame", () -> visible().equals(big), 1000);
    }

    @Test
    void aFailingSourceShowsANoticeAndTheScreenGoesOn() throws Exception {
        AtomicInteger n = new AtomicInteger();
        start(100, 30, 1, () -> {
            if (n.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return ScreenModelTest.sample();
        });
        await("notice", () -> visible().size() > 1 && visible().get(1).startsWith("no data: "), 2000);
        await("recovered", () -> visible().size() == 13, 3000);
    }

    @Test
    void closeStopsDrawingAndLeavesTheScreen() throws Exception {
        start(100, 30, 1, ScreenModelTest::sample);
        await("first frame", () -> screen.draws() > 0, 2000);
        screen.close();
        int draws = screen.draws();
        Thread.sleep(1300);
        assertEquals(draws, screen.draws());
        screen.close(); // twice is fine
        screen = null;
    }

    @Test
    void detectorViewBecomesScreenData() {
        Map<Direction, TrafficView.Rate> totals = new EnumMap<>(Direction.class);
        totals.put(Direction.INCOMING, new TrafficView.Rate(20613.4, 10.6, 5));
        totals.put(Direction.OTHER, new TrafficView.Rate(3, 0, 0));
        TrafficView.HostRate v = new TrafficView.HostRate("10.10.0.5", 20613.4, 10.6, 5);
        TrafficView.HostRate v6 = new TrafficView.HostRate("2001:db8::7", 10, 0.1, 1);
        Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> top = new EnumMap<>(Direction.class);
        top.put(Direction.INCOMING, Map.of(SortKey.PACKETS, List.of(v, v6), SortKey.BYTES, List.of(v, v6),
                SortKey.FLOWS, List.of(v, v6)));
        HostTraffic t = new HostTraffic();
        t.packets[HostTraffic.index(Direction.INCOMING, TrafficClass.TOTAL)] = 20613;
        long bannedAt = 1_700_000_000_000L;
        Attack a = new Attack("10.10.0.5", 0, 0x0a0a0005L, Direction.INCOMING, "syn_flood", "tcp", t,
                "pps 20613 > 10000", "global", bannedAt * 1_000_000L);
        TrafficView view = new TrafficView(0, totals, top, List.of(a));
        ConsoleData d = ConsoleData.of(view, 123, 4, "0.1.0", bannedAt + 5000);
        assertEquals(List.of(
                "FastNetMon 0.1.0 all IPs ordered by: packets",
                "Incoming traffic        20613 pps 11 mbps 5 flows",
                "10.10.0.5               20613 pps 11 mbps 5 flows",
                "2001:db8::7             10 pps 0 mbps 1 flows",
                "Outgoing traffic        0 pps 0 mbps 0 flows",
                "Internal traffic        0 pps 0 mbps",
                "Other traffic           3 pps 0 mbps",
                "Packets received:       123",
                "Packets dropped:        4 (3.3 %)",
                "Ban list:",
                "10.10.0.5/20613 pps incoming syn_flood, banned 00:00:05 ago"),
                ScreenModel.lines(d, SortKey.PACKETS, 7, 200, 50));
        assertFalse(d.bans().isEmpty());
    }
}
