package fastnetmon.console;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal;
import fastnetmon.api.DetectorAccess;
import fastnetmon.detection.SortKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live console: a Lanterna screen redrawn every check_period seconds on its own daemon thread
 * from a {@code Supplier<ConsoleData>} (which must not block: the detector's published view, or the
 * client's last answer). Keys: p, b, f change the order at once; q or Ctrl-C call {@code onQuit}.
 * Resizes are picked up within 50 ms and redrawn in full. {@link #close()} restores the terminal; a
 * JVM shutdown (SIGTERM) restores it too. Nothing on the capture or evaluator threads waits for it.
 * <p>
 * While the screen is up and standard error is a terminal, what is written to {@code System.err}
 * (log lines with --log_to_console) is held back and printed when the screen closes, so it cannot
 * scribble over the screen.
 */
public final class ConsoleScreen implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleScreen.class);
    /** How often keys and the terminal size are looked at. */
    static final long POLL_MS = 50;
    static final String STOPPING = "stopping: finishing capture, evaluation and script calls...";

    private final Screen screen;
    private final Terminal terminal;
    private final Supplier<ConsoleData> source;
    private final ConsoleSettings settings;
    private final Runnable onQuit;
    private final Object drawLock = new Object();
    private final Thread thread;
    private Thread hook;
    private volatile SortKey sort;
    private volatile boolean closing;
    private volatile boolean quitRequested;
    private boolean restored; // under drawLock
    private HeldStderr heldStderr;
    private volatile List<String> lastLines = List.of();
    private volatile int draws;

    ConsoleScreen(Screen screen, Terminal terminal, Supplier<ConsoleData> source, ConsoleSettings settings, Runnable onQuit) {
        this.screen = screen;
        this.terminal = terminal;
        this.source = source;
        this.settings = settings;
        this.onQuit = onQuit;
        this.sort = settings.sort();
        this.thread = new Thread(this::loop, "console");
        thread.setDaemon(true);
    }

    /**
     * Starts the console on the detector when standard output is a terminal; empty (nothing started,
     * logs only) when it is not or the terminal cannot be set up. Close the result to restore the terminal.
     */
    public static Optional<AutoCloseable> startIfTerminal(DetectorAccess access, ConsoleSettings settings, Runnable onQuit) {
        return start(() -> ConsoleData.of(access, settings.version()), settings, onQuit).map(s -> s);
    }

    /** The console over any source, when standard output is a terminal. */
    public static Optional<ConsoleScreen> start(Supplier<ConsoleData> source, ConsoleSettings settings, Runnable onQuit) {
        if (!stdoutIsTerminal()) {
            return Optional.empty();
        }
        try {
            InputStream in = Tty.isatty(0) ? System.in : openTty();
            DefaultTerminalFactory factory = new DefaultTerminalFactory(System.out, in, Charset.defaultCharset())
                    .setForceTextTerminal(true)
                    .setUnixTerminalCtrlCBehaviour(UnixLikeTerminal.CtrlCBehaviour.TRAP);
            Terminal terminal = factory.createTerminal();
            ConsoleScreen s = new ConsoleScreen(new TerminalScreen(terminal), terminal, source, settings, onQuit);
            s.begin(true);
            return Optional.of(s);
        } catch (IOException | RuntimeException e) {
            log.warn("no console screen ({}): logs only", e.toString());
            return Optional.empty();
        }
    }

    /** Whether file descriptor 1 is a terminal (isatty(1)); false for files, pipes and services. */
    public static boolean stdoutIsTerminal() {
        return Tty.isatty(1);
    }

    private static InputStream openTty() {
        try {
            return new FileInputStream("/dev/tty");
        } catch (IOException e) {
            return System.in; // no controlling terminal to read keys from
        }
    }

    /** Enters the screen and starts the drawing thread. */
    void begin(boolean realTerminal) throws IOException {
        if (realTerminal) {
            takeOverLanternaShutdownHook();
            if (Tty.isatty(2)) {
                heldStderr = HeldStderr.install();
            }
        }
        try {
            screen.startScreen();
            screen.setCursorPosition(null);
        } catch (IOException | RuntimeException e) {
            if (heldStderr != null) {
                heldStderr.release();
            }
            throw e;
        }
        hook = new Thread(this::restore, "console-restore");
        Runtime.getRuntime().addShutdownHook(hook);
        thread.start();
    }

    /**
     * Lanterna restores the terminal from its own shutdown hook, which could run while this screen
     * draws a frame (leaving half a frame on the restored terminal). This screen's hook restores it
     * under the drawing lock instead; {@link Terminal#close()} would remove Lanterna's hook anyway.
     */
    private void takeOverLanternaShutdownHook() {
        try {
            java.lang.reflect.Field f = UnixLikeTerminal.class.getDeclaredField("shutdownHook");
            f.setAccessible(true);
            if (terminal instanceof UnixLikeTerminal && f.get(terminal) instanceof Thread t) {
                Runtime.getRuntime().removeShutdownHook(t);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Keep Lanterna's hook: the terminal is still restored at exit.
        }
    }

    private void loop() {
        long nextDraw = System.nanoTime(); // draw at once
        boolean full = true;
        boolean keys = true;
        try {
            while (!closing) {
                boolean redraw = false;
                if (keys) {
                    KeyStroke k;
                    while ((k = screen.pollInput()) != null) {
                        if (k.getKeyType() == KeyType.EOF) {
                            keys = false; // no input to read (stdin closed): the screen goes on without keys
                            break;
                        }
                        redraw |= key(k);
                    }
                }
                TerminalSize resized = screen.doResizeIfNecessary();
                if (resized != null) {
                    redraw = true;
                    full = true;
                }
                long now = System.nanoTime();
                if (redraw || now - nextDraw >= 0) {
                    draw(full);
                    full = false;
                    nextDraw = now + TimeUnit.SECONDS.toNanos(settings.checkPeriodSeconds());
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                log.warn("console screen stopped: {}", e.toString());
            }
        }
    }

    /** Handles a key; true when the screen changes. */
    boolean key(KeyStroke k) {
        if (k.getKeyType() != KeyType.Character || k.getCharacter() == null) {
            return false;
        }
        char c = Character.toLowerCase(k.getCharacter());
        if (k.isCtrlDown()) {
            if (c == 'c') {
                quit();
                return true;
            }
            return false;
        }
        switch (c) {
            case 'p' -> sort = SortKey.PACKETS;
            case 'b' -> sort = SortKey.BYTES;
            case 'f' -> sort = SortKey.FLOWS;
            case 'q' -> quit();
            default -> {
                return false;
            }
        }
        return true;
    }

    private void quit() {
        if (quitRequested) {
            return;
        }
        quitRequested = true;
        try {
            onQuit.run();
        } catch (RuntimeException e) {
            log.warn("quit: {}", e.toString());
        }
    }

    private void draw(boolean full) throws IOException {
        ConsoleData data;
        try {
            data = source.get();
        } catch (RuntimeException e) {
            data = ConsoleData.empty(settings.version()).withNotice("no data: " + e);
        }
        if (data == null) {
            data = ConsoleData.empty(settings.version());
        }
        if (quitRequested) {
            data = data.withNotice(STOPPING);
        }
        synchronized (drawLock) {
            if (restored) {
                return;
            }
            TerminalSize size = screen.getTerminalSize();
            List<String> lines = ScreenModel.lines(data, sort, settings.maxIpsInList(), size.getColumns(), size.getRows());
            screen.clear();
            TextGraphics g = screen.newTextGraphics();
            for (int i = 0; i < lines.size(); i++) {
                g.putString(0, i, lines.get(i));
            }
            screen.refresh(full ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
            lastLines = lines;
            draws++;
        }
    }

    /** What was drawn last (for tests). */
    List<String> lastLines() {
        return lastLines;
    }

    int draws() {
        return draws;
    }

    SortKey sort() {
        return sort;
    }

    /** Stops drawing and restores the terminal (leaves the alternate screen, restores the tty modes). */
    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        restore();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook has run or is running: restore() is idempotent
            }
        }
    }

    private void restore() {
        closing = true;
        synchronized (drawLock) {
            if (restored) {
                return;
            }
            restored = true;
            try {
                screen.stopScreen();
            } catch (IOException | RuntimeException e) {
                // the terminal is gone
            }
            try {
                terminal.close();
            } catch (IOException | RuntimeException e) {
                // the terminal is gone
            }
            if (heldStderr != null) {
                heldStderr.release();
            }
        }
    }

    /** Holds back what is written to System.err while the screen is up; prints it when released. */
    static final class HeldStderr extends java.io.OutputStream {
        private static final int LIMIT = 1 << 20;
        private final PrintStream original;
        private final java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        private long skipped;

        private HeldStderr(PrintStream original) {
            this.original = original;
        }

        static HeldStderr install() {
            HeldStderr h = new HeldStderr(System.err);
            System.setErr(new PrintStream(h, true));
            return h;
        }

        @Override
        public synchronized void write(int b) {
            if (held.size() < LIMIT) {
                held.write(b);
            } else {
                skipped++;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int n = Math.max(0, Math.min(len, LIMIT - held.size()));
            held.write(b, off, n);
            skipped += len - n;
        }

        synchronized void release() {
            System.setErr(original);
            if (skipped > 0) {
                original.println("(" + skipped + " bytes of standard error output written while the console was up were dropped)");
            }
            original.write(held.toByteArray(), 0, held.size());
            original.flush();
            held.reset();
        }
    }
}
